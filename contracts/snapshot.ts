// The snapshot: `{ asOf, orders }`, the input of a forecast. Parsing names the order and the field
// of the first problem, so that a person can fix the file.
import type { Snapshot } from '../orderflow/index.ts';
import { SnapshotError } from './errors.ts';
import { type OrderStateItem, OrderStateItemSchema, REQUIRED_FOR_STATUS } from './orderState.ts';
import { EPOCH_MS_RULE, isEpochMs } from './time.ts';

/** Validates `raw` as a snapshot; throws SnapshotError naming the order and field at fault. */
export function parseSnapshot(raw: unknown): Snapshot {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SnapshotError('expected an object { "asOf": <epoch ms>, "orders": [...] }');
  }
  const { asOf, orders } = raw as { asOf?: unknown; orders?: unknown };
  if (asOf === undefined) throw new SnapshotError('field "asOf": required (epoch ms)', { field: 'asOf' });
  if (typeof asOf !== 'number') {
    throw new SnapshotError(`field "asOf": expected a number (epoch ms), got ${shownValue(asOf)}`, {
      field: 'asOf',
    });
  }
  if (!isEpochMs(asOf)) {
    throw new SnapshotError(`field "asOf": ${EPOCH_MS_RULE}, got ${shownValue(asOf)}`, { field: 'asOf' });
  }
  if (!Array.isArray(orders)) {
    throw new SnapshotError(`field "orders": expected an array of order states, got ${shownValue(orders)}`, {
      field: 'orders',
    });
  }
  const seen = new Set<string>();
  const items = orders.map((order: unknown, index) => {
    const item = parseOrder(order, index);
    if (seen.has(item.orderId)) {
      throw new SnapshotError(
        `orders[${index}] (order ${JSON.stringify(item.orderId)}): the order appears twice`,
        {
          index,
          orderId: item.orderId,
        },
      );
    }
    seen.add(item.orderId);
    return item;
  });
  return { asOf, orders: items };
}

function parseOrder(order: unknown, index: number): OrderStateItem {
  const orderId =
    typeof order === 'object' &&
    order !== null &&
    typeof (order as { orderId?: unknown }).orderId === 'string'
      ? (order as { orderId: string }).orderId
      : undefined;
  // JSON shows an id as it is written, a lone surrogate as its escape.
  const where = orderId ? `orders[${index}] (order ${JSON.stringify(orderId)})` : `orders[${index}]`;
  if (typeof order !== 'object' || order === null || Array.isArray(order)) {
    throw new SnapshotError(`${where}: expected an order state object, got ${shownValue(order)}`, { index });
  }
  const result = OrderStateItemSchema.safeParse(order);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    const value = (order as Record<string, unknown>)[String(issue.path[0])];
    const got =
      value === undefined || issue.message.startsWith('unknown') ? '' : `, got ${shownValue(value)}`;
    throw new SnapshotError(`${where}: field "${field}": ${issue.message}${got}`, {
      index,
      ...(orderId !== undefined && { orderId }),
      field,
    });
  }
  const item = result.data as OrderStateItem;
  const needed = REQUIRED_FOR_STATUS[item.status];
  if (
    needed !== undefined &&
    item[needed] === undefined &&
    !(needed === 'eta' && item.initialEta !== undefined)
  ) {
    throw new SnapshotError(`${where}: field "${needed}": required when status is "${item.status}"`, {
      index,
      orderId: item.orderId,
      field: needed,
    });
  }
  return item;
}

/** A value as an error message shows it: its JSON (a number as JavaScript reads it), cut to 40 characters. */
function shownValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'number' ? String(value) : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
