// Stations down and planned maintenance in the forecast: a unit out of work takes no order, the
// order on it is cut by its station's interruption rule, and what that pushes back is a delay of
// cause `downtime`. Every time below is worked out by hand from the model's fixed durations.
import { describe, expect, it } from 'vitest';
import {
  forecast,
  forecastMonteCarlo,
  type OrderState,
  type PlantModelInput,
  parsePlantModel,
  type Snapshot,
} from '../../orderflow/index.ts';
import { stepEnd, stepStart } from './spans.ts';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (minutes: number) => NOW + minutes * MIN;

/** One press (10 min a part) and an oven with two units (10 min a part); every duration fixed. */
const model = (press: Partial<NonNullable<PlantModelInput['stations']>[number]> = {}) =>
  parsePlantModel({
    name: 'downtime-test',
    timeUnit: 'min',
    stations: [
      { ...press, id: 'press', capacity: 1 },
      { id: 'oven', capacity: 2 },
    ],
    products: [
      { id: 'part', routing: [{ step: 'press', kind: 'operation', station: 'press', duration: 10 }] },
      { id: 'cake', routing: [{ step: 'bake', kind: 'operation', station: 'oven', duration: 10 }] },
    ],
    defaultProduct: 'part',
  });

/** An order of `product` accepted at `accepted` (minutes from now), started then too when `started`. */
const order = (orderId: string, accepted: number, started?: number, product = 'part'): OrderState => {
  const step = product === 'part' ? 'press' : 'bake';
  return {
    orderId,
    product,
    acceptedAt: at(accepted),
    ...(started !== undefined && {
      steps: { [step]: { startedAt: at(started), station: step === 'press' ? 'press' : 'oven' } },
    }),
  };
};

const byId = (snapshot: Snapshot, m = model()) => {
  const result = forecast(snapshot, m);
  return { result, o: Object.fromEntries(result.orders.map((o) => [o.orderId, o])) };
};

