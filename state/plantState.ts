// The plant's state as the ingest keeps it: one item per station (or unit) and one per maintenance,
// in the order state table under keys of their own (`#plant#…`, which no order id may take). As an
// order's slots do, each remembers the key of the event that set it, so that applying events is
// idempotent and independent of their order of arrival: the state is what the newest events say.
import { DEFAULT_PLANT, isPlantId, PLANT_ID_RULE, plantOfKey, plantScopedKey } from '../contracts/plants.ts';
import { OrderStateTable } from '../contracts/resources.ts';
import { isWellFormed, WELL_FORMED_RULE } from '../contracts/wellFormed.ts';
import type { PlannedMaintenance, StationState } from '../orderflow/types.ts';
import { eventKey, slotVerdict } from './applyEvent.ts';
import { StateStoreError } from './errors.ts';
import type { PlantDomainEvent } from './events.ts';
import type { ApplyOutcome } from './StateStore.ts';

const { keyPrefix, indexPartition } = OrderStateTable.plantItems;

/** A station's (or one unit's) item: what its newest StationDown / StationUp said. */
export interface StoredStationState {
  /** The item's key in the table (its `orderId` attribute): see `plantKeyOf`. */
  orderId: string;
  kind: 'station';
  station: string;
  unit?: number;
  down: boolean;
  /** When the newest of its events happened: down since, or up since. */
  since: number;
  expectedUpAt?: number;
  /** The key of the event that set the state (state/applyEvent.ts, `eventKey`). */
  stationEvent: string;
  /** Latest occurredAt applied. */
  updatedAt: number;
  version: number;
  /** The index partition of the plant's items: a station's state is always read. */
  activeShard: string;
}

/** A maintenance's item: its newest plan, and its newest cancellation. */
export interface StoredMaintenance {
  /** The item's key in the table (its `orderId` attribute): see `plantKeyOf`. */
  orderId: string;
  kind: 'maintenance';
  maintenanceId: string;
  /** The window of its newest MaintenancePlanned (none when only a cancellation has arrived). */
  station?: string;
  unit?: number;
  from?: number;
  to?: number;
  plannedEvent?: string;
  cancelledEvent?: string;
  updatedAt: number;
  version: number;
  /** Present while it is planned and not cancelled by a newer event: then the forecast reads it. */
  activeShard?: string;
}

export type StoredPlantItem = StoredStationState | StoredMaintenance;

/** What the forecast reads of the plant: every station's (or unit's) state, and the maintenance planned. */
export interface PlantState {
  stations: StationState[];
  maintenance: PlannedMaintenance[];
}

/**
 * The key of the item an event changes: `#plant#station#<station>`, `#plant#unit#<unit>#<station>`
 * (the unit's digits end at the first `#`, whatever the station's name holds) or
 * `#plant#maintenance#<maintenanceId>`, within the event's plant (`plantScopedKey`).
 */
export function plantKeyOf(event: PlantDomainEvent): string {
  const plant = event.plantId ?? DEFAULT_PLANT;
  if (event.type === 'MaintenancePlanned' || event.type === 'MaintenanceCancelled') {
    return plantScopedKey(plant, `${keyPrefix}maintenance#${event.maintenanceId}`);
  }
  return plantScopedKey(
    plant,
    event.unit === undefined
      ? `${keyPrefix}station#${event.station}`
      : `${keyPrefix}unit#${event.unit}#${event.station}`,
  );
}

/** Whether `key` is the key of one of a plant's items, not an order's. */
export function isPlantKey(key: string): boolean {
  return plantOfKey(key).key.startsWith(keyPrefix);
}

/** The index partition of plant `plantId`'s items. */
export function plantItemsPartition(plantId: string = DEFAULT_PLANT): string {
  return plantScopedKey(plantId, indexPartition);
}

/**
 * A state store's `applyPlant` takes events with well-formed ids and names, as the order events'
 * (contracts/wellFormed.ts), units from 1, a window that ends after it starts, and times within
 * the contracts' range (checked with the event key).
 */
export function checkPlantEvent(event: PlantDomainEvent): void {
  if (event.plantId !== undefined && !isPlantId(event.plantId)) {
    throw new StateStoreError(`plantId ${JSON.stringify(event.plantId)} ${PLANT_ID_RULE}`, {
      eventId: event.eventId,
    });
  }
  const named: [string, string][] = [['eventId', event.eventId]];
  if ('station' in event) named.push(['station', event.station]);
  if ('maintenanceId' in event) named.push(['maintenanceId', event.maintenanceId]);
  for (const [field, id] of named) {
    if (!isWellFormed(id)) {
      throw new StateStoreError(`${field} ${JSON.stringify(id)} ${WELL_FORMED_RULE}`, {
        eventId: event.eventId,
      });
    }
  }
  if ('unit' in event && event.unit !== undefined && !(Number.isSafeInteger(event.unit) && event.unit >= 1)) {
    throw new StateStoreError(`unit ${event.unit} must be a whole number from 1`, { eventId: event.eventId });
  }
  if (event.type === 'MaintenancePlanned' && !(event.to > event.from)) {
    throw new StateStoreError(
      `maintenance ${event.maintenanceId}: to (${event.to}) must be after from (${event.from})`,
      {
        eventId: event.eventId,
      },
    );
  }
}

