// The order state reducer: how one event changes an order's state item. Every field remembers the
// event that set it, so that applying events is idempotent and order-independent: a duplicate, or
// an event older than the one that set a field, changes nothing.
import type { OrderNumberField, OrderState, OrderStatus, OrderTimeField } from '../sim-core/index.ts';
import { StateStoreError } from './errors.ts';
import type { DomainEvent } from './events.ts';

type OrderField = OrderNumberField | OrderTimeField;

/**
 * Groups of fields that one kind of event sets together. Each slot stores the key of the event
 * that last set it: `<epoch ms, 15 digits>#<eventId>`, so that "newer" is a string comparison
 * (ties on time are broken by eventId) that DynamoDB can evaluate in a condition.
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

/** The sortable key of an event: time first, then eventId. */
export function eventKey(event: Pick<DomainEvent, 'at' | 'eventId'>): string {
  return `${String(Math.max(0, Math.trunc(event.at))).padStart(15, '0')}#${event.eventId}`;
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
  const effect = effectOf(event);
  const next: StoredOrderState = state
    ? { ...state }
    : { orderId: event.orderId, status: 'accepted', stage: 0, version: 0, updatedAt: event.at };
  let changed = false;
  for (const [slot, values] of Object.entries(effect.slots) as [Slot, Record<string, number | undefined>][]) {
    const attribute = SLOTS[slot].attribute;
    const current = next[attribute];
    if (current !== undefined && current >= effect.key) continue;
    next[attribute] = effect.key;
    for (const [field, value] of Object.entries(values)) {
      if (value === undefined) delete (next as unknown as Record<string, unknown>)[field];
      else (next as unknown as Record<string, unknown>)[field] = value;
    }
    changed = true;
  }
  if (!changed) return undefined;
  next.stage = Math.max(next.stage, effect.stage);
  next.status = STAGES[next.stage]!;
  next.updatedAt = state ? Math.max(state.updatedAt, event.at) : event.at;
  next.version = (state?.version ?? 0) + 1;
  if (next.stage >= 6) delete next.activeShard;
  else next.activeShard = activeShardOf(next.orderId, activeShards);
  return next;
}

/**
 * Applies events of one order one by one: the state after the last (`state` itself when none
 * changed it), and each event's outcome.
 */
export function applyEvents(
  state: StoredOrderState | undefined,
  events: readonly DomainEvent[],
  activeShards = 1,
): { next: StoredOrderState | undefined; outcomes: ('applied' | 'ignored')[] } {
  let next = state;
  const outcomes = events.map((event) => {
    const changed = applyEvent(next, event, activeShards);
    if (changed === undefined) return 'ignored' as const;
    next = changed;
    return 'applied' as const;
  });
  return { next, outcomes };
}

/** A state store's `applyAll` takes the events of one order only. */
export function assertOneOrder(events: readonly DomainEvent[]): void {
  const first = events[0];
  if (first !== undefined && events.some((e) => e.orderId !== first.orderId)) {
    throw new StateStoreError(`applyAll takes the events of one order, got ${first.orderId} and others`, {
      orderId: first.orderId,
      eventId: first.eventId,
    });
  }
}
