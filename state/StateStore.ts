// The order state store: where the ingest applies events and the forecast reads the work in process.

import { ORDER_STATE_FIELDS, type OrderState, type StepState } from '../contracts/orderState.ts';
import { plantOfKey } from '../contracts/plants.ts';
import { fromV1Item, type StoredOrderState } from './applyEvent.ts';
import type { DomainEvent, PlantDomainEvent } from './events.ts';
import type { PlantState } from './plantState.ts';

/** What the forecast reads of an active order: its state as the model sees it, and when it last changed. */
export type ActiveOrder = OrderState & { updatedAt: number };

/**
 * The order state fields that `item` has (`ORDER_STATE_FIELDS`, steps nested): none of the
 * ingest's bookkeeping (the key of the event behind each slot, stage, version). An item written
 * before steps existed has its production times as the step `production`.
 */
export function toActiveOrder(item: StoredOrderState): ActiveOrder {
  const current = fromV1Item(item);
  const order: Record<string, unknown> = {};
  for (const field of ORDER_STATE_FIELDS) if (current[field] !== undefined) order[field] = current[field];
  // The item's key holds its plant (see DomainEvent): the order is known by its own id.
  order.orderId = plantOfKey(current.orderId).key;
  return order as unknown as ActiveOrder;
}

/**
 * An order of which a step has finished: its steps, when the last of them finished, when it was due,
 * and what a model needs to tell whether its routing is done: its product and its material's arrival.
 */
export interface FinishedOrder {
  orderId: string;
  /** The latest finish of its steps. */
  finishedAt: number;
  steps: Readonly<Record<string, StepState>>;
  dueAt?: number;
  product?: string;
  materialArrivedAt?: number;
}

/** `item` as a finished order, if one of its steps has finished. */
export function toFinishedOrder(item: StoredOrderState): FinishedOrder | undefined {
  const { orderId: key, steps = {}, dueAt, product, materialArrivedAt } = fromV1Item(item);
  const orderId = plantOfKey(key).key;
  const ends = Object.values(steps).flatMap((s) => (s.finishedAt === undefined ? [] : [s.finishedAt]));
  if (ends.length === 0) return undefined;
  return {
    orderId,
    finishedAt: Math.max(...ends),
    steps,
    ...(dueAt !== undefined && { dueAt }),
    ...(product !== undefined && { product }),
    ...(materialArrivedAt !== undefined && { materialArrivedAt }),
  };
}

/**
 * `applied`: the state changed; `ignored`: a duplicate or an older event, nothing to change;
 * `conflict`: the event met another delivery of itself (same eventId and occurredAt) with a
 * different payload: the state keeps the one with the greater event key, whichever came first.
 */
export type ApplyOutcome = 'applied' | 'ignored' | 'conflict';

/**
 * Keeps one state item per order, and one per station (or unit) and per maintenance of the plant.
 * Implementations: DynamoDB, in memory.
 */
export interface StateStore {
  /** Applies one event, idempotently and out-of-order safe. */
  apply(event: DomainEvent): Promise<ApplyOutcome>;
  /**
   * Applies events of one order in the given order, with the same result as applying them one by
   * one, and written at once (the ingest hands over each order's events in a batch this way).
   * Returns each event's outcome.
   */
  applyAll(events: readonly DomainEvent[]): Promise<ApplyOutcome[]>;
  /**
   * The state of one order of plant `plantId` (default: the default plant), as stored (its
   * `orderId` is its key, see DomainEvent; `steps` nested; an item written before steps: see `fromV1Item`).
   */
  get(orderId: string, plantId?: string): Promise<StoredOrderState | undefined>;
  /**
   * Every active (not delivered) order of plant `plantId` (default: the default plant), from the
   * sparse index (never a scan), in orderId order: only the order state's fields
   * (`ORDER_STATE_FIELDS`), none of the ingest's bookkeeping.
   */
  listActive(plantId?: string): Promise<ActiveOrder[]>;
  /**
   * Every order of plant `plantId` of which a step has finished (delivered or not), in orderId
   * order. For comparing forecasts with what happened (`twin accuracy`), not for the live
   * pipeline: on DynamoDB a Scan.
   */
  listFinished(plantId?: string): Promise<FinishedOrder[]>;
  /** Applies one station or maintenance event, idempotently and out-of-order safe (state/plantState.ts). */
  applyPlant(event: PlantDomainEvent): Promise<ApplyOutcome>;
  /**
   * Every station's (and unit's) state of plant `plantId` (default: the default plant), and every
   * maintenance planned there and not cancelled, from the
   * sparse index (never a scan), in key order. No order ever appears here, nor a plant item among orders.
   */
  plantState(plantId?: string): Promise<PlantState>;
}