/**
 * Applies a station or maintenance event to the item it changes (undefined: none yet). `next` is
 * the new item, or undefined when the event changes nothing (a duplicate, or older than the event
 * that set what it would set); the outcome as for order events.
 */
export function applyPlantEvent(
  item: StoredPlantItem | undefined,
  event: PlantDomainEvent,
): { next: StoredPlantItem | undefined; outcome: ApplyOutcome } {
  const key = eventKey(event);
  const base = { orderId: plantKeyOf(event), updatedAt: Math.max(item?.updatedAt ?? event.at, event.at) };
  const version = (item?.version ?? 0) + 1;
  if (event.type === 'StationDown' || event.type === 'StationUp') {
    const stored = item?.kind === 'station' ? item : undefined;
    const verdict = slotVerdict(stored?.stationEvent, key);
    if (!verdict.supersedes) return { next: undefined, outcome: verdict.conflict ? 'conflict' : 'ignored' };
    const next: StoredStationState = {
      ...base,
      kind: 'station',
      station: event.station,
      ...(event.unit !== undefined && { unit: event.unit }),
      down: event.type === 'StationDown',
      since: event.at,
      ...(event.type === 'StationDown' &&
        event.expectedUpAt !== undefined && { expectedUpAt: event.expectedUpAt }),
      stationEvent: key,
      version,
      activeShard: plantItemsPartition(event.plantId),
    };
    return { next, outcome: verdict.conflict ? 'conflict' : 'applied' };
  }
  const stored: StoredMaintenance =
    item?.kind === 'maintenance'
      ? item
      : {
          orderId: base.orderId,
          kind: 'maintenance',
          maintenanceId: event.maintenanceId,
          updatedAt: event.at,
          version: 0,
        };
  const slot = event.type === 'MaintenancePlanned' ? 'plannedEvent' : 'cancelledEvent';
  const verdict = slotVerdict(stored[slot], key);
  if (!verdict.supersedes) return { next: undefined, outcome: verdict.conflict ? 'conflict' : 'ignored' };
  const next: StoredMaintenance = { ...stored, ...base, [slot]: key, version };
  if (event.type === 'MaintenancePlanned') {
    next.station = event.station;
    next.from = event.from;
    next.to = event.to;
    if (event.unit === undefined) delete next.unit;
    else next.unit = event.unit;
  }
  // Planned, and not cancelled by a newer event: a plan newer than a cancellation plans it again.
  if (
    next.plannedEvent !== undefined &&
    (next.cancelledEvent === undefined || next.plannedEvent > next.cancelledEvent)
  ) {
    next.activeShard = plantItemsPartition(event.plantId);
  } else delete next.activeShard;
  return { next, outcome: verdict.conflict ? 'conflict' : 'applied' };
}

/** A station item as the forecast reads it. */
export function toStationState(item: StoredStationState): StationState {
  return {
    station: item.station,
    ...(item.unit !== undefined && { unit: item.unit }),
    down: item.down,
    since: item.since,
    ...(item.expectedUpAt !== undefined && { expectedUpAt: item.expectedUpAt }),
  };
}

/** A maintenance item as the forecast reads it, if it is planned and not cancelled. */
export function toPlannedMaintenance(item: StoredMaintenance): PlannedMaintenance | undefined {
  const { maintenanceId, station, unit, from, to } = item;
  if (item.activeShard === undefined || station === undefined || from === undefined || to === undefined) {
    return undefined;
  }
  return { maintenanceId, station, ...(unit !== undefined && { unit }), from, to };
}

/** The plant's state from the items the forecast reads (those with `activeShard`), in key order. */
export function toPlantState(items: Iterable<StoredPlantItem>): PlantState {
  const stations: StationState[] = [];
  const maintenance: PlannedMaintenance[] = [];
  const sorted = [...items].sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
  for (const item of sorted) {
    if (item.activeShard === undefined) continue;
    if (item.kind === 'station') stations.push(toStationState(item));
    else {
      const planned = toPlannedMaintenance(item);
      if (planned) maintenance.push(planned);
    }
  }
  return { stations, maintenance };
}
