// Order times that contradict each other or the snapshot's asOf: each is a warning that names the
// order and says what the forecast assumed (the later milestone, or asOf, as stated); that order is
// forecast with the time so corrected, and every other order exactly as if the snapshot had said so.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Forecast,
  forecast,
  forecastMonteCarlo,
  type OrderState,
  type PlantOrder,
  runPlant,
  type Snapshot,
  snapshotAt,
} from '../../orderflow/index.ts';
import { stepEnd, stepStart } from './spans.ts';

const MIN = 60_000;
const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const at = (minutes: number) => NOW + minutes * MIN;

/** A plant at NOW: one order finished, one in production, one queued, one waiting for material. */
const plant = (): OrderState[] => [
  {
    orderId: 'done',
    status: 'finished',
    acceptedAt: at(-50),
    materialOrderedAt: at(-50),
    materialArrivedAt: at(-40),
    steps: { production: { startedAt: at(-30), finishedAt: at(-20) } },
  },
  {
    orderId: 'making',
    status: 'in-production',
    acceptedAt: at(-30),
    materialOrderedAt: at(-30),
    materialArrivedAt: at(-15),
    steps: { production: { startedAt: at(-4) } },
  },
  { orderId: 'queued', status: 'ready', acceptedAt: at(-20), materialArrivedAt: at(-2) },
  {
    orderId: 'waiting',
    status: 'awaiting-material',
    acceptedAt: at(-5),
    materialOrderedAt: at(-5),
    eta: at(5),
  },
];

/** A time of an order: a field of its own, or `steps.<step>.startedAt|finishedAt`. */
type TimePath =
  | 'acceptedAt'
  | 'materialOrderedAt'
  | 'materialArrivedAt'
  | 'steps.production.startedAt'
  | 'steps.production.finishedAt';
type TimeChange = Partial<Record<TimePath, number>>;

/** `order` with its times at `change` set. */
function withTimes(order: OrderState, change: TimeChange): OrderState {
  let result: OrderState = { ...order };
  for (const [path, value] of Object.entries(change) as [TimePath, number][]) {
    const [head, step, field] = path.split('.') as [string, string?, string?];
    if (head !== 'steps') result = { ...result, [head]: value };
    else {
      const steps = { ...result.steps };
      steps[step!] = { ...steps[step!], [field!]: value };
      result = { ...result, steps };
    }
  }
  return result;
}

/** The time at `path` of `order`. */
function timeAt(order: OrderState, path: TimePath): number | undefined {
  const [head, step, field] = path.split('.') as [string, string?, string?];
  if (head !== 'steps') return order[head as 'acceptedAt'];
  return order.steps?.[step!]?.[field as 'startedAt'];
}

/** `orders` with the order `orderId` changed by `change`. */
const changed = (orders: OrderState[], orderId: string, change: TimeChange): OrderState[] =>
  orders.map((o) => (o.orderId === orderId ? withTimes(o, change) : o));

const withoutWarnings = ({ warnings: _warnings, ...rest }: Forecast) => rest;

