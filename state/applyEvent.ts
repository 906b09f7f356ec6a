// The order state reducer: how one event changes an order's state item. Every field remembers the
// event that set it, so that applying events is idempotent and order-independent: a duplicate, or
// an event older than the one that set a field, changes nothing. Steps are slots too, one for the
// start and one for the finish of each step name, whatever the names are.
import { createHash } from 'node:crypto';
import {
  type OrderNumberField,
  type OrderState,
  type OrderStatus,
  type OrderTimeField,
  type StepState,
  stepOf,
  V1_PRODUCTION_STEP,
} from '../contracts/orderState.ts';
import { isPlantId, PLANT_ID_RULE, plantOfKey, plantScopedKey } from '../contracts/plants.ts';
import { OrderStateTable } from '../contracts/resources.ts';
import { EPOCH_MS_RULE, isEpochMs } from '../contracts/time.ts';
import { isWellFormed, WELL_FORMED_RULE } from '../contracts/wellFormed.ts';
import { StateStoreError } from './errors.ts';
import type { DomainEvent } from './events.ts';
import type { ApplyOutcome } from './StateStore.ts';

type OrderField = OrderNumberField | OrderTimeField | 'product' | 'supplier';

/**
 * Groups of fields that one kind of event sets together. Each slot stores the key of the event
 * that last set it (see `eventKey`), so that "newer" is a string comparison that DynamoDB can
 * evaluate in a condition.
 */
export const SLOTS = {
  accepted: {
    fields: ['acceptedAt', 'dueAt', 'priority', 'quantity', 'product'],
    attribute: 'acceptedEvent',
  },
  ordered: { fields: ['materialOrderedAt', 'initialEta', 'supplier'], attribute: 'orderedEvent' },
  eta: { fields: ['eta'], attribute: 'etaEvent' },
  arrived: { fields: ['materialArrivedAt'], attribute: 'arrivedEvent' },
  delivered: { fields: ['deliveredAt'], attribute: 'deliveredEvent' },
} as const satisfies Record<string, { fields: readonly OrderField[]; attribute: string }>;
export type Slot = keyof typeof SLOTS;

/** The two slots of every step: its start (time and station) and its finish. */
export const STEP_SLOTS = {
  started: { fields: ['startedAt', 'station'], attribute: 'startedEvent' },
  finished: { fields: ['finishedAt'], attribute: 'finishedEvent' },
} as const satisfies Record<string, { fields: readonly (keyof StepState)[]; attribute: string }>;
export type StepSlot = keyof typeof STEP_SLOTS;

/** Per step slot, the key of the event that set it. */
export type StepEvents = { [S in StepSlot as (typeof STEP_SLOTS)[S]['attribute']]?: string };

/**
 * The furthest of the milestones that stay once reached (an order's times are replaced by newer
 * ones, never removed): 1 accepted, 2 an ETA known, 3 material arrived, 5 a step finished,
 * 6 delivered (4 was "in production" in items written before steps). With the number of running
 * steps it gives the status (`statusOf`), and lets DynamoDB check in a condition what an update
 * assumes of the stored item.
 */
export const Stage = { none: 0, accepted: 1, eta: 2, arrived: 3, stepFinished: 5, delivered: 6 } as const;

/** The status of an order that has reached `stage` with no step running (4 is no stage any more). */
export const STAGE_STATUS: readonly OrderStatus[] = [
  'accepted',
  'accepted',
  'awaiting-material',
  'ready',
  'in-production',
  'finished',
  'delivered',
];

/** The status of an order: delivered, else in production while a step runs, else by stage. */
export function statusOf(stage: number, runningSteps: number): OrderStatus {
  if (stage >= Stage.delivered) return 'delivered';
  return runningSteps > 0 ? 'in-production' : STAGE_STATUS[stage]!;
}

/** Per slot, the key of the event that set it (see SLOTS). */
type SlotEvents = { [S in Slot as (typeof SLOTS)[S]['attribute']]?: string };

/**
 * The order state item as stored (table `order-state`; DynamoDbStateStore lays the steps out as
 * attributes of their own): the order state, and the ingest's bookkeeping.
 */
export interface StoredOrderState extends OrderState, SlotEvents {
  status: OrderStatus;
  /** Per step name, the keys of the events behind its times (kept apart: `steps` holds times only). */
  stepEvents?: Readonly<Record<string, StepEvents>>;
  /** The furthest lasting milestone reached (see Stage). */
  stage: number;
  /** Steps started and not finished. */
  runningSteps: number;
  /** Applied changes so far: the item's version. */
  version: number;
  /** Present while the order is active (not delivered): the key of the sparse active-orders index. */
  activeShard?: string;
  /** Latest occurredAt applied. */
  updatedAt: number;
}

