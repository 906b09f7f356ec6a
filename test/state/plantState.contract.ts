// The contract every state store must meet for the plant's stations and maintenance (in memory,
// DynamoDB): one suite, run against each.
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { StateStoreError } from '../../state/errors.ts';
import type { DomainEvent, PlantDomainEvent } from '../../state/events.ts';
import type { StateStore } from '../../state/StateStore.ts';
import { arrivals, expectedPlantState, plantEvents } from './plantHistory.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;
const at = (minutes: number) => T0 + minutes * MIN;

/** Runs the plant state contract against stores made by `create`: a fresh, empty store each test. */
export function plantStateContract(
  name: string,
  create: () => Promise<StateStore> | StateStore,
  options: { propertyRuns?: number } = {},
): void {
  describe(`${name} state store contract: stations and maintenance`, () => {
    let store: StateStore;
    let n = 0;
    beforeEach(async () => {
      store = await create();
    });
    const id = () => `s${String(++n).padStart(6, '0')}`;
    const down = (station: string, minutes: number, extra: object = {}): PlantDomainEvent => ({
      type: 'StationDown',
      eventId: id(),
      at: at(minutes),
      station,
      ...extra,
    });
    const up = (station: string, minutes: number, extra: object = {}): PlantDomainEvent => ({
      type: 'StationUp',
      eventId: id(),
      at: at(minutes),
      station,
      ...extra,
    });
    const planned = (maintenanceId: string, minutes: number, from: number, to: number, extra: object = {}) =>
      ({
        type: 'MaintenancePlanned',
        eventId: id(),
        at: at(minutes),
        maintenanceId,
        station: 'saw',
        from: at(from),
        to: at(to),
        ...extra,
      }) as PlantDomainEvent;
    const cancelled = (maintenanceId: string, minutes: number): PlantDomainEvent => ({
      type: 'MaintenanceCancelled',
      eventId: id(),
      at: at(minutes),
      maintenanceId,
    });

    it('keeps a station down with when it went down and when it is expected back', async () => {
      expect(await store.applyPlant(down('saw', 5, { expectedUpAt: at(50) }))).toBe('applied');

      expect(await store.plantState()).toEqual({
        stations: [{ station: 'saw', down: true, since: at(5), expectedUpAt: at(50) }],
        maintenance: [],
      });
    });

    it('says "up since t2" after a down at t1 and an up at t2, in both arrival orders', async () => {
      const events = [down('saw', 1, { expectedUpAt: at(9) }), up('saw', 2)];
      const other = await create();

      for (const event of events) await store.applyPlant(event);
      for (const event of [...events].reverse()) await other.applyPlant(event);

      const expected = { stations: [{ station: 'saw', down: false, since: at(2) }], maintenance: [] };
      expect(await store.plantState()).toEqual(expected);
      expect(await other.plantState()).toEqual(expected);
    });

    it('keeps each unit apart from its station and from the other units', async () => {
      await store.applyPlant(down('saw', 1, { unit: 2 }));
      await store.applyPlant(up('saw', 2));
      await store.applyPlant(down('saw', 3, { unit: 1 }));

      expect((await store.plantState()).stations).toEqual([
        { station: 'saw', down: false, since: at(2) },
        { station: 'saw', unit: 1, down: true, since: at(3) },
        { station: 'saw', unit: 2, down: true, since: at(1) },
      ]);
    });

    it('changes nothing when an event is delivered again, or an older one arrives late', async () => {
      const first = down('saw', 1);
      const second = up('saw', 2);
      await store.applyPlant(first);
      await store.applyPlant(second);
      const before = await store.plantState();

      expect(await store.applyPlant(second)).toBe('ignored');
      expect(await store.applyPlant(first)).toBe('ignored');
      expect(await store.plantState()).toEqual(before);
    });

    it('keeps the same delivery of one event (same eventId and time, other payload) whichever arrives first, and reports the conflict', async () => {
      const a = down('saw', 1, { expectedUpAt: at(10) });
      const b = { ...a, expectedUpAt: at(20) };
      const other = await create();

      await store.applyPlant(a);
      const outcome = await store.applyPlant(b);
      await other.applyPlant(b);
      const otherOutcome = await other.applyPlant(a);

      expect([outcome, otherOutcome]).toEqual(['conflict', 'conflict']);
      expect(await store.plantState()).toEqual(await other.plantState());
    });

    it('lists a planned maintenance window, and a newer plan of it replaces the window', async () => {
      await store.applyPlant(planned('m1', 0, 60, 90, { unit: 2 }));
      expect((await store.plantState()).maintenance).toEqual([
        { maintenanceId: 'm1', station: 'saw', unit: 2, from: at(60), to: at(90) },
      ]);

      await store.applyPlant(planned('m1', 5, 70, 80));
      await store.applyPlant(planned('m1', 3, 10, 20, { unit: 1 }));

      expect((await store.plantState()).maintenance).toEqual([
        { maintenanceId: 'm1', station: 'saw', from: at(70), to: at(80) },
      ]);
    });

    it('drops a cancelled maintenance, even when the cancellation arrives before the plan', async () => {
      const plan = planned('m1', 0, 60, 90);
      const cancel = cancelled('m1', 1);
      await store.applyPlant(cancel);
      expect(await store.applyPlant(plan)).toBe('applied');

      expect((await store.plantState()).maintenance).toEqual([]);
      expect(await store.applyPlant(cancel)).toBe('ignored');
      expect((await store.plantState()).maintenance).toEqual([]);
    });

    it('plans a cancelled maintenance again with a plan newer than the cancellation', async () => {
      await store.applyPlant(planned('m1', 0, 60, 90));
      await store.applyPlant(cancelled('m1', 1));
      await store.applyPlant(planned('m1', 2, 100, 130));

      expect((await store.plantState()).maintenance).toEqual([
        { maintenanceId: 'm1', station: 'saw', from: at(100), to: at(130) },
      ]);
    });

    it('never shows a station or maintenance as an order, nor an order among the stations', async () => {
      const order: DomainEvent = { type: 'OrderAccepted', eventId: id(), orderId: 'o1', at: at(0) };
      await store.apply(order);
      await store.applyPlant(down('saw', 1));
      await store.applyPlant(planned('m1', 1, 60, 90));
      await store.apply({ type: 'StepFinished', eventId: id(), orderId: 'o1', at: at(2), step: 'cut' });

      expect((await store.listActive()).map((o) => o.orderId)).toEqual(['o1']);
      expect((await store.listFinished()).map((o) => o.orderId)).toEqual(['o1']);
      expect(await store.get('#plant#station#saw')).toBeUndefined();
      expect(await store.get('#plant#maintenance#m1')).toBeUndefined();
      expect(await store.plantState()).toMatchObject({
        stations: [{ station: 'saw' }],
        maintenance: [{ maintenanceId: 'm1' }],
      });
    });

    it("keeps each plant's orders and stations apart, under the same ids", async () => {
      const accepted = (orderId: string, minutes: number): DomainEvent => ({
        type: 'OrderAccepted',
        eventId: id(),
        orderId,
        at: at(minutes),
      });
      const finished = (orderId: string, minutes: number): DomainEvent => ({
        type: 'StepFinished',
        eventId: id(),
        orderId,
        at: at(minutes),
        step: 'cut',
      });
      await store.apply(accepted('o1', 0));
      await store.apply(accepted('@north/o1', 1));
      await store.apply(accepted('@north/o2', 2));
      await store.apply(finished('@north/o2', 3));
      await store.applyPlant(down('saw', 4, { plantId: 'north' }));
      await store.applyPlant(planned('m1', 5, 10, 20));

      expect((await store.listActive()).map((o) => o.orderId)).toEqual(['o1']);
      expect((await store.listActive('north')).map((o) => [o.orderId, o.acceptedAt])).toEqual([
        ['o1', at(1)],
        ['o2', at(2)],
      ]);
      expect(await store.listActive('south')).toEqual([]);
      expect((await store.listFinished()).map((o) => o.orderId)).toEqual([]);
      expect((await store.listFinished('north')).map((o) => o.orderId)).toEqual(['o2']);
      expect((await store.get('o1'))?.acceptedAt).toBe(at(0));
      expect((await store.get('o1', 'north'))?.acceptedAt).toBe(at(1));
      expect(await store.plantState()).toMatchObject({
        stations: [],
        maintenance: [{ maintenanceId: 'm1' }],
      });
      expect(await store.plantState('north')).toMatchObject({
        stations: [{ station: 'saw', down: true }],
        maintenance: [],
      });
    });

    it('refuses a plant id that is not one, and writes nothing', async () => {
      await expect(store.applyPlant(down('saw', 1, { plantId: 'no way' }))).rejects.toThrow(
        /plantId "no way" must be 1 to 64 letters/,
      );
      await expect(
        store.apply({ type: 'OrderAccepted', eventId: id(), orderId: '@a#b/o1', at: at(0) }),
      ).rejects.toThrow(/plantId "a#b" must be/);
      expect(await store.plantState('no way')).toEqual({ stations: [], maintenance: [] });
      expect(await store.listActive('a#b')).toEqual([]);
    });

    it('refuses an order id that would be the key of a plant item, and writes nothing', async () => {
      const order: DomainEvent = {
        type: 'OrderAccepted',
        eventId: id(),
        orderId: '#plant#station#saw',
        at: at(0),
      };

      await expect(store.apply(order)).rejects.toThrow(/must not start with "#plant#"/);
      expect(await store.plantState()).toEqual({ stations: [], maintenance: [] });
    });

    it('refuses names that are not well-formed Unicode, a unit below 1 and a window that ends before it starts, and writes nothing', async () => {
      await expect(store.applyPlant(down('saw\ud800', 1))).rejects.toThrow(StateStoreError);
      await expect(store.applyPlant(planned('m1', 0, 60, 60))).rejects.toThrow(/to .* must be after from/);
      await expect(store.applyPlant(up('saw', 1, { unit: 0 }))).rejects.toThrow(
        /unit 0 must be a whole number from 1/,
      );

      expect(await store.plantState()).toEqual({ stations: [], maintenance: [] });
    });

    it('gives the state the events say by their time, in any arrival order, with duplicates', async () => {
      await fc.assert(
        fc.asyncProperty(plantEvents, fc.integer(), async (events, seed) => {
          const fresh = await create();
          for (const event of arrivals(events, seed)) await fresh.applyPlant(event);

          expect(await fresh.plantState()).toEqual(expectedPlantState(events));
        }),
        { numRuns: options.propertyRuns ?? 100 },
      );
    });
  });
}
