// An in-memory state store, for tests and for running sim-core against recorded events.
import { DEFAULT_PLANT, plantOfKey, plantScopedKey } from '../contracts/plants.ts';
import { applyEvents, checkEvents, fromV1Item, type StoredOrderState } from './applyEvent.ts';
import type { DomainEvent, PlantDomainEvent } from './events.ts';
import {
  applyPlantEvent,
  checkPlantEvent,
  type PlantState,
  plantKeyOf,
  type StoredPlantItem,
  toPlantState,
} from './plantState.ts';
import {
  type ActiveOrder,
  type ApplyOutcome,
  type FinishedOrder,
  type StateStore,
  toActiveOrder,
  toFinishedOrder,
} from './StateStore.ts';

/** Keeps order states in a Map; same semantics as the DynamoDB store. */
export class InMemoryStateStore implements StateStore {
  private readonly items = new Map<string, StoredOrderState>();
  private readonly plantItems = new Map<string, StoredPlantItem>();

  /** `items`: order states to start from (items saved from the table, or written by an older version). */
  constructor(
    private readonly activeShards = 1,
    items: Iterable<StoredOrderState> = [],
  ) {
    for (const item of items) this.items.set(item.orderId, structuredClone(item));
  }

  async apply(event: DomainEvent): Promise<ApplyOutcome> {
    return (await this.applyAll([event]))[0]!;
  }

  async applyAll(events: readonly DomainEvent[]): Promise<ApplyOutcome[]> {
    checkEvents(events);
    const orderId = events[0]?.orderId;
    if (orderId === undefined) return [];
    const current = this.items.get(orderId);
    const { next, outcomes } = applyEvents(current, events, this.activeShards);
    if (next !== undefined && next !== current) this.items.set(orderId, next);
    return outcomes;
  }

  async get(orderId: string, plantId = DEFAULT_PLANT): Promise<StoredOrderState | undefined> {
    const item = this.items.get(plantScopedKey(plantId, orderId));
    return item && structuredClone(fromV1Item(item));
  }

  async listActive(plantId = DEFAULT_PLANT): Promise<ActiveOrder[]> {
    return [...this.items.values()]
      .filter((item) => item.activeShard !== undefined && plantOfKey(item.orderId).plantId === plantId)
      .sort((a, b) => (a.orderId < b.orderId ? -1 : 1))
      .map(toActiveOrder);
  }

  async listFinished(plantId = DEFAULT_PLANT): Promise<FinishedOrder[]> {
    return [...this.items.values()]
      .filter((item) => plantOfKey(item.orderId).plantId === plantId)
      .sort((a, b) => (a.orderId < b.orderId ? -1 : 1))
      .flatMap((item) => toFinishedOrder(structuredClone(item)) ?? []);
  }

  async applyPlant(event: PlantDomainEvent): Promise<ApplyOutcome> {
    checkPlantEvent(event);
    const key = plantKeyOf(event);
    const { next, outcome } = applyPlantEvent(this.plantItems.get(key), event);
    if (next !== undefined) this.plantItems.set(key, next);
    return outcome;
  }

  async plantState(plantId = DEFAULT_PLANT): Promise<PlantState> {
    const mine = [...this.plantItems.values()].filter((item) => plantOfKey(item.orderId).plantId === plantId);
    return structuredClone(toPlantState(mine));
  }
}