/** Values a slot write sets (undefined = remove). */
export type SlotValues = Record<string, number | string | undefined>;

/** One slot an event sets: an order slot, or the start or finish of a step. */
export type SlotWrite =
  | { slot: Slot; step?: undefined; values: SlotValues }
  | { slot: StepSlot; step: string; values: SlotValues };

/** What an event sets: the slots with their values, its key, and the stage it reaches. */
export interface EventEffect {
  writes: SlotWrite[];
  stage: number;
  key: string;
}

/** Hex digits of the payload hash that ends an event key. */
export const PAYLOAD_HASH_LENGTH = 12;

/**
 * What identifies an event in a slot: `<epoch ms, 15 digits>#<eventId>` (the whole key of items
 * written before keys ended with a payload hash). 15 digits hold every time the contracts accept
 * (contracts/time.ts); a time outside them is refused, as it would not sort.
 */
export function eventPrefix(event: Pick<DomainEvent, 'at' | 'eventId'>): string {
  if (!isEpochMs(event.at)) {
    throw new StateStoreError(`event ${event.eventId}: its time ${event.at} ${EPOCH_MS_RULE}`, {
      eventId: event.eventId,
    });
  }
  return `${String(event.at).padStart(15, '0')}#${event.eventId}`;
}

/**
 * A short hash of an event's payload: its fields in name order, as JSON. A step event that v1 could
 * say (the step `production`, no station) is hashed as v1's ProductionStarted / ProductionFinished,
 * so that the keys stored before step events existed remain the keys of the same events.
 */
export function payloadHash(event: object): string {
  const fields = Object.entries(v1Form(event))
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, PAYLOAD_HASH_LENGTH);
}

/** `event` as v1 said it, if it is a step event that v1 could say; else `event`. */
function v1Form(event: object): object {
  const e = event as { type?: unknown; step?: unknown; station?: unknown };
  if (e.step !== V1_PRODUCTION_STEP || e.station !== undefined) return event;
  if (e.type !== 'StepStarted' && e.type !== 'StepFinished') return event;
  const { step: _step, ...rest } = event as Record<string, unknown>;
  return { ...rest, type: e.type === 'StepStarted' ? 'ProductionStarted' : 'ProductionFinished' };
}

/**
 * The sortable key of an event: `<epoch ms, 15 digits>#<eventId>#<payload hash>`. Time first, then
 * eventId, then the hash: two deliveries of one event (same eventId and time) whose payloads differ
 * get different keys, and the greater one wins whichever arrives first.
 */
export function eventKey(event: Pick<DomainEvent, 'at' | 'eventId'>): string {
  return `${eventPrefix(event)}#${payloadHash(event)}`;
}

/** How an event's key meets the key stored in a slot: whether it replaces it, and whether they conflict. */
export interface SlotVerdict {
  /** The event is newer than the stored one: it sets the slot. */
  supersedes: boolean;
  /** The stored key is another delivery of the same event (same eventId and time) with a different payload. */
  conflict: boolean;
}

/**
 * Whether `key` (an event's, see `eventKey`) replaces `stored` in a slot: when it is greater, and not
 * the key an older item keeps of the same event (`eventPrefix`, without hash: a replay of an event
 * applied before keys carried a hash changes nothing; a delivery of it with another payload is
 * ignored too, as what it held is unknown). Order-independent: among keys with a hash, the greatest
 * wins. The hash has a fixed length, so another delivery of the same event is told apart from an
 * eventId that merely starts like this one (`e` and `e#1`); only an eventId made of another event's
 * whole key (`<eventId>#<its hash>`) at the same millisecond would pass for that event's old key.
 */
export function slotVerdict(stored: string | undefined, key: string): SlotVerdict {
  if (stored === undefined) return { supersedes: true, conflict: false };
  const prefix = key.slice(0, -(PAYLOAD_HASH_LENGTH + 1));
  if (stored === prefix) return { supersedes: false, conflict: false };
  const conflict = stored !== key && stored.length === key.length && stored.startsWith(`${prefix}#`);
  return { supersedes: key > stored, conflict };
}

