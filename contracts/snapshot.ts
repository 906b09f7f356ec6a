// The snapshot: `{ asOf, orders }`, the input of a forecast. Parsing names the order and the field
// of the first problem, so that a person can fix the file. A v1 file's `productionStartedAt` /
// `productionFinishedAt` are the step `production`; a missing `status` is derived from the times.
import type { Snapshot } from '../orderflow/types.ts';
import { SnapshotError } from './errors.ts';
import { V1_PRODUCTION_STEP } from './events.ts';
import {
  missingForStatus,
  type OrderStateItem,
  OrderStateItemSchema,
  orderStatusOf,
  plainOrderStateItem,
  type StepState,
  stepOf,
  V1_PRODUCTION_FIELDS,
} from './orderState.ts';
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
  // Most orders plainly are items: read without the schema, which parses the rest and names a fault.
  const plain = plainOrderStateItem(order);
  const result =
    plain !== undefined ? { success: true as const, data: plain } : OrderStateItemSchema.safeParse(order);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    const value = issue.path.reduce<unknown>(
      (v, key) =>
        typeof v === 'object' && v !== null && Object.hasOwn(v, key)
          ? (v as Record<PropertyKey, unknown>)[key]
          : undefined,
      order,
    );
    const got =
      value === undefined || typeof value === 'object' || issue.message.startsWith('unknown')
        ? ''
        : `, got ${shownValue(value)}`;
    throw new SnapshotError(`${where}: field "${field}": ${issue.message}${got}`, {
      index,
      ...(orderId !== undefined && { orderId }),
      field,
    });
  }
  const item = withV1Production(result.data as OrderStateItem, where, index);
  const missing = missingForStatus(item);
  if (missing !== undefined) {
    throw new SnapshotError(
      `${where}: field "${missing.field}": required when status is "${item.status}"${missing.needs ? ` (${missing.needs})` : ''}`,
      { index, orderId: item.orderId, field: missing.field },
    );
  }
  return item.status === undefined ? { ...item, status: orderStatusOf(item) } : item;
}

/**
 * `item` with v1's production times as the step `production` (a file may say both, if they agree).
 */
function withV1Production(item: OrderStateItem, where: string, index: number): OrderStateItem {
  if (item.productionStartedAt === undefined && item.productionFinishedAt === undefined) return item;
  const fields = Object.entries(V1_PRODUCTION_FIELDS).filter(([v1]) => item[v1] !== undefined);
  if (fields.length === 0) return item;
  const step: Record<string, unknown> = { ...stepOf(item, V1_PRODUCTION_STEP) };
  const moved: OrderStateItem = { ...item };
  for (const [v1, time] of fields) {
    if (step[time] !== undefined && step[time] !== item[v1]) {
      throw new SnapshotError(
        `${where}: field "${v1}": ${item[v1]} is not steps.${V1_PRODUCTION_STEP}.${time} (${step[time]}); give one of them`,
        { index, orderId: item.orderId, field: v1 },
      );
    }
    step[time] = item[v1];
    delete moved[v1];
  }
  moved.steps = { ...item.steps, [V1_PRODUCTION_STEP]: step as StepState };
  return moved;
}

/** A value as an error message shows it: its JSON (a number as JavaScript reads it), cut to 40 characters. */
function shownValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'number' ? String(value) : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
