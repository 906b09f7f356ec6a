// The contract every state store must meet (in memory, DynamoDB): one suite, run against each.
import { beforeEach, describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../contracts/events.ts';
import { LATEST_TIME_MS } from '../../contracts/time.ts';
import {
  applyEvent,
  applyEvents,
  eventKey,
  eventPrefix,
  PAYLOAD_HASH_LENGTH,
  payloadHash,
  SLOTS,
  type StoredOrderState,
} from '../../state/applyEvent.ts';
import { StateStoreError } from '../../state/errors.ts';
import { type DomainEvent, toDomainEvent } from '../../state/events.ts';
import type { StateStore } from '../../state/StateStore.ts';
import { STEP_NAMES } from './history.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;
const at = (minutes: number) => T0 + minutes * MIN;

/**
 * An item as a version of the ingest wrote it before event keys ended with a payload hash: every
 * slot holds `<epoch ms>#<eventId>`.
 */
export function withLegacyKeys(item: StoredOrderState): StoredOrderState {
  const legacy: Record<string, unknown> = { ...item };
  for (const { attribute } of Object.values(SLOTS)) {
    const key = item[attribute];
    if (key !== undefined) legacy[attribute] = key.slice(0, -(PAYLOAD_HASH_LENGTH + 1));
  }
  return legacy as unknown as StoredOrderState;
}

/**
 * Runs the state store contract against stores made by `create`: a fresh store each test, empty or
 * holding `items` as they would be stored.
 */
export function stateStoreContract(
  name: string,
  create: (items?: readonly StoredOrderState[]) => Promise<StateStore> | StateStore,
): void {
  describe(`${name} state store contract`, () => {
    let store: StateStore;
    let n = 0;
    beforeEach(async () => {
      store = await create();
    });
    const ev = <T extends DomainEvent['type']>(
      type: T,
      orderId: string,
      minutes: number,
      extra: object = {},
    ) =>
      ({
        type,
        eventId: `e${String(++n).padStart(6, '0')}`,
        orderId,
        at: at(minutes),
        ...extra,
      }) as DomainEvent;
    const strip = (s: StoredOrderState | undefined) => {
      if (!s) return s;
      const { version: _version, ...rest } = s;
      return rest;
    };

    it('keeps an accepted order with its due date and priority, active', async () => {
      expect(
        await store.apply(ev('OrderAccepted', 'o1', 0, { dueAt: at(60), priority: 2, quantity: 5 })),
      ).toBe('applied');

      expect(await store.get('o1')).toMatchObject({
        orderId: 'o1',
        status: 'accepted',
        acceptedAt: at(0),
        dueAt: at(60),
        priority: 2,
        quantity: 5,
        updatedAt: at(0),
        activeShard: '0',
        version: 1,
      });
    });

    it('follows an order through its statuses', async () => {
      const steps: [DomainEvent, string][] = [
        [ev('OrderAccepted', 'o1', 0), 'accepted'],
        [ev('MaterialOrdered', 'o1', 1, { eta: at(11) }), 'awaiting-material'],
        [ev('EtaUpdated', 'o1', 5, { eta: at(15) }), 'awaiting-material'],
        [ev('MaterialArrived', 'o1', 15), 'ready'],
        [ev('StepStarted', 'o1', 16, { step: 'production' }), 'in-production'],
        [ev('StepFinished', 'o1', 26, { step: 'production' }), 'finished'],
        [ev('OrderDelivered', 'o1', 30), 'delivered'],
      ];
      for (const [event, status] of steps) {
        await store.apply(event);
        expect((await store.get('o1'))!.status, event.type).toBe(status);
      }
      expect(await store.get('o1')).toMatchObject({
        materialOrderedAt: at(1),
        initialEta: at(11),
        eta: at(15),
        materialArrivedAt: at(15),
        steps: { production: { startedAt: at(16), finishedAt: at(26) } },
        deliveredAt: at(30),
        updatedAt: at(30),
        version: 7,
      });
    });

    /** What applying `events` one by one to `state` gives, with each event's outcome. */
    const oneByOne = (state: StoredOrderState | undefined, events: readonly DomainEvent[]) => {
      const outcomes = events.map((event) => {
        const next = applyEvent(state, event);
        if (next === undefined) return 'ignored';
        state = next;
        return 'applied';
      });
      return { state, outcomes };
    };

    it("applies an order's events given together as if one by one", async () => {
      const events = [
        ev('OrderAccepted', 'o1', 0, { dueAt: at(60) }),
        ev('MaterialOrdered', 'o1', 1, { eta: at(11) }),
        ev('EtaUpdated', 'o1', 5, { eta: at(15) }),
        ev('MaterialArrived', 'o1', 15),
      ];

      const outcomes = await store.applyAll(events);

      const expected = oneByOne(undefined, events);
      expect(outcomes).toEqual(expected.outcomes);
      expect(await store.get('o1')).toEqual(expected.state);
      expect((await store.listActive()).map((o) => o.orderId)).toEqual(['o1']);
    });

    it('applies events given together out of time order, with duplicates, as if one by one', async () => {
      const accepted = ev('OrderAccepted', 'o1', 0);
      await store.apply(accepted);
      const before = await store.get('o1');
      const events = [
        ev('EtaUpdated', 'o1', 6, { eta: at(20) }),
        accepted,
        ev('MaterialOrdered', 'o1', 1, { eta: at(11) }),
        ev('OrderDelivered', 'o1', 40),
        ev('EtaUpdated', 'o1', 4, { eta: at(12) }),
      ];

      const outcomes = await store.applyAll(events);

      const expected = oneByOne(before, events);
      expect(outcomes).toEqual(expected.outcomes);
      expect(outcomes).toEqual(['applied', 'ignored', 'applied', 'applied', 'ignored']);
      expect(await store.get('o1')).toEqual(expected.state);
      expect(await store.listActive()).toEqual([]);
    });

    it('applies only what is newer than the stored state when events are given together', async () => {
      await store.applyAll([ev('OrderAccepted', 'o1', 0), ev('EtaUpdated', 'o1', 8, { eta: at(30) })]);
      const before = await store.get('o1');
      const events = [ev('MaterialOrdered', 'o1', 1, { eta: at(11) }), ev('MaterialArrived', 'o1', 20)];

      const outcomes = await store.applyAll(events);

      const expected = oneByOne(before, events);
      expect(outcomes).toEqual(['applied', 'applied']);
      expect(await store.get('o1')).toEqual(expected.state);
      expect((await store.get('o1'))!.eta).toBe(at(30));
    });

    it('ignores a late ETA given together with a newer one, and applies the newer one', async () => {
      await store.apply(ev('MaterialOrdered', 'o1', 0, { eta: at(10) }));
      await store.apply(ev('EtaUpdated', 'o1', 6, { eta: at(20) }));
      const before = await store.get('o1');
      const events = [ev('EtaUpdated', 'o1', 4, { eta: at(12) }), ev('EtaUpdated', 'o1', 8, { eta: at(25) })];

      const outcomes = await store.applyAll(events);

      expect(outcomes).toEqual(['ignored', 'applied']);
      expect(await store.get('o1')).toEqual(oneByOne(before, events).state);
      expect((await store.get('o1'))!.eta).toBe(at(25));
    });

    it('changes nothing when a group of events is delivered again', async () => {
      const events = [ev('OrderAccepted', 'o1', 0), ev('MaterialOrdered', 'o1', 1, { eta: at(11) })];
      await store.applyAll(events);
      const before = await store.get('o1');

      expect(await store.applyAll(events)).toEqual(['ignored', 'ignored']);

      expect(await store.get('o1')).toEqual(before);
    });

    it('refuses a group that mixes orders', async () => {
      await expect(
        store.applyAll([ev('OrderAccepted', 'o1', 0), ev('OrderAccepted', 'o2', 0)]),
      ).rejects.toThrow(/one order/);

      expect(await store.get('o1')).toBeUndefined();
    });

    it('changes nothing when an event is delivered twice', async () => {
      const accepted = ev('OrderAccepted', 'o1', 0, { dueAt: at(60) });
      await store.apply(accepted);
      const before = await store.get('o1');

      expect(await store.apply(accepted)).toBe('ignored');

      expect(await store.get('o1')).toEqual(before);
    });

    it('keeps the newer ETA when an older update arrives late', async () => {
      await store.apply(ev('MaterialOrdered', 'o1', 0, { eta: at(10) }));
      await store.apply(ev('EtaUpdated', 'o1', 6, { eta: at(20) }));

      expect(await store.apply(ev('EtaUpdated', 'o1', 4, { eta: at(12) }))).toBe('ignored');

      expect((await store.get('o1'))!.eta).toBe(at(20));
    });

    it('takes the first ETA of a late MaterialOrdered as initial ETA, but not as current ETA', async () => {
      await store.apply(ev('EtaUpdated', 'o1', 6, { eta: at(20) }));

      expect(await store.apply(ev('MaterialOrdered', 'o1', 0, { eta: at(10) }))).toBe('applied');

      expect(await store.get('o1')).toMatchObject({
        initialEta: at(10),
        materialOrderedAt: at(0),
        eta: at(20),
        updatedAt: at(6),
      });
    });

    it('derives the status from the fields, not from the order of arrival', async () => {
      await store.apply(ev('StepStarted', 'o1', 20, { step: 'production' }));
      await store.apply(ev('MaterialArrived', 'o1', 15));
      await store.apply(ev('OrderAccepted', 'o1', 0));

      expect(await store.get('o1')).toMatchObject({
        status: 'in-production',
        acceptedAt: at(0),
        updatedAt: at(20),
      });
    });

    it('lists only active orders, and a late event does not bring a delivered order back', async () => {
      await store.apply(ev('OrderAccepted', 'o1', 0));
      await store.apply(ev('OrderAccepted', 'o2', 0));
      await store.apply(ev('OrderDelivered', 'o2', 30));

      await store.apply(ev('StepFinished', 'o2', 25, { step: 'production' }));

      expect((await store.listActive()).map((s) => s.orderId)).toEqual(['o1']);
      expect((await store.get('o2'))!.status).toBe('delivered');
      expect((await store.get('o2'))!.activeShard).toBeUndefined();
    });

    it("lists an active order's state as the forecast reads it, without the ingest's bookkeeping", async () => {
      await store.apply(ev('OrderAccepted', 'o1', 0, { dueAt: at(60), priority: 2, quantity: 5 }));
      await store.apply(ev('MaterialOrdered', 'o1', 1, { eta: at(11) }));
      await store.apply(ev('EtaUpdated', 'o1', 5, { eta: at(15) }));
      await store.apply(ev('MaterialArrived', 'o1', 14));
      await store.apply(ev('StepStarted', 'o1', 16, { step: 'production', station: 'line 1' }));

      expect(await store.listActive()).toEqual([
        {
          orderId: 'o1',
          status: 'in-production',
          acceptedAt: at(0),
          dueAt: at(60),
          priority: 2,
          quantity: 5,
          materialOrderedAt: at(1),
          initialEta: at(11),
          eta: at(15),
          materialArrivedAt: at(14),
          steps: { production: { startedAt: at(16), station: 'line 1' } },
          updatedAt: at(16),
        },
      ]);
    });

    it('lists the orders of which a step has finished, delivered or not, with their steps, when due, product and material arrival', async () => {
      await store.apply(ev('OrderAccepted', 'o3', 0, { dueAt: at(60), product: 'frame' }));
      await store.apply(ev('MaterialArrived', 'o3', 10));
      await store.apply(ev('StepStarted', 'o3', 20, { step: 'cut' }));
      await store.apply(ev('StepFinished', 'o3', 30, { step: 'cut' }));
      await store.apply(ev('StepStarted', 'o3', 31, { step: 'weld' }));
      await store.apply(ev('OrderAccepted', 'o1', 0));
      await store.apply(ev('StepFinished', 'o1', 25, { step: 'production' }));
      await store.apply(ev('OrderDelivered', 'o1', 35));
      await store.apply(ev('OrderAccepted', 'o2', 0, { dueAt: at(40) }));
      await store.apply(ev('StepStarted', 'o2', 30, { step: 'production' }));
      await store.apply(ev('OrderAccepted', 'o4', 0));
      await store.apply(ev('OrderDelivered', 'o4', 5));

      const finished = await store.listFinished();

      expect(finished).toEqual([
        { orderId: 'o1', finishedAt: at(25), steps: { production: { finishedAt: at(25) } } },
        {
          orderId: 'o3',
          finishedAt: at(30),
          steps: { cut: { startedAt: at(20), finishedAt: at(30) }, weld: { startedAt: at(31) } },
          dueAt: at(60),
          // What a model needs to tell whether its routing is done (twin accuracy).
          product: 'frame',
          materialArrivedAt: at(10),
        },
      ]);
    });

    it('replaces an acceptance with a newer one, dropping what the newer one does not say', async () => {
      await store.apply(ev('OrderAccepted', 'o1', 0, { dueAt: at(60), priority: 3 }));

      await store.apply(ev('OrderAccepted', 'o1', 1, { dueAt: at(90) }));

      const state = await store.get('o1');
      expect(state).toMatchObject({ acceptedAt: at(1), dueAt: at(90) });
      expect(state!.priority).toBeUndefined();
    });

    it('breaks a tie between two events of the same time by event id, in any order', async () => {
      const a = { type: 'EtaUpdated', eventId: 'a', orderId: 'o1', at: at(5), eta: at(30) } as DomainEvent;
      const b = { type: 'EtaUpdated', eventId: 'b', orderId: 'o1', at: at(5), eta: at(40) } as DomainEvent;
      await store.apply(b);
      await store.apply(a);
      const other = await create();
      await other.apply(a);
      await other.apply(b);

      expect((await store.get('o1'))!.eta).toBe(at(40));
      expect(strip(await other.get('o1'))).toEqual(strip(await store.get('o1')));
    });

    it('keeps an item the same size however many ETA updates it receives', async () => {
      await store.apply(ev('MaterialOrdered', 'o1', 0, { eta: at(10) }));
      await store.apply(ev('EtaUpdated', 'o1', 1, { eta: at(11) }));
      const size = JSON.stringify(strip(await store.get('o1'))).length;

      for (let i = 2; i < 200; i++) await store.apply(ev('EtaUpdated', 'o1', i, { eta: at(10 + i) }));

      expect(JSON.stringify(strip(await store.get('o1'))).length).toBe(size);
    });

    describe('two deliveries of one event (same eventId and time) with different payloads', () => {
      const first = {
        type: 'EtaUpdated',
        eventId: 'eta-7',
        orderId: 'o1',
        at: at(5),
        eta: at(30),
      } as DomainEvent;
      const second = { ...first, eta: at(40) } as DomainEvent;
      /** The ETA of the delivery whose key is greater: the one every store keeps. */
      const winner = eventKey(first) > eventKey(second) ? at(30) : at(40);

      it('keeps the same one whichever arrives first, and reports the conflict', async () => {
        const ordered = ev('MaterialOrdered', 'o1', 0, { eta: at(10) });
        await store.apply(ordered);
        const other = await create();
        await other.apply(ordered);

        const outcomes = [await store.apply(first), await store.apply(second)];
        const reversed = [await other.apply(second), await other.apply(first)];

        expect(outcomes).toEqual(['applied', 'conflict']);
        expect(reversed).toEqual(['applied', 'conflict']);
        expect((await store.get('o1'))!.eta).toBe(winner);
        expect(strip(await other.get('o1'))).toEqual(strip(await store.get('o1')));
      });

      it('keeps the same one when both come in one group, as if one by one', async () => {
        const before = await store.get('o1');

        const outcomes = await store.applyAll([second, first]);

        const expected = applyEvents(before, [second, first]);
        expect(outcomes).toEqual(expected.outcomes);
        expect(outcomes).toEqual(['applied', 'conflict']);
        expect(await store.get('o1')).toEqual(expected.next);
        expect((await store.get('o1'))!.eta).toBe(winner);
      });

      it('still ignores a delivery with the same payload, without a conflict', async () => {
        await store.apply(first);
        const before = await store.get('o1');

        expect(await store.applyAll([{ ...first }, { ...first }])).toEqual(['ignored', 'ignored']);

        expect(await store.get('o1')).toEqual(before);
      });
    });

    describe('an item written before event keys carried a payload hash', () => {
      const history = [
        ev('OrderAccepted', 'o1', 0, { dueAt: at(60), priority: 1 }),
        ev('MaterialOrdered', 'o1', 1, { eta: at(11) }),
        ev('EtaUpdated', 'o1', 5, { eta: at(15) }),
        ev('MaterialArrived', 'o1', 14),
      ];
      const legacy = withLegacyKeys(applyEvents(undefined, history).next!);

      it('changes nothing when its events are delivered again, one by one or together', async () => {
        store = await create([legacy]);

        for (const event of history) expect(await store.apply(event), event.type).toBe('ignored');
        expect(await store.applyAll(history)).toEqual(history.map(() => 'ignored'));

        expect(await store.get('o1')).toEqual(legacy);
      });

      it('keeps its event when a delivery of it with another payload comes (what it held is unknown)', async () => {
        store = await create([legacy]);
        const changed = { ...history[2]!, eta: at(50) } as DomainEvent;

        expect(await store.apply(changed)).toBe('ignored');

        expect(await store.get('o1')).toEqual(legacy);
      });

      it('takes newer events, and ignores older ones, as any item', async () => {
        store = await create([legacy]);
        const older = ev('EtaUpdated', 'o1', 3, { eta: at(40) });
        const newer = ev('StepStarted', 'o1', 20, { step: 'production' });

        expect(await store.applyAll([older, newer])).toEqual(['ignored', 'applied']);

        expect(await store.get('o1')).toMatchObject({
          status: 'in-production',
          eta: at(15),
          etaEvent: legacy.etaEvent,
          stepEvents: { production: { startedEvent: eventKey(newer) } },
          version: legacy.version + 1,
        });
      });
    });

    it('refuses an event whose time lies outside the contracts’ range, and writes nothing', async () => {
      for (const time of [-1, LATEST_TIME_MS + 1, at(0) + 0.5]) {
        const event = { ...ev('OrderAccepted', 'o1', 0), at: time } as DomainEvent;

        const failure = await store.applyAll([event]).catch((error: unknown) => error);

        expect(failure, String(time)).toBeInstanceOf(StateStoreError);
        expect((failure as Error).message).toMatch(
          /must be an epoch time in whole milliseconds between 0 and/,
        );
      }
      expect(await store.get('o1')).toBeUndefined();
    });

    it('refuses ids that are not well-formed Unicode (one item on DynamoDB, two in memory), and writes nothing', async () => {
      const events = [
        ev('OrderAccepted', 'o-\ud800', 0),
        { ...ev('OrderAccepted', 'o1', 0), eventId: 'e-\udc00' } as DomainEvent,
      ];

      for (const event of events) {
        const failure = await store.applyAll([event]).catch((error: unknown) => error);

        expect(failure).toBeInstanceOf(StateStoreError);
        expect((failure as Error).message).toMatch(/must be well-formed Unicode/);
      }
      expect(await store.get('o1')).toBeUndefined();
      expect(await store.listActive()).toEqual([]);
    });

    describe('steps', () => {
      const step = (type: 'StepStarted' | 'StepFinished', minutes: number, name: string, extra = {}) =>
        ev(type, 'o1', minutes, { step: name, ...extra });

      it('follows an order through the steps of its routing, each with its times and station', async () => {
        const life: [DomainEvent, string][] = [
          [ev('OrderAccepted', 'o1', 0, { product: 'frame' }), 'accepted'],
          [ev('MaterialOrdered', 'o1', 1, { eta: at(11) }), 'awaiting-material'],
          [ev('MaterialArrived', 'o1', 11), 'ready'],
          [step('StepStarted', 11, 'cut', { station: 'saw' }), 'in-production'],
          [step('StepFinished', 15, 'cut'), 'finished'],
          [step('StepStarted', 15, 'weld', { station: 'welder' }), 'in-production'],
          [step('StepFinished', 24, 'weld'), 'finished'],
          [step('StepStarted', 26, 'paint'), 'in-production'],
          [step('StepFinished', 31, 'paint'), 'finished'],
          [ev('OrderDelivered', 'o1', 40), 'delivered'],
        ];
        for (const [event, status] of life) {
          expect(await store.apply(event), event.type).toBe('applied');
          expect((await store.get('o1'))!.status, event.type).toBe(status);
        }

        const state = await store.get('o1');
        expect(state).toMatchObject({
          product: 'frame',
          steps: {
            cut: { startedAt: at(11), finishedAt: at(15), station: 'saw' },
            weld: { startedAt: at(15), finishedAt: at(24), station: 'welder' },
            paint: { startedAt: at(26), finishedAt: at(31) },
          },
          stepEvents: { cut: { startedEvent: eventKey(life[3]![0]), finishedEvent: eventKey(life[4]![0]) } },
          updatedAt: at(40),
          version: life.length,
        });
        expect(state!.steps!.paint).toEqual({ startedAt: at(26), finishedAt: at(31) });
      });

      it('gives the same state whatever the order in which the step events arrive, and ignores their duplicates', async () => {
        const events = [
          ev('OrderAccepted', 'o1', 0),
          step('StepStarted', 2, 'cut', { station: 'saw' }),
          step('StepFinished', 6, 'cut'),
          step('StepStarted', 6, 'weld'),
          step('StepFinished', 9, 'weld'),
        ];
        for (const event of events) await store.apply(event);
        const reversed = await create();
        for (const event of [...events].reverse()) await reversed.apply(event);
        for (const event of events) expect(await reversed.apply(event)).toBe('ignored');

        expect(strip(await reversed.get('o1'))).toEqual(strip(await store.get('o1')));
        expect((await store.get('o1'))!.status).toBe('finished');
      });

      it('is in production while any step runs: two at once, one finishing first', async () => {
        await store.applyAll([step('StepStarted', 1, 'left'), step('StepStarted', 2, 'right')]);
        expect((await store.get('o1'))!.status).toBe('in-production');

        await store.apply(step('StepFinished', 4, 'left'));
        expect((await store.get('o1'))!.status).toBe('in-production');

        await store.apply(step('StepFinished', 5, 'right'));
        expect((await store.get('o1'))!.status).toBe('finished');
      });

      it('takes a newer start of a step (a restart), keeping its finish, and drops a station the newer start does not name', async () => {
        await store.apply(step('StepStarted', 1, 'cut', { station: 'saw' }));
        await store.apply(step('StepFinished', 3, 'cut'));

        expect(await store.apply(step('StepStarted', 2, 'cut'))).toBe('applied');

        expect((await store.get('o1'))!.steps).toEqual({ cut: { startedAt: at(2), finishedAt: at(3) } });
        expect((await store.get('o1'))!.status).toBe('finished');
      });

      it('keeps any well-formed step and station name as it is, and lists them nested', async () => {
        const events = STEP_NAMES.map((name, i) =>
          step('StepStarted', i, name, { station: `${name} / ${i}` }),
        );

        await store.applyAll(events);
        await store.apply(step('StepFinished', 20, 'constructor'));

        const expected = Object.fromEntries(
          STEP_NAMES.map((name, i) => [
            name,
            {
              startedAt: at(i),
              station: `${name} / ${i}`,
              ...(name === 'constructor' && { finishedAt: at(20) }),
            },
          ]),
        );
        const state = await store.get('o1');
        expect(state!.steps).toEqual(expected);
        expect(Object.keys(state!.steps!).sort()).toEqual([...STEP_NAMES].sort());
        expect(Object.getPrototypeOf(state!.steps)).toBe(Object.prototype);
        const [active] = await store.listActive();
        expect(active!.steps).toEqual(expected);
        expect(Object.hasOwn(active!.steps!, '__proto__')).toBe(true);
        expect(active).not.toHaveProperty('stepEvents');
        expect(active!.status).toBe('in-production');
      });

      it('keeps the product of the newest acceptance, and drops it when that one names none', async () => {
        await store.apply(ev('OrderAccepted', 'o1', 0, { product: 'door' }));
        expect((await store.listActive())[0]!.product).toBe('door');

        await store.apply(ev('OrderAccepted', 'o1', 1));

        expect((await store.get('o1'))!.product).toBeUndefined();
      });

      it('ignores a step event older than the one in its slot, and applies the other in a group', async () => {
        await store.apply(step('StepStarted', 5, 'cut', { station: 'saw 2' }));
        const events = [step('StepStarted', 3, 'cut', { station: 'saw 1' }), step('StepFinished', 8, 'cut')];

        const before = await store.get('o1');
        const outcomes = await store.applyAll(events);

        expect(outcomes).toEqual(['ignored', 'applied']);
        expect(await store.get('o1')).toEqual(applyEvents(before, events).next);
        expect((await store.get('o1'))!.steps).toEqual({
          cut: { startedAt: at(5), finishedAt: at(8), station: 'saw 2' },
        });
      });

      it('keeps the same delivery of a step event whichever arrives first, and reports the conflict', async () => {
        const first = {
          ...step('StepStarted', 4, 'cut', { station: 'saw 1' }),
          eventId: 'start-1',
        } as DomainEvent;
        const second = { ...first, station: 'saw 2' } as DomainEvent;
        const other = await create();

        expect([await store.apply(first), await store.apply(second)]).toEqual(['applied', 'conflict']);
        expect([await other.apply(second), await other.apply(first)]).toEqual(['applied', 'conflict']);

        expect(strip(await other.get('o1'))).toEqual(strip(await store.get('o1')));
      });
    });

    describe('v1 production events', () => {
      const iso = (minutes: number) => new Date(at(minutes)).toISOString();
      const v1 = (type: OrderEvent['type'], eventId: string, minutes: number, extra = {}) =>
        toDomainEvent({ type, eventId, orderId: 'o1', occurredAt: iso(minutes), ...extra } as OrderEvent);
      const accepted = v1('OrderAccepted', 'a', 0);

      it('give the same state as StepStarted / StepFinished of the step production, mixed in any way', async () => {
        const histories = [
          [v1('ProductionStarted', 's', 5), v1('ProductionFinished', 'f', 9)],
          [
            v1('StepStarted', 's', 5, { step: 'production' }),
            v1('StepFinished', 'f', 9, { step: 'production' }),
          ],
          [v1('ProductionStarted', 's', 5), v1('StepFinished', 'f', 9, { step: 'production' })],
          [v1('StepStarted', 's', 5, { step: 'production' }), v1('ProductionFinished', 'f', 9)],
        ];
        const states = [];
        for (const history of histories) {
          const one = await create();
          await one.applyAll([accepted, ...history]);
          for (const event of history) expect(await one.apply(event)).toBe('ignored');
          states.push(await one.get('o1'));
        }

        for (const state of states.slice(1)) expect(state).toEqual(states[0]);
        expect(states[0]).toMatchObject({
          status: 'finished',
          steps: { production: { startedAt: at(5), finishedAt: at(9) } },
        });
        expect(states[0]).not.toHaveProperty('productionStartedAt');
      });

      it('are told apart from a step production at another station (another payload)', async () => {
        await store.apply(v1('ProductionStarted', 's', 5));

        expect(await store.apply(v1('StepStarted', 's', 5, { step: 'production', station: 'line 2' }))).toBe(
          'conflict',
        );
      });
    });

    describe('an item written before steps existed', () => {
      const started = ev('StepStarted', 'o1', 16, { step: 'production' });
      /** The key v1 kept of the event: its hash is that of a ProductionStarted. */
      const v1Key = `${eventPrefix(started)}#${payloadHash({ type: 'ProductionStarted', eventId: started.eventId, orderId: 'o1', at: started.at })}`;
      const v1Item = {
        orderId: 'o1',
        status: 'in-production',
        acceptedAt: at(0),
        acceptedEvent: eventKey(ev('OrderAccepted', 'o1', 0)),
        materialArrivedAt: at(10),
        arrivedEvent: eventKey(ev('MaterialArrived', 'o1', 10)),
        productionStartedAt: at(16),
        startedEvent: v1Key,
        stage: 4,
        version: 3,
        activeShard: '0',
        updatedAt: at(16),
      } as unknown as StoredOrderState;

      it('shows its production times as the step production', async () => {
        store = await create([v1Item]);

        const state = await store.get('o1');
        expect(state).toMatchObject({
          status: 'in-production',
          steps: { production: { startedAt: at(16) } },
          stepEvents: { production: { startedEvent: v1Key } },
          runningSteps: 1,
          stage: 3,
          version: 3,
        });
        expect(state).not.toHaveProperty('productionStartedAt');
        expect(state).not.toHaveProperty('startedEvent');
        expect((await store.listActive())[0]!.steps).toEqual({ production: { startedAt: at(16) } });
      });

      it('ignores its production start delivered again, as v1 or as a step event', async () => {
        store = await create([v1Item]);

        expect(await store.apply(started)).toBe('ignored');
        expect(
          await store.apply({ ...started, type: 'StepStarted', step: 'production' } as DomainEvent),
        ).toBe('ignored');
        expect((await store.get('o1'))!.version).toBe(3);
      });

      it('takes the finish of its production and later steps, and is written as any item', async () => {
        store = await create([v1Item]);

        await store.applyAll([
          ev('StepFinished', 'o1', 26, { step: 'production' }),
          ev('StepStarted', 'o1', 27, { step: 'pack' }),
        ]);
        await store.apply(ev('StepFinished', 'o1', 28, { step: 'pack' }));

        const state = await store.get('o1');
        expect(state).toMatchObject({
          status: 'finished',
          steps: {
            production: { startedAt: at(16), finishedAt: at(26) },
            pack: { startedAt: at(27), finishedAt: at(28) },
          },
          stepEvents: { production: { startedEvent: v1Key } },
          stage: 5,
          runningSteps: 0,
          version: 6,
        });
        expect(state).not.toHaveProperty('productionStartedAt');
        expect(state).not.toHaveProperty('startedEvent');
        expect(await store.listFinished()).toEqual([
          { orderId: 'o1', finishedAt: at(28), steps: state!.steps, materialArrivedAt: at(10) },
        ]);
      });
    });

    it('returns nothing for an unknown order', async () => {
      expect(await store.get('nope')).toBeUndefined();
      expect(await store.listActive()).toEqual([]);
    });
  });
}