/** What `event` sets, if it is newer than everything it touches. */
export function effectOf(event: DomainEvent): EventEffect {
  const key = eventKey(event);
  switch (event.type) {
    case 'OrderAccepted':
      return {
        key,
        stage: Stage.accepted,
        writes: [
          {
            slot: 'accepted',
            values: {
              acceptedAt: event.at,
              dueAt: event.dueAt,
              priority: event.priority,
              quantity: event.quantity,
              product: event.product,
            },
          },
        ],
      };
    case 'MaterialOrdered':
      return {
        key,
        stage: Stage.eta,
        writes: [
          {
            slot: 'ordered',
            values: { materialOrderedAt: event.at, initialEta: event.eta, supplier: event.supplier },
          },
          { slot: 'eta', values: { eta: event.eta } },
        ],
      };
    case 'EtaUpdated':
      return { key, stage: Stage.eta, writes: [{ slot: 'eta', values: { eta: event.eta } }] };
    case 'MaterialArrived':
      return {
        key,
        stage: Stage.arrived,
        writes: [{ slot: 'arrived', values: { materialArrivedAt: event.at } }],
      };
    case 'StepStarted':
      return {
        key,
        stage: Stage.none,
        writes: [
          { slot: 'started', step: event.step, values: { startedAt: event.at, station: event.station } },
        ],
      };
    case 'StepFinished':
      return {
        key,
        stage: Stage.stepFinished,
        writes: [{ slot: 'finished', step: event.step, values: { finishedAt: event.at } }],
      };
    case 'OrderDelivered':
      return {
        key,
        stage: Stage.delivered,
        writes: [{ slot: 'delivered', values: { deliveredAt: event.at } }],
      };
  }
}

/** The stage an order's fields show (see Stage). */
export function stageOf(order: OrderState): number {
  if (order.deliveredAt !== undefined) return Stage.delivered;
  if (Object.values(order.steps ?? {}).some((s) => s.finishedAt !== undefined)) return Stage.stepFinished;
  if (order.materialArrivedAt !== undefined) return Stage.arrived;
  if (order.eta !== undefined || order.initialEta !== undefined) return Stage.eta;
  if (order.acceptedAt !== undefined) return Stage.accepted;
  return Stage.none;
}

/** How many of an order's steps have started and not finished. */
export function runningStepsOf(order: OrderState): number {
  return Object.values(order.steps ?? {}).filter(
    (s) => s.startedAt !== undefined && s.finishedAt === undefined,
  ).length;
}

