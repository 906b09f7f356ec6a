// The order state reducer: how one event changes an order's state item. Every field remembers the
// event that set it, so that applying events is idempotent and order-independent: a duplicate, or
// an event older than the one that set a field, changes nothing.
import { createHash } from 'node:crypto';
import { EPOCH_MS_RULE, isEpochMs } from '../contracts/time.ts';
import { isWellFormed, WELL_FORMED_RULE } from '../contracts/wellFormed.ts';
import type { OrderNumberField, OrderState, OrderStatus, OrderTimeField } from '../orderflow/index.ts';
import { StateStoreError } from './errors.ts';
import type { DomainEvent } from './events.ts';
import type { ApplyOutcome } from './StateStore.ts';

type OrderField = OrderNumberField | OrderTimeField;

/**
 * Groups of fields that one kind of event sets together. Each slot stores the key of the event
 * that last set it (see `eventKey`), so that "newer" is a string comparison that DynamoDB can
 * evaluate in a condition.
 */
export const SLOTS = {
  accepted: { fields: ['acceptedAt', 'dueAt', 'priority', 'quantity'], attribute: 'acceptedEvent' },
  ordered: { fields: ['materialOrderedAt', 'initialEta'], attribute: 'orderedEvent' },
  eta: { fields: ['eta'], attribute: 'etaEvent' },
  arrived: { fields: ['materialArrivedAt'], attribute: 'arrivedEvent' },
  started: { fields: ['productionStartedAt'], attribute: 'startedEvent' },
  finished: { fields: ['productionFinishedAt'], attribute: 'finishedEvent' },
  delivered: { fields: ['deliveredAt'], attribute: 'deliveredEvent' },
} as const satisfies Record<string, { fields: readonly OrderField[]; attribute: string }>;
export type Slot = keyof typeof SLOTS;

/** Status by stage: the furthest milestone an order has reached. */
export const STAGES: readonly OrderStatus[] = [
  'accepted',
  'accepted',
  'awaiting-material',
  'ready',
  'in-production',
  'finished',
  'delivered',
];

/** Per slot, the key of the event that set it (see SLOTS). */
type SlotEvents = { [S in Slot as (typeof SLOTS)[S]['attribute']]?: string };

/** The order state item as stored (table `order-state`): sim-core's order state, and the ingest's bookkeeping. */
export interface StoredOrderState extends OrderState, SlotEvents {
  /** Index of the furthest milestone reached (see STAGES). */
  stage: number;
  /** Applied changes so far: the item's version. */
  version: number;
  /** Present while the order is active (not delivered): the key of the sparse active-orders index. */
  activeShard?: string;
  /** Latest occurredAt applied. */
  updatedAt: number;
}

/** What an event sets: per slot, the field values (undefined = remove), and the stage it reaches. */
export interface EventEffect {
  slots: Partial<Record<Slot, Record<string, number | undefined>>>;
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

/** A short hash of an event's payload: its fields in name order, as JSON. */
export function payloadHash(event: object): string {
  const fields = Object.entries(event)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, PAYLOAD_HASH_LENGTH);
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
        stage: 1,
        slots: {
          accepted: {
            acceptedAt: event.at,
            dueAt: event.dueAt,
            priority: event.priority,
            quantity: event.quantity,
          },
        },
      };
    case 'MaterialOrdered':
      return {
        key,
        stage: 2,
        slots: { ordered: { materialOrderedAt: event.at, initialEta: event.eta }, eta: { eta: event.eta } },
      };
    case 'EtaUpdated':
      return { key, stage: 2, slots: { eta: { eta: event.eta } } };
    case 'MaterialArrived':
      return { key, stage: 3, slots: { arrived: { materialArrivedAt: event.at } } };
    case 'ProductionStarted':
      return { key, stage: 4, slots: { started: { productionStartedAt: event.at } } };
    case 'ProductionFinished':
      return { key, stage: 5, slots: { finished: { productionFinishedAt: event.at } } };
    case 'OrderDelivered':
      return { key, stage: 6, slots: { delivered: { deliveredAt: event.at } } };
  }
}

/** The index partition of an active order. */
export function activeShardOf(orderId: string, shards: number): string {
  if (shards <= 1) return '0';
  let h = 0;
  for (let i = 0; i < orderId.length; i++) h = (Math.imul(h, 31) + orderId.charCodeAt(i)) | 0;
  return String((h >>> 0) % shards);
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
  const next: StoredOrderState = state
    ? { ...state }
    : { orderId: event.orderId, status: 'accepted', stage: 0, version: 0, updatedAt: event.at };
  let changed = false;
  let conflict = false;
  for (const [slot, values] of Object.entries(effect.slots) as [Slot, Record<string, number | undefined>][]) {
    const attribute = SLOTS[slot].attribute;
    const verdict = slotVerdict(next[attribute], effect.key);
    conflict ||= verdict.conflict;
    if (!verdict.supersedes) continue;
    next[attribute] = effect.key;
    for (const [field, value] of Object.entries(values)) {
      if (value === undefined) delete (next as unknown as Record<string, unknown>)[field];
      else (next as unknown as Record<string, unknown>)[field] = value;
    }
    changed = true;
  }
  if (!changed) return { next: undefined, conflict };
  next.stage = Math.max(next.stage, effect.stage);
  next.status = STAGES[next.stage]!;
  next.updatedAt = state ? Math.max(state.updatedAt, event.at) : event.at;
  next.version = (state?.version ?? 0) + 1;
  if (next.stage >= 6) delete next.activeShard;
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
 * lone surrogate would be one key on DynamoDB and another in memory (contracts/wellFormed.ts).
 */
export function checkEvents(events: readonly DomainEvent[]): void {
  const first = events[0];
  if (first !== undefined && events.some((e) => e.orderId !== first.orderId)) {
    throw new StateStoreError(`applyAll takes the events of one order, got ${first.orderId} and others`, {
      orderId: first.orderId,
      eventId: first.eventId,
    });
  }
  for (const { orderId, eventId } of events) {
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