describe('order times that contradict each other or asOf', () => {
  const cases: {
    what: string;
    orderId: string;
    stated: TimeChange;
    assumed: TimeChange;
    message: RegExp;
  }[] = [
    {
      what: 'production finished after asOf',
      orderId: 'done',
      stated: { 'steps.production.finishedAt': at(3) },
      assumed: { 'steps.production.finishedAt': NOW },
      message:
        /^order done's steps.production.finishedAt is 180 s after asOf, which cannot be; assumed step production finished at asOf/,
    },
    {
      what: 'production started after asOf',
      orderId: 'making',
      stated: { 'steps.production.startedAt': at(2) },
      assumed: { 'steps.production.startedAt': NOW },
      message:
        /^order making's steps.production.startedAt is 120 s after asOf, .*; assumed step production started at asOf/,
    },
    {
      what: 'production finished before it started',
      orderId: 'done',
      stated: { 'steps.production.startedAt': at(-10) },
      assumed: { 'steps.production.startedAt': at(-20) },
      message:
        /^order done's steps.production.startedAt is 600 s after its steps.production.finishedAt, .*; assumed step production started when step production finished/,
    },
    {
      what: 'material arrived after asOf',
      orderId: 'queued',
      stated: { materialArrivedAt: at(1) },
      assumed: { materialArrivedAt: NOW },
      message:
        /^order queued's materialArrivedAt is 60 s after asOf, .*; assumed its material arrived at asOf/,
    },
    {
      what: 'material arrived after production started',
      orderId: 'making',
      stated: { materialArrivedAt: at(-2) },
      assumed: { materialArrivedAt: at(-4) },
      message: /assumed its material arrived when step production started, and forecast it so$/,
    },
    {
      what: 'material ordered after it arrived',
      orderId: 'making',
      stated: { materialOrderedAt: at(-10) },
      assumed: { materialOrderedAt: at(-15) },
      message: /assumed its material was ordered when its material arrived/,
    },
    {
      what: 'material ordered after asOf',
      orderId: 'waiting',
      stated: { materialOrderedAt: at(1) },
      assumed: { materialOrderedAt: NOW },
      message: /assumed its material was ordered at asOf/,
    },
    {
      what: 'accepted after its material was ordered',
      orderId: 'waiting',
      stated: { acceptedAt: at(-1) },
      assumed: { acceptedAt: at(-5) },
      message:
        /^order waiting's acceptedAt is 240 s after its materialOrderedAt, .*; assumed it was accepted when its material was ordered/,
    },
    {
      what: 'accepted after asOf',
      orderId: 'queued',
      stated: { acceptedAt: at(30) },
      assumed: { acceptedAt: at(-2) },
      message: /acceptedAt is 1920 s after its materialArrivedAt/,
    },
  ];

  for (const { what, orderId, stated, assumed, message } of cases) {
    it(`warns when ${what}, and forecasts every order as if the snapshot said what it assumed`, () => {
      const bad: Snapshot = { asOf: NOW, orders: changed(plant(), orderId, stated) };
      const corrected: Snapshot = { asOf: NOW, orders: changed(plant(), orderId, assumed) };

      const result = forecast(bad);

      const expected = forecast(corrected);
      expect(result.warnings).toEqual([
        expect.objectContaining({
          orderId,
          kind: 'contradictory-time',
          message: expect.stringMatching(message),
        }),
        ...expected.warnings,
      ]);
      expect(withoutWarnings(result)).toEqual(withoutWarnings(expected));
    });
  }

  it('leaves the other orders as they were when one order has contradictory times', () => {
    // "done" finished 20 min ago: its own times do not hold a line, so the others do not move.
    const stated = { 'steps.production.startedAt': at(5), 'steps.production.finishedAt': at(3) };

    const bad = forecast({ asOf: NOW, orders: changed(plant(), 'done', stated) });

    const good = forecast({ asOf: NOW, orders: plant() });
    const others = (f: Forecast) => f.orders.filter((o) => o.orderId !== 'done');
    expect(others(bad)).toEqual(others(good));
    expect(bad.warnings.map((w) => [w.orderId, w.kind])).toEqual([
      ['done', 'contradictory-time'],
      ['done', 'contradictory-time'],
    ]);
    expect(bad.orders.find((o) => o.orderId === 'done')!.steps.every((s) => s.actual)).toBe(true);
  });

  it('never forecasts a step of something the snapshot says has happened', () => {
    const stated = { 'steps.production.startedAt': at(2), materialArrivedAt: at(4) };

    const making = forecast({ asOf: NOW, orders: changed(plant(), 'making', stated) }).orders.find(
      (o) => o.orderId === 'making',
    )!;

    expect(stepEnd(making, 'material')).toBe(NOW);
    expect(stepStart(making, 'production')).toBe(NOW);
    expect(making.steps.filter((s) => !s.actual).map((s) => [s.step, s.kind])).toEqual([
      ['production', 'operation'],
    ]);
  });

  it('takes the same corrected times in every draw of a Monte Carlo forecast', () => {
    const orders = changed(plant(), 'done', { 'steps.production.finishedAt': at(3) });

    const result = forecastMonteCarlo({ asOf: NOW, orders }, undefined, { replications: 20 });

    const done = result.orders.find((o) => o.orderId === 'done')!;
    expect(done.completedAt).toBe(NOW);
    expect(done.completedAtP10).toBe(NOW);
    expect(done.completedAtP90).toBe(NOW);
    expect(result.warnings.filter((w) => w.kind === 'contradictory-time')).toHaveLength(1);
  });
});

describe('order times that contradict, for all plants', () => {
  const MILESTONES: readonly TimePath[] = [
    'acceptedAt',
    'materialOrderedAt',
    'materialArrivedAt',
    'steps.production.startedAt',
    'steps.production.finishedAt',
  ];

  /** A plant run's snapshot: orders accepted every few minutes, material lead times around 10 min. */
  const snapshots: fc.Arbitrary<Snapshot> = fc
    .record({
      gaps: fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 1, maxLength: 8 }),
      leads: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 8, maxLength: 8 }),
      after: fc.integer({ min: 0, max: 120 }),
    })
    .map(({ gaps, leads, after }) => {
      let t = NOW;
      const orders = gaps.map((gap, i): PlantOrder => {
        t += gap * MIN;
        return { orderId: `o${i}`, acceptedAt: t, leadTime: leads[i]! * MIN, dueAt: t + 40 * MIN };
      });
      return snapshotAt(runPlant(orders), t + after * MIN);
    });

  it('forecasts a milestone stated after the next one (or after asOf) as if stated at it, with one warning', () => {
    fc.assert(
      fc.property(
        snapshots,
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 3 * 3_600_000 }),
        (snapshot, which, field, later) => {
          const order = snapshot.orders[which % snapshot.orders.length]!;
          const present = MILESTONES.filter((f) => timeAt(order, f) !== undefined);
          fc.pre(present.length > 0);
          const f = present[field % present.length]!;
          // What bounds it: the next milestone the order has, or asOf.
          const next = present.slice(present.indexOf(f) + 1)[0];
          const bound = next === undefined ? snapshot.asOf : timeAt(order, next)!;
          const base = { ...snapshot, orders: changed([...snapshot.orders], order.orderId, { [f]: bound }) };
          const bad = {
            ...snapshot,
            orders: changed([...snapshot.orders], order.orderId, { [f]: bound + later }),
          };

          const result = forecast(bad);

          const expected = forecast(base);
          expect(withoutWarnings(result)).toEqual(withoutWarnings(expected));
          // The warnings come order by order: the one more is among them.
          const contradiction = (w: (typeof result.warnings)[number]) => w.kind === 'contradictory-time';
          expect(result.warnings.filter(contradiction)).toEqual([
            expect.objectContaining({ orderId: order.orderId, kind: 'contradictory-time' }),
          ]);
          expect(result.warnings.filter((w) => !contradiction(w))).toEqual(expected.warnings);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds nothing to reconcile in a plant run’s snapshot', () => {
    fc.assert(
      fc.property(snapshots, (snapshot) => {
        expect(forecast(snapshot).warnings.filter((w) => w.kind === 'contradictory-time')).toEqual([]);
      }),
    );
  });
});
