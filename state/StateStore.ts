// The order state store: where the ingest applies events and the forecast reads the work in process.
import type { StoredOrderState } from './applyEvent.ts';
import type { DomainEvent } from './events.ts';

/** `applied`: the state changed; `ignored`: a duplicate or an older event, nothing to change. */
export type ApplyOutcome = 'applied' | 'ignored';

/** Keeps one state item per order. Implementations: DynamoDB, in memory. */
export interface StateStore {
  /** Applies one event, idempotently and out-of-order safe. */
  apply(event: DomainEvent): Promise<ApplyOutcome>;
  /**
   * Applies events of one order in the given order, with the same result as applying them one by
   * one, and written at once (the ingest hands over each order's events in a batch this way).
   * Returns each event's outcome.
   */
  applyAll(events: readonly DomainEvent[]): Promise<ApplyOutcome[]>;
  /** The state of one order. */
  get(orderId: string): Promise<StoredOrderState | undefined>;
  /** Every active (not delivered) order, from the sparse index: never a scan. */
  listActive(): Promise<StoredOrderState[]>;
}
