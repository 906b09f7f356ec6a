// An in-memory state store, for tests and for running sim-core against recorded events.
import { applyEvent, type StoredOrderState } from './applyEvent.ts';
import { StateStoreError } from './errors.ts';
import type { DomainEvent } from './events.ts';
import type { ApplyOutcome, StateStore } from './StateStore.ts';

/** Keeps order states in a Map; same semantics as the DynamoDB store. */
export class InMemoryStateStore implements StateStore {
  private readonly items = new Map<string, StoredOrderState>();

  constructor(private readonly activeShards = 1) {}

  async apply(event: DomainEvent): Promise<ApplyOutcome> {
    const next = applyEvent(this.items.get(event.orderId), event, this.activeShards);
    if (next === undefined) return 'ignored';
    this.items.set(event.orderId, next);
    return 'applied';
  }

  async applyAll(events: readonly DomainEvent[]): Promise<ApplyOutcome[]> {
    const orderId = events[0]?.orderId;
    if (events.some((e) => e.orderId !== orderId)) {
      throw new StateStoreError(`applyAll takes the events of one order, got ${orderId} and others`, {
        ...(orderId !== undefined && { orderId }),
      });
    }
    const outcomes: ApplyOutcome[] = [];
    for (const event of events) outcomes.push(await this.apply(event));
    return outcomes;
  }

  async get(orderId: string): Promise<StoredOrderState | undefined> {
    const item = this.items.get(orderId);
    return item && structuredClone(item);
  }

  async listActive(): Promise<StoredOrderState[]> {
    return [...this.items.values()]
      .filter((item) => item.activeShard !== undefined)
      .sort((a, b) => (a.orderId < b.orderId ? -1 : 1))
      .map((item) => structuredClone(item));
  }
}
