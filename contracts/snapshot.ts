// The snapshot: `{ asOf, orders, stations?, maintenance? }`, the input of a forecast. Parsing names
// the entry (order, station, maintenance) and the field of the first problem, so that a person can
// fix the file. A v1 file's `productionStartedAt` / `productionFinishedAt` are the step
// `production`; a missing `status` is derived from the times.
import * as z from 'zod';
import type { PlannedMaintenance, Snapshot, StationState } from '../orderflow/types.ts';
import { SnapshotError } from './errors.ts';
import { otherFileProblem } from './fileKinds.ts';
import {
  EpochMsSchema,
  missingForStatus,
  NameSchema,
  type OrderStateItem,
  OrderStateItemSchema,
  orderStatusOf,
  plainOrderStateItem,
  type StepState,
  stepOf,
  V1_PRODUCTION_FIELDS,
  V1_PRODUCTION_STEP,
} from './orderState.ts';
import { EPOCH_MS_RULE, isEpochMs } from './time.ts';
import { isWellFormed, WELL_FORMED_RULE } from './wellFormed.ts';

/** Validates `raw` as a snapshot; throws SnapshotError naming the order and field at fault. */
export function parseSnapshot(raw: unknown): Snapshot {
  const other = otherFileProblem(raw, 'snapshot');
  if (other !== undefined) throw new SnapshotError(other);
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
  const { stations, maintenance } = raw as { stations?: unknown; maintenance?: unknown };
  return {
    asOf,
    orders: items,
    ...(stations !== undefined && { stations: parseStations(stations) }),
    ...(maintenance !== undefined && { maintenance: parseMaintenance(maintenance) }),
  };
}

const UNIT_RULE = "expected a whole number from 1 (a unit of the station, 1 to the station's capacity)";
const unit = z.number({ error: UNIT_RULE }).int(UNIT_RULE).min(1, UNIT_RULE);

/** A station's (or unit's) state in a snapshot: what its latest StationDown / StationUp said. */
const StationStateSchema = z.strictObject({
  station: NameSchema,
  unit: unit.optional(),
  down: z.boolean({ error: 'expected true (down) or false (up)' }),
  since: EpochMsSchema,
  expectedUpAt: EpochMsSchema.optional(),
});

/** A planned maintenance window in a snapshot. */
const PlannedMaintenanceSchema = z.strictObject({
  maintenanceId: z
    .string({ error: 'expected a non-empty string' })
    .min(1, 'expected a non-empty string')
    .refine(isWellFormed, WELL_FORMED_RULE),
  station: NameSchema,
  unit: unit.optional(),
  from: EpochMsSchema,
  to: EpochMsSchema,
});

function parseStations(stations: unknown): StationState[] {
  if (!Array.isArray(stations)) {
    throw new SnapshotError(
      `field "stations": expected an array of station states, got ${shownValue(stations)}`,
      { field: 'stations' },
    );
  }
  const seen = new Set<string>();
  return stations.map((entry: unknown, index) => {
    const e = entry as { station?: unknown; unit?: unknown } | null;
    const named = typeof e === 'object' && e !== null && typeof e.station === 'string';
    const where = `stations[${index}]${named ? ` (station ${JSON.stringify(e.station)}${typeof e.unit === 'number' ? `, unit ${e.unit}` : ''})` : ''}`;
    const state = parseEntry(StationStateSchema, entry, where, 'a station state', index);
    const key = JSON.stringify([state.station, state.unit ?? null]);
    if (seen.has(key))
      throw new SnapshotError(
        `${where}: the ${state.unit === undefined ? 'station' : 'unit'} appears twice`,
        { index },
      );
    seen.add(key);
    return state as StationState;
  });
}

function parseMaintenance(maintenance: unknown): PlannedMaintenance[] {
  if (!Array.isArray(maintenance)) {
    throw new SnapshotError(
      `field "maintenance": expected an array of planned maintenance windows, got ${shownValue(maintenance)}`,
      { field: 'maintenance' },
    );
  }
  const seen = new Set<string>();
  return maintenance.map((entry: unknown, index) => {
    const e = entry as { maintenanceId?: unknown } | null;
    const named = typeof e === 'object' && e !== null && typeof e.maintenanceId === 'string';
    const where = `maintenance[${index}]${named ? ` (maintenance ${JSON.stringify(e.maintenanceId)})` : ''}`;
    const window = parseEntry(PlannedMaintenanceSchema, entry, where, 'a planned maintenance', index);
    if (window.to <= window.from) {
      throw new SnapshotError(`${where}: field "to": must be after from (${window.from}), got ${window.to}`, {
        index,
        field: 'to',
      });
    }
    if (seen.has(window.maintenanceId))
      throw new SnapshotError(`${where}: the maintenance appears twice`, { index });
    seen.add(window.maintenanceId);
    return window as PlannedMaintenance;
  });
}

/** `entry` as `schema` reads it; else a SnapshotError naming the entry and the field at fault. */
function parseEntry<T extends z.ZodObject>(
  schema: T,
  entry: unknown,
  where: string,
  what: string,
  index: number,
): z.output<T> {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new SnapshotError(`${where}: expected ${what} object, got ${shownValue(entry)}`, { index });
  }
  const result = schema.safeParse(entry);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const field = issue.keys[0]!;
    throw new SnapshotError(
      `${where}: field "${field}": unknown field (expected ${Object.keys(schema.shape).join(', ')})`,
      { index, field },
    );
  }
  const field = issue.path.map(String).join('.');
  const value = Object.hasOwn(entry, field) ? (entry as Record<string, unknown>)[field] : undefined;
  const message =
    value === undefined ? `required: ${issue.message}` : `${issue.message}, got ${shownValue(value)}`;
  throw new SnapshotError(`${where}: field "${field}": ${message}`, { index, field });
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