describe('stations down and maintenance in the forecast', () => {
  it('shifts every order queued for the only unit by a 30-minute maintenance, exactly, with cause downtime', () => {
    // a on the press since −4 (ends at 6, as the maintenance starts: it is not cut); b and c queued.
    // Without the maintenance: b 6–16, c 16–26; with it (6 to 36): b 36–46, c 46–56.
    const snapshot: Snapshot = {
      asOf: NOW,
      orders: [order('a', -4, -4), order('b', -3), order('c', -2)],
      maintenance: [{ maintenanceId: 'm1', station: 'press', from: at(6), to: at(36) }],
    };

    const { result, o } = byId(snapshot);

    expect(o.a!.completedAt).toBe(at(6));
    expect(o.a!.delayCause).toBe('none');
    expect([stepStart(o.b!, 'press'), o.b!.completedAt, o.b!.plannedCompletedAt]).toEqual([
      at(36),
      at(46),
      at(16),
    ]);
    expect([stepStart(o.c!, 'press'), o.c!.completedAt, o.c!.plannedCompletedAt]).toEqual([
      at(46),
      at(56),
      at(26),
    ]);
    for (const id of ['b', 'c']) {
      expect(o[id]!.delayMs).toBe(30 * MIN);
      expect(o[id]!.delayCause).toBe('downtime');
      expect(o[id]!.delayStation).toBe('press');
    }
    expect(result.warnings).toEqual([]);
  });

  it('changes nothing when the maintenance is over or the station is up', () => {
    const orders = [order('a', -4, -4), order('b', -3)];
    const plain = forecast({ asOf: NOW, orders }, model());

    const withPast = forecast(
      {
        asOf: NOW,
        orders,
        maintenance: [{ maintenanceId: 'old', station: 'press', from: at(-60), to: at(-30) }],
        stations: [{ station: 'press', down: false, since: at(-30) }],
      },
      model(),
    );

    expect(withPast.orders).toEqual(plain.orders);
    expect(withPast.warnings).toEqual([]);
  });

  describe('an order in progress when its unit goes down for maintenance (2 to 32) finishes after it', () => {
    // a on the press since −4 for 10 min: at 2 it has done 6 min and has 4 left.
    const snapshot: Snapshot = {
      asOf: NOW,
      orders: [order('a', -4, -4)],
      maintenance: [{ maintenanceId: 'm1', station: 'press', unit: 1, from: at(2), to: at(32) }],
    };

    it('resume: the 4 minutes it had left, from 32 to 36', () => {
      const { o } = byId(snapshot, model({ interruption: 'resume' }));

      expect(o.a!.completedAt).toBe(at(36));
      expect(o.a!.plannedCompletedAt).toBe(at(6));
      expect(o.a!.delayCause).toBe('downtime');
      expect(o.a!.delayStation).toBe('press');
    });

    it('restart: its whole 10 minutes again, from 32 to 42', () => {
      const { o } = byId(snapshot, model({ interruption: 'restart' }));

      expect(o.a!.completedAt).toBe(at(42));
      expect(o.a!.delayCause).toBe('downtime');
    });

    it('resume is the default', () => {
      expect(byId(snapshot).o.a!.completedAt).toBe(at(36));
    });
  });

  describe('an order in progress that a maintenance over by now (−12 to −5) cut', () => {
    // a on the press since −15 for 10 min: 3 min done before the maintenance, 5 since.
    const snapshot: Snapshot = {
      asOf: NOW,
      orders: [order('a', -15, -15)],
      maintenance: [{ maintenanceId: 'm0', station: 'press', from: at(-12), to: at(-5) }],
    };

    it('resume: has done 8 of its 10 minutes and ends at 2', () => {
      const { result, o } = byId(snapshot);

      expect(o.a!.completedAt).toBe(at(2));
      expect([o.a!.delayCause, o.a!.delayStation]).toEqual(['downtime', 'press']);
      expect(result.warnings).toEqual([]);
    });

    it('restart: began again at −5 and ends at 5', () => {
      expect(byId(snapshot, model({ interruption: 'restart' })).o.a!.completedAt).toBe(at(5));
    });
  });

  describe('a unit down now', () => {
    // a on the press since −5; the press went down at −2 (a had done 3 min, 7 left); b queued.
    const orders = [order('a', -5, -5), order('b', -1)];
    const down = (expectedUpAt?: number): Snapshot => ({
      asOf: NOW,
      orders,
      stations: [
        { station: 'press', down: true, since: at(-2), ...(expectedUpAt !== undefined && { expectedUpAt }) },
      ],
    });

    it('stays down until it is expected up (15): a resumes 15–22, b follows 22–32', () => {
      const { result, o } = byId(down(at(15)));

      expect(o.a!.completedAt).toBe(at(22));
      expect([stepStart(o.b!, 'press'), o.b!.completedAt]).toEqual([at(22), at(32)]);
      expect(o.b!.delayCause).toBe('downtime');
      expect(result.warnings).toEqual([]);
    });

    it('restart: a starts over at 15 and ends at 25', () => {
      const { o } = byId(down(at(15)), model({ interruption: 'restart' }));

      expect(o.a!.completedAt).toBe(at(25));
      expect(o.b!.completedAt).toBe(at(35));
    });

    it('without an expected time, is up after the model’s time to repair (20 min from −2: 18), with a warning', () => {
      const { result, o } = byId(down(), model({ failures: { timeBetweenFailures: 480, timeToRepair: 20 } }));

      expect(o.a!.completedAt).toBe(at(25));
      expect(result.warnings).toEqual([
        expect.objectContaining({ kind: 'station-down', message: expect.stringContaining('station press') }),
      ]);
    });

    it('with an expected time already past and no failure model, is assumed up now: a has its 7 minutes left', () => {
      const { result, o } = byId(down(at(-1)));

      expect(o.a!.completedAt).toBe(at(7));
      expect(o.b!.completedAt).toBe(at(17));
      expect(result.warnings).toEqual([
        expect.objectContaining({
          kind: 'station-down',
          message: expect.stringMatching(
            /^station press has been down 120 s, expected up 60 s ago,.*come up now$/,
          ),
        }),
      ]);
    });
  });

  describe('a station with two units, one of them down (unit 2, −1 to 20)', () => {
    const stations = [{ station: 'oven', unit: 2, down: true, since: at(-1), expectedUpAt: at(20) }];

    it('works on with one unit: the queued orders take unit 1 in turn', () => {
      // a bakes on unit 1 since −5 (ends 5). Without the outage b would take unit 2 at 0 (0–10) and
      // c unit 1 at 5 (5–15); with it, b takes unit 1 at 5 (5–15), c at 15 (15–25), before unit 2 is back.
      const snapshot: Snapshot = {
        asOf: NOW,
        orders: [
          order('a', -5, -5, 'cake'),
          order('b', 0, undefined, 'cake'),
          order('c', 0, undefined, 'cake'),
        ],
        stations,
      };

      const { o } = byId(snapshot);

      expect(o.a!.completedAt).toBe(at(5));
      expect(o.a!.delayCause).toBe('none');
      expect([stepStart(o.b!, 'bake'), o.b!.completedAt, o.b!.plannedCompletedAt]).toEqual([
        at(5),
        at(15),
        at(10),
      ]);
      expect([stepStart(o.c!, 'bake'), o.c!.completedAt, o.c!.plannedCompletedAt]).toEqual([
        at(15),
        at(25),
        at(15),
      ]);
      expect([o.b!.delayCause, o.b!.delayStation]).toEqual(['downtime', 'oven']);
      expect([o.c!.delayCause, o.c!.delayStation]).toEqual(['downtime', 'oven']);
    });

    it('cuts the order on unit 2 (units go to the orders in progress by orderId): it resumes at 20', () => {
      // a on unit 1 since −5 (ends 5); b on unit 2 since −3, cut at −1 with 8 min left: 20–28.
      const snapshot: Snapshot = {
        asOf: NOW,
        orders: [order('a', -5, -5, 'cake'), order('b', -3, -3, 'cake')],
        stations,
      };

      const { o } = byId(snapshot);

      expect(o.a!.completedAt).toBe(at(5));
      expect(stepEnd(o.b!, 'bake')).toBe(at(28));
      expect(o.b!.delayCause).toBe('downtime');
    });
  });

  it('warns of a station or unit the model does not have, and ignores it', () => {
    const { result, o } = byId({
      asOf: NOW,
      orders: [order('a', -4, -4)],
      stations: [{ station: 'lathe', down: true, since: at(-1) }],
      maintenance: [{ maintenanceId: 'm9', station: 'press', unit: 2, from: at(1), to: at(5) }],
    });

    expect(o.a!.completedAt).toBe(at(6));
    expect(result.warnings.map((w) => w.kind)).toEqual(['unknown-station', 'unknown-station']);
    expect(result.warnings[0]!.message).toContain('station lathe');
    expect(result.warnings[1]!.message).toContain('maintenance m9');
  });

  it('draws breakdowns from the failure model in a Monte Carlo forecast, and ends once the orders are done', () => {
    // The press fails every 4 min of calendar time and is repaired in 3: a (10 min, queued at 0)
    // works 0–4, 7–11 and 14–16 (resume). The deterministic forecast knows of no outage: 0–10.
    const m = model({ failures: { timeBetweenFailures: 4, timeToRepair: 3 } });

    const result = forecastMonteCarlo({ asOf: NOW, orders: [order('a', 0)] }, m, { replications: 5 });

    const a = result.orders[0]!;
    expect(a.completedAt).toBe(at(10));
    expect([a.completedAtP10, a.completedAtP50, a.completedAtP90]).toEqual([at(16), at(16), at(16)]);
  });
});
