// Generators of station and maintenance event histories for property tests of the plant's state.
import fc from 'fast-check';
import type { PlantDomainEvent } from '../../state/events.ts';
import type { PlantState } from '../../state/plantState.ts';
import { STATIONS } from './history.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;
const at = (minutes: number) => T0 + minutes * MIN;

/**
 * Station and maintenance events of a few stations and units, at random times (ties included):
 * downs and ups, plans (some of one maintenance again, with another window) and cancellations.
 */
export const plantEvents: fc.Arbitrary<PlantDomainEvent[]> = fc
  .array(
    fc.oneof(
      fc.record({
        type: fc.constantFrom('StationDown' as const, 'StationUp' as const),
        station: fc.constantFrom(...STATIONS),
        unit: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
        minute: fc.integer({ min: 0, max: 30 }),
        expectedUp: fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }),
      }),
      fc.record({
        type: fc.constant('MaintenancePlanned' as const),
        maintenanceId: fc.constantFrom('m1', 'm2', 'm#3'),
        station: fc.constantFrom(...STATIONS),
        unit: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }),
        minute: fc.integer({ min: 0, max: 30 }),
        from: fc.integer({ min: 0, max: 120 }),
        length: fc.integer({ min: 1, max: 60 }),
      }),
      fc.record({
        type: fc.constant('MaintenanceCancelled' as const),
        maintenanceId: fc.constantFrom('m1', 'm2', 'm#3'),
        minute: fc.integer({ min: 0, max: 30 }),
      }),
    ),
    { maxLength: 14 },
  )
  .map((drawn) =>
    drawn.map((d, i): PlantDomainEvent => {
      const common = { eventId: `p${String(i).padStart(3, '0')}`, at: at(d.minute) };
      switch (d.type) {
        case 'StationDown':
          return {
            type: d.type,
            ...common,
            station: d.station,
            ...(d.unit !== undefined && { unit: d.unit }),
            ...(d.expectedUp !== undefined && { expectedUpAt: at(d.minute + d.expectedUp) }),
          };
        case 'StationUp':
          return {
            type: d.type,
            ...common,
            station: d.station,
            ...(d.unit !== undefined && { unit: d.unit }),
          };
        case 'MaintenancePlanned':
          return {
            type: d.type,
            ...common,
            maintenanceId: d.maintenanceId,
            station: d.station,
            ...(d.unit !== undefined && { unit: d.unit }),
            from: at(d.from),
            to: at(d.from + d.length),
          };
      }
      return { type: d.type, ...common, maintenanceId: d.maintenanceId };
    }),
  );

/** `events` shuffled as `seed` says, with some delivered again (anywhere in the stream). */
export function arrivals(events: readonly PlantDomainEvent[], seed: number): PlantDomainEvent[] {
  const again = events.filter((_, i) => (i + seed) % 3 === 0);
  return fc.sample(fc.shuffledSubarray([...events, ...again], { minLength: events.length + again.length }), {
    seed,
    numRuns: 1,
  })[0]!;
}

/**
 * The plant's state the events say, by their event time alone (the reference the stores must meet):
 * per station or unit its newest Down/Up; per maintenance its newest plan, unless a newer
 * cancellation. Newest: the latest time, then the greatest event id.
 */
export function expectedPlantState(events: readonly PlantDomainEvent[]): PlantState {
  const newer = (a: PlantDomainEvent, b: PlantDomainEvent | undefined) =>
    b === undefined || a.at > b.at || (a.at === b.at && a.eventId > b.eventId);
  const stations = new Map<string, PlantDomainEvent & { type: 'StationDown' | 'StationUp' }>();
  const plans = new Map<string, PlantDomainEvent & { type: 'MaintenancePlanned' }>();
  const cancels = new Map<string, PlantDomainEvent>();
  for (const e of events) {
    if (e.type === 'StationDown' || e.type === 'StationUp') {
      const key = e.unit === undefined ? `station#${e.station}` : `unit#${e.unit}#${e.station}`;
      if (newer(e, stations.get(key))) stations.set(key, e);
    } else if (e.type === 'MaintenancePlanned') {
      if (newer(e, plans.get(e.maintenanceId))) plans.set(e.maintenanceId, e);
    } else if (newer(e, cancels.get(e.maintenanceId))) cancels.set(e.maintenanceId, e);
  }
  const byKey = <T>(map: Map<string, T>) => [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    stations: byKey(stations).map(([, e]) => ({
      station: e.station,
      ...(e.unit !== undefined && { unit: e.unit }),
      down: e.type === 'StationDown',
      since: e.at,
      ...(e.type === 'StationDown' && e.expectedUpAt !== undefined && { expectedUpAt: e.expectedUpAt }),
    })),
    maintenance: byKey(plans)
      .filter(([id, plan]) => {
        const cancel = cancels.get(id);
        return cancel === undefined || newer(plan, cancel);
      })
      .map(([, e]) => ({
        maintenanceId: e.maintenanceId,
        station: e.station,
        ...(e.unit !== undefined && { unit: e.unit }),
        from: e.from,
        to: e.to,
      })),
  };
}