/** `record` with `key` set to `value` as an own property (a step may be named `__proto__`). */
export function withEntry<T>(record: Readonly<Record<string, T>> | undefined, key: string, value: T) {
  const copy: Record<string, T> = { ...record };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** `record[key]` if it is an own entry. */
export function entryOf<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The fields v1 items kept for production, before steps: they are the step `production`. */
const V1_PRODUCTION = {
  productionStartedAt: ['started', 'startedAt'],
  productionFinishedAt: ['finished', 'finishedAt'],
} as const;

/**
 * An item written before steps existed, with its production times and their event keys moved to
 * the step `production` (and its stage, running steps and status derived again); any other item as it is.
 */
export function fromV1Item(item: StoredOrderState): StoredOrderState {
  const v1 = item as StoredOrderState & Record<string, unknown>;
  const keys = Object.keys(V1_PRODUCTION) as (keyof typeof V1_PRODUCTION)[];
  if (!keys.some((f) => v1[f] !== undefined || v1[STEP_SLOTS[V1_PRODUCTION[f][0]].attribute] !== undefined)) {
    return item;
  }
  const next: Record<string, unknown> = { ...item };
  let step: StepState = { ...stepOf(item, V1_PRODUCTION_STEP) };
  let events: StepEvents = { ...entryOf(item.stepEvents, V1_PRODUCTION_STEP) };
  for (const field of keys) {
    const [slot, time] = V1_PRODUCTION[field];
    const attribute = STEP_SLOTS[slot].attribute;
    if (typeof v1[field] === 'number') step = { ...step, [time]: v1[field] };
    if (typeof v1[attribute] === 'string') events = { ...events, [attribute]: v1[attribute] };
    delete next[field];
    delete next[attribute];
  }
  const moved = next as unknown as StoredOrderState;
  moved.steps = withEntry(item.steps, V1_PRODUCTION_STEP, step);
  moved.stepEvents = withEntry(item.stepEvents, V1_PRODUCTION_STEP, events);
  moved.stage = stageOf(moved);
  moved.runningSteps = runningStepsOf(moved);
  moved.status = statusOf(moved.stage, moved.runningSteps);
  return moved;
}

/** The key stored in the slot a write sets. */
export function storedKey(state: StoredOrderState, write: SlotWrite): string | undefined {
  if (write.step === undefined) return state[SLOTS[write.slot].attribute];
  return entryOf(state.stepEvents, write.step)?.[STEP_SLOTS[write.slot].attribute];
}

/** Sets a slot of `next` (a copy of the stored state, changed in place): its key and its values. */
function setSlot(next: StoredOrderState, write: SlotWrite, key: string): void {
  if (write.step === undefined) {
    const item = next as unknown as Record<string, unknown>;
    item[SLOTS[write.slot].attribute] = key;
    for (const [field, value] of Object.entries(write.values)) {
      if (value === undefined) delete item[field];
      else item[field] = value;
    }
    return;
  }
  const step: Record<string, unknown> = { ...stepOf(next, write.step) };
  for (const [field, value] of Object.entries(write.values)) {
    if (value === undefined) delete step[field];
    else step[field] = value;
  }
  next.steps = withEntry(next.steps, write.step, step as StepState);
  next.stepEvents = withEntry(next.stepEvents, write.step, {
    ...entryOf(next.stepEvents, write.step),
    [STEP_SLOTS[write.slot].attribute]: key,
  });
}

/** The index partition of an active order (`orderId`: its key, see DomainEvent), within its plant's. */
export function activeShardOf(orderId: string, shards: number): string {
  const { plantId, key } = plantOfKey(orderId);
  if (shards <= 1) return plantScopedKey(plantId, '0');
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
  return plantScopedKey(plantId, String((h >>> 0) % shards));
}

/**
 * Applies `event` to `state` (undefined: the order is new). Returns the new state, or undefined
 * when the event changes nothing (a duplicate, or older than every field it would set).
 */
export function applyEvent(
  state: StoredOrderState | undefined,
  event: DomainEvent,
  activeShards = 1,
): StoredOrderState | undefined {
  return reduce(state, event, activeShards).next;
}

/** `applyEvent`, and whether the event met another delivery of itself with a different payload. */
function reduce(
  state: StoredOrderState | undefined,
  event: DomainEvent,
  activeShards: number,
): { next: StoredOrderState | undefined; conflict: boolean } {
  const effect = effectOf(event);
  const stored = state && fromV1Item(state);
  const next: StoredOrderState = stored
    ? { ...stored }
    : {
        orderId: event.orderId,
        status: 'accepted',
        stage: Stage.none,
        runningSteps: 0,
        version: 0,
        updatedAt: event.at,
      };
  let changed = false;
  let conflict = false;
  for (const write of effect.writes) {
    const verdict = slotVerdict(storedKey(next, write), effect.key);
    conflict ||= verdict.conflict;
    if (!verdict.supersedes) continue;
    setSlot(next, write, effect.key);
    changed = true;
  }
  if (!changed) return { next: undefined, conflict };
  next.stage = stageOf(next);
  next.runningSteps = runningStepsOf(next);
  next.status = statusOf(next.stage, next.runningSteps);
  next.updatedAt = state ? Math.max(state.updatedAt, event.at) : event.at;
  next.version = (state?.version ?? 0) + 1;
  if (next.stage >= Stage.delivered) delete next.activeShard;
  else next.activeShard = activeShardOf(next.orderId, activeShards);
  return { next, conflict };
}

/**
 * Applies events of one order one by one: the state after the last (`state` itself when none
 * changed it), and each event's outcome.
 */
export function applyEvents(
  state: StoredOrderState | undefined,
  events: readonly DomainEvent[],
  activeShards = 1,
): { next: StoredOrderState | undefined; outcomes: ApplyOutcome[] } {
  let next = state;
  const outcomes = events.map((event): ApplyOutcome => {
    const { next: changed, conflict } = reduce(next, event, activeShards);
    if (changed !== undefined) next = changed;
    return conflict ? 'conflict' : changed === undefined ? 'ignored' : 'applied';
  });
  return { next, outcomes };
}

/**
 * A state store's `applyAll` takes the events of one order only, with well-formed ids: an id with a
 * lone surrogate would be one key on DynamoDB and another in memory (contracts/wellFormed.ts); and
 * no id with the prefix of the plant's own items, which would be their key.
 */
export function checkEvents(events: readonly DomainEvent[]): void {
  const first = events[0];
  if (first !== undefined && events.some((e) => e.orderId !== first.orderId)) {
    throw new StateStoreError(`applyAll takes the events of one order, got ${first.orderId} and others`, {
      orderId: first.orderId,
      eventId: first.eventId,
    });
  }
  for (const { orderId: key, eventId } of events) {
    const { plantId, key: orderId } = plantOfKey(key);
    if (!isPlantId(plantId)) {
      throw new StateStoreError(`plantId ${JSON.stringify(plantId)} ${PLANT_ID_RULE}`, { orderId, eventId });
    }
    if (orderId.startsWith(OrderStateTable.plantItems.keyPrefix)) {
      throw new StateStoreError(
        `orderId ${JSON.stringify(orderId)} must not start with "${OrderStateTable.plantItems.keyPrefix}" (the plant's own items have such keys)`,
        { orderId, eventId },
      );
    }
    for (const [field, id] of [
      ['orderId', orderId],
      ['eventId', eventId],
    ] as const) {
      if (!isWellFormed(id)) {
        throw new StateStoreError(`${field} ${JSON.stringify(id)} ${WELL_FORMED_RULE}`, { orderId, eventId });
      }
    }
  }
}
