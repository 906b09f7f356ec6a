// What-if on the live plant: variants beside the baseline on common random numbers, ranked.
import { describe, expect, it } from 'vitest';
import {
  demoOrders,
  forecast,
  type OrderState,
  orderFlowModel,
  type PlantModel,
  parsePlantModel,
  runPlant,
  type Snapshot,
  snapshotAt,
} from '../../orderflow/index.ts';
import { forecastMonteCarlo } from '../../orderflow/monteCarlo.ts';
import { recommend } from '../../orderflow/whatif/recommend.ts';
import { BASELINE, parseVariants, type Variant, VariantError } from '../../orderflow/whatif/variant.ts';
import {
  type BaselineDraws,
  baselineDraws,
  type WhatIfResult,
  whatIf,
} from '../../orderflow/whatif/whatIf.ts';
import { SimulationLimitError } from '../../sim-core/index.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

/** Three stations in line, exponential times; the middle one has the least capacity for its load. */
function congestedPlant(): PlantModel {
  return parsePlantModel({
    name: 'congested',
    timeUnit: 'min',
    stations: [
      { id: 'prep', capacity: 1 },
      { id: 'press', capacity: 1 },
      { id: 'pack', capacity: 1 },
    ],
    products: [
      {
        id: 'part',
        routing: [
          { step: 'prepare', kind: 'operation', station: 'prep', duration: { dist: 'exponential', mean: 4 } },
          {
            step: 'pressing',
            kind: 'operation',
            station: 'press',
            duration: { dist: 'exponential', mean: 9 },
          },
          { step: 'packing', kind: 'operation', station: 'pack', duration: { dist: 'exponential', mean: 3 } },
        ],
      },
    ],
  });
}

/** `n` orders accepted over the last hour, none started, due 2 to 8 hours after asOf. */
function backlog(n: number, asOf: number): Snapshot {
  const orders: OrderState[] = Array.from({ length: n }, (_, i) => ({
    orderId: `p${String(i + 1).padStart(3, '0')}`,
    acceptedAt: asOf - 60 * MIN + i * MIN,
    dueAt: asOf + (120 + ((i * 37) % 360)) * MIN,
    priority: i % 3,
  }));
  return { asOf, orders };
}

const variants = (raw: unknown) => parseVariants(raw);

describe('what-if', () => {
  it('forecasts an empty variant exactly as the baseline, at the means and in every replication', () => {
    const snapshot = backlog(30, T0);
    const result = whatIf(snapshot, congestedPlant(), variants({ name: 'nothing', changes: [] }), {
      replications: 20,
      forecasts: true,
    });
    const base = result.variants.find((v) => v.name === 'baseline')!;
    const empty = result.variants.find((v) => v.name === 'nothing')!;

    expect(empty.forecast).toEqual(base.forecast);
    expect(empty.kpis).toEqual(base.kpis);
    for (const d of Object.values(empty.difference!)) {
      expect(d.mean).toBe(0);
      expect(d.ci).toEqual([0, 0]);
    }
    expect(empty.verdict).toBe('same');
    expect(base.rank).toBeLessThan(empty.rank);
  });

  it("ranks expediting order 2's material back to its first ETA first in the seed article's flow: no knock-on left", () => {
    const plant = runPlant(demoOrders(T0));
    const snapshot = snapshotAt(plant, T0 + 16 * MIN);
    const live = forecast(snapshot);
    const order2 = snapshot.orders.find((o) => o.orderId === 'order-2')!;
    expect(live.orders.some((o) => o.delayCause === 'knock-on')).toBe(true);

    const result = whatIf(
      snapshot,
      orderFlowModel,
      variants([
        { name: 'order-3 first', changes: [{ change: 'priority', order: 'order-3', priority: 9 }] },
        { name: 'hold order-3', changes: [{ change: 'hold', order: 'order-3', until: iso(T0 + 40 * MIN) }] },
        {
          name: 'expedite order-2',
          changes: [{ change: 'expedite', order: 'order-2', eta: iso(order2.initialEta!) }],
        },
      ]),
      { forecasts: true },
    );

    const best = result.variants[0]!;
    expect(best.name).toBe('expedite order-2');
    expect(best.verdict).toBe('better');
    expect(best.lateOrders).toEqual([]);
    expect(best.forecast!.orders.filter((o) => o.delayCause === 'knock-on')).toEqual([]);
    expect(result.variants.find((v) => v.name === 'baseline')!.lateOrders).toEqual(['order-3']);
  });

  it('judges a variant’s delays against the live plan: an extra line makes no order knocked on', () => {
    const plant = runPlant(demoOrders(T0));
    const snapshot = snapshotAt(plant, T0 + 16 * MIN);
    const result = whatIf(
      snapshot,
      orderFlowModel,
      variants({ name: 'two lines', changes: [{ change: 'units', station: 'line', add: 1 }] }),
      { forecasts: true },
    );
    const twoLines = result.variants.find((v) => v.name === 'two lines')!;

    expect(twoLines.forecast!.orders.filter((o) => o.delayCause === 'knock-on')).toEqual([]);
    expect(twoLines.verdict).toBe('better');
  });

  it('plans a variant’s orders as the live plant does, and only an order it lacks by its own plan', () => {
    const snapshot = backlog(30, T0);
    const result = whatIf(
      snapshot,
      congestedPlant(),
      variants([
        { name: 'two presses', changes: [{ change: 'units', station: 'press', add: 1 }] },
        {
          name: 'rush',
          changes: [{ change: 'rush-order', order: 'r1', dueAt: iso(T0 + 60 * MIN), priority: 9 }],
        },
      ]),
      { forecasts: true },
    );
    const planned = (name: string) =>
      new Map(
        result.variants
          .find((v) => v.name === name)!
          .forecast!.orders.map((o) => [o.orderId, o.plannedCompletedAt]),
      );
    const live = planned(BASELINE);
    // A second press would plan the backlog sooner: the variant is judged against the live plan all the same.
    expect(planned('two presses')).toEqual(live);
    const rush = planned('rush');
    expect(new Map([...rush].filter(([id]) => id !== 'r1'))).toEqual(live);
    expect(rush.get('r1')).toBeGreaterThan(T0);
  });

  it('lets an extra unit that leaves finish the order it holds: the plant ends sooner, not never', () => {
    const snapshot = backlog(30, T0);
    const result = whatIf(
      snapshot,
      congestedPlant(),
      variants({
        name: 'a second press for 2 h',
        changes: [{ change: 'units', station: 'press', add: 1, to: iso(T0 + 120 * MIN) }],
      }),
      { replications: 20, forecasts: true },
    );
    const live = result.variants.find((v) => v.name === BASELINE)!;
    const extra = result.variants.find((v) => v.name === 'a second press for 2 h')!;

    for (const kpis of [extra.atMeans, extra.kpis]) {
      expect(kpis.makespanMs).toBeLessThan(live.kpis.makespanMs);
      expect(kpis.makespanMs).toBeGreaterThan(live.kpis.makespanMs - 120 * MIN);
    }
    // Every order is done, and the press's second unit worked only in its 2 hours.
    expect(extra.forecast!.orders.every((o) => o.completedAt <= T0 + extra.atMeans.makespanMs)).toBe(true);
    expect(extra.verdict).toBe('better');
  });

  it('ranks one more unit at the bottleneck above one more unit anywhere else, on common random numbers', () => {
    const snapshot = backlog(40, T0);
    const extra = (station: string): Variant => ({
      name: `one more at ${station}`,
      changes: [{ change: 'units', station, add: 1 }],
    });
    const result = whatIf(snapshot, congestedPlant(), [extra('prep'), extra('pack'), extra('press')], {
      replications: 40,
      seed: 7,
    });
    const names = result.variants.map((v) => v.name);

    expect(names[0]).toBe('one more at press');
    expect(result.variants[0]!.verdict).toBe('better');
    expect(names.indexOf('one more at press')).toBeLessThan(names.indexOf('one more at prep'));
    expect(names.indexOf('one more at press')).toBeLessThan(names.indexOf('one more at pack'));
  });

  it('narrows the interval of a difference by pairing the replications (common random numbers)', () => {
    const snapshot = backlog(40, T0);
    const result = whatIf(
      snapshot,
      congestedPlant(),
      variants({
        name: 'faster press',
        changes: [{ change: 'duration', step: 'pressing', duration: { dist: 'exponential', mean: 8 } }],
      }),
      { replications: 40, seed: 3 },
    );
    const d = result.variants.find((v) => v.name === 'faster press')!.difference!.totalLatenessMs;
    const paired = d.ci![1] - d.ci![0];
    const unpaired = d.ciUnpaired![1] - d.ciUnpaired![0];
    console.log(
      `total lateness, faster press − baseline, 40 replications: paired 95 % CI width ${(paired / MIN).toFixed(1)} min, unpaired ${(unpaired / MIN).toFixed(1)} min (${(unpaired / paired).toFixed(1)}× wider)`,
    );

    expect(paired).toBeGreaterThan(0);
    expect(paired).toBeLessThan(unpaired);
  });

  it('marks a variant whose difference is inside the noise as such, never above the baseline', () => {
    const snapshot = backlog(40, T0);
    // Packing is rarely what holds an order up: taking it by priority helps some draws, hurts others.
    const result = whatIf(
      snapshot,
      congestedPlant(),
      variants({
        name: 'pack by priority',
        changes: [{ change: 'queue-rule', station: 'pack', rule: 'priority' }],
      }),
      { replications: 10, seed: 5 },
    );
    const v = result.variants.find((x) => x.name === 'pack by priority')!;
    const base = result.variants.find((x) => x.name === 'baseline')!;

    expect(v.verdict).toBe('within-noise');
    expect(v.rank).toBeGreaterThan(base.rank);
  });

  it('gives the same result for the same seed, and never changes the snapshot or the model', () => {
    const snapshot = backlog(20, T0);
    const model = congestedPlant();
    const before = JSON.stringify([snapshot, model]);
    const vs = variants([
      {
        name: 'rush',
        changes: [{ change: 'rush-order', order: 'r1', dueAt: iso(T0 + 60 * MIN), priority: 5 }],
      },
      { name: 'press rule', changes: [{ change: 'queue-rule', station: 'press', rule: 'due-date' }] },
      {
        name: 'press down',
        changes: [
          { change: 'units', station: 'press', add: -1, from: iso(T0 + 30 * MIN), to: iso(T0 + 90 * MIN) },
        ],
      },
    ]);
    const a = whatIf(snapshot, model, vs, { replications: 5, seed: 11 });
    const b = whatIf(snapshot, model, vs, { replications: 5, seed: 11 });

    expect(b).toEqual(a);
    expect(JSON.stringify([snapshot, model])).toBe(before);
    expect(a.variants.find((v) => v.name === 'press down')!.verdict).toBe('worse');
  });

  it('refuses a change naming an order, station, step, product or maintenance the plant does not have, by name', () => {
    const snapshot = backlog(5, T0);
    const model = congestedPlant();
    const run = (change: unknown) => () =>
      whatIf(snapshot, model, variants({ name: 'v', changes: [change] }));

    expect(run({ change: 'priority', order: 'nope', priority: 1 })).toThrow(
      new VariantError(
        'variant "v", change 1 (priority): order "nope" is not an active order of the snapshot',
      ),
    );
    expect(run({ change: 'units', station: 'oven', add: 1 })).toThrow(
      /station "oven" is not in model congested/,
    );
    expect(run({ change: 'duration', step: 'bake', duration: 3 })).toThrow(/step "bake" is not an operation/);
    expect(run({ change: 'rush-order', order: 'r', product: 'cake', dueAt: iso(T0) })).toThrow(
      /product "cake"/,
    );
    expect(run({ change: 'rush-order', order: 'p001', dueAt: iso(T0) })).toThrow(/order "p001" is already/);
    expect(run({ change: 'cancel-maintenance', maintenanceId: 'm9' })).toThrow(
      /maintenance "m9" is not planned/,
    );
    expect(run({ change: 'expedite', order: 'p001', eta: iso(T0) })).toThrow(/no material still to come/);
    expect(() =>
      parseVariants({ name: 'v', changes: [{ change: 'units', station: 'press', add: 0 }] }),
    ).toThrow('variants.changes[0].add: must not be 0');
    expect(() => parseVariants([{ name: 'baseline', changes: [] }])).toThrow(
      /"baseline" names the live plant/,
    );
  });

  it('moves and cancels planned maintenance', () => {
    const snapshot: Snapshot = {
      ...backlog(10, T0),
      maintenance: [{ maintenanceId: 'm1', station: 'press', from: T0 + 10 * MIN, to: T0 + 70 * MIN }],
    };
    const result = whatIf(
      snapshot,
      congestedPlant(),
      variants([
        { name: 'cancel', changes: [{ change: 'cancel-maintenance', maintenanceId: 'm1' }] },
        {
          name: 'move to the night',
          changes: [
            {
              change: 'maintenance',
              maintenanceId: 'm1',
              station: 'press',
              from: iso(T0 + 20 * 60 * MIN),
              to: iso(T0 + 21 * 60 * MIN),
            },
          ],
        },
      ]),
      { forecasts: true },
    );
    const outages = (name: string) =>
      result.variants.find((v) => v.name === name)!.forecast!.stations.find((s) => s.station === 'press')!
        .outages ?? [];

    expect(outages('baseline')).toEqual([{ from: T0 + 10 * MIN, to: T0 + 70 * MIN, kind: 'maintenance' }]);
    expect(outages('cancel')).toEqual([]);
    expect(result.variants.find((v) => v.name === 'cancel')!.verdict).toBe('better');
    expect(result.variants.find((v) => v.name === 'move to the night')!.verdict).toBe('better');
  });
});

describe("the baseline's draws taken from the Monte Carlo forecast", () => {
  const snapshot = backlog(30, T0);
  const model = congestedPlant();
  const proposals = variants([
    { name: 'one more press', changes: [{ change: 'units', station: 'press', add: 1 }] },
    { name: 'press by due date', changes: [{ change: 'queue-rule', station: 'press', rule: 'due-date' }] },
  ]);
  /** The baseline's draws of a Monte Carlo forecast of `replications` on `seed`. */
  const drawsOf = (replications: number, seed = 1, horizonMs?: number) => {
    let draws: BaselineDraws | undefined;
    forecastMonteCarlo(snapshot, model, {
      replications,
      seed,
      onDraws: (prepared, shares) => {
        draws = baselineDraws(prepared, shares, horizonMs);
      },
    });
    return draws!;
  };
  const withoutEvents = ({ events: _, ...rest }: WhatIfResult) => rest;

  it('gives the what-if of the same seed exactly, without drawing the baseline again', () => {
    const drawn = whatIf(snapshot, model, proposals, { replications: 20 });
    const taken = whatIf(snapshot, model, proposals, { replications: 20, baseline: drawsOf(20) });
    expect(withoutEvents(taken)).toEqual(withoutEvents(drawn));
    expect(taken.events).toBeLessThan(drawn.events);
    // More draws than the what-if needs: their first ones.
    expect(
      withoutEvents(whatIf(snapshot, model, proposals, { replications: 20, baseline: drawsOf(30) })),
    ).toEqual(withoutEvents(drawn));
  });

  it('draws the baseline again when the draws are on another seed or horizon, or too few', () => {
    const drawn = whatIf(snapshot, model, proposals, { replications: 20 });
    for (const baseline of [drawsOf(20, 2), drawsOf(20, 1, 3_600_000), drawsOf(10)]) {
      expect(whatIf(snapshot, model, proposals, { replications: 20, baseline })).toEqual(drawn);
    }
  });

  it('leaves the recommendations as they are', () => {
    const options = { replications: 20 };
    const drawn = recommend(snapshot, model, options);
    expect(drawn.recommendations.length).toBeGreaterThan(0);
    const taken = recommend(snapshot, model, { ...options, baseline: drawsOf(20) });
    expect(taken.recommendations).toEqual(drawn.recommendations);
    expect(taken.comparison.events).toBeLessThan(drawn.comparison.events);
  });
});

describe('recommendations', () => {
  it("recommends expediting order 2's material in the seed article's flow, in plain words", () => {
    const snapshot = snapshotAt(runPlant(demoOrders(T0)), T0 + 16 * MIN);
    const { recommendations, proposed } = recommend(snapshot, orderFlowModel);

    expect(proposed).toBeGreaterThan(1);
    // A second line gains as much and finishes sooner; expediting costs no machine.
    expect(recommendations.map((r) => r.text)).toEqual([
      'One more unit at line for the next 8 h: 1 fewer late order (at the means)',
      "Expedite order-2's material by 3 min 20 s: 1 fewer late order (at the means)",
    ]);
    expect(recommendations[1]!.variant.changes).toEqual([
      { change: 'expedite', order: 'order-2', eta: iso(T0 + 20 * MIN) },
    ]);
  });

  it('recommends one more unit at the bottleneck of a congested plant, with its interval, within a budget', () => {
    const snapshot = backlog(40, T0);
    const started = performance.now();
    const { recommendations, comparison } = recommend(snapshot, congestedPlant(), {
      replications: 30,
      budgetMs: 5_000,
      seed: 2,
    });
    const elapsed = performance.now() - started;
    console.log(
      `recommend, 40 orders: ${comparison.variants.length - 1} shortlisted, ${comparison.replications} replications, ${elapsed.toFixed(0)} ms`,
    );

    const texts = recommendations.map((r) => r.text);
    expect(texts.some((t) => /^One more unit at press for the next 8 h: .*95 % CI \[/.test(t))).toBe(true);
    expect(comparison.replications).toBeGreaterThanOrEqual(2);
    for (const r of recommendations) expect(r.result.verdict).toBe('better');
  });

  it('stops within its wall time between the runs of small variants, none of which looks at the clock itself', () => {
    const snapshot = snapshotAt(runPlant(demoOrders(T0)), T0 + 16 * MIN);
    let now = 0;
    // Each look at the clock finds 200 ms more gone: the 4th (before the 3rd variant) is past the 0.5 s.
    const limits = { maxWallMs: 500, clock: () => (now += 200) };

    const run = () => recommend(snapshot, orderFlowModel, { limits });

    expect(run).toThrow(SimulationLimitError);
    expect(now).toBe(800);
  });

  it('recommends nothing when nothing is late and no rule does better', () => {
    const snapshot: Snapshot = {
      asOf: T0,
      orders: [{ orderId: 'a', acceptedAt: T0, dueAt: T0 + 600 * MIN }],
    };
    expect(recommend(snapshot, orderFlowModel).recommendations).toEqual([]);
  });
});

describe('a faster operation', () => {
  it('speeds up the operation in progress too, and calls no operation an overrun that the live forecast does not', () => {
    const snapshot = snapshotAt(runPlant(demoOrders(T0)), T0 + 31 * MIN);
    const result = whatIf(
      snapshot,
      orderFlowModel,
      variants({
        name: 'faster line',
        changes: [{ change: 'duration', step: 'production', duration: 5 * MIN }],
      }),
      { forecasts: true, replications: 3 },
    );
    const variant = result.variants.find((v) => v.name === 'faster line')!;
    const faster = Object.fromEntries(variant.forecast!.orders.map((o) => [o.orderId, o]));

    // Order 2 has been on the line 7 min 40 s, more than 5 min: done now. Order 3 follows at once,
    // order 4 when its material comes at 40:00, 5 min each.
    expect(faster['order-2']!.completedAt).toBe(T0 + 31 * MIN);
    expect(faster['order-3']!.completedAt).toBe(T0 + 36 * MIN);
    expect(faster['order-4']!.completedAt).toBe(T0 + 45 * MIN);
    expect(Object.values(faster).filter((o) => o.delayCause === 'overrun')).toEqual([]);
    // The replications agree with the forecast at the means (the demo plant's times are fixed).
    expect(variant.kpis).toEqual(variant.atMeans);
  });
});

describe('when to maintain the press', () => {
  it('adds a maintenance window in each variant and ranks the one outside the busy hours first', () => {
    const snapshot = backlog(12, T0);
    const window = (name: string, from: number) => ({
      name,
      changes: [
        {
          change: 'maintenance',
          maintenanceId: 'press-service',
          station: 'press',
          from: iso(from),
          to: iso(from + 60 * MIN),
        },
      ],
    });
    const result = whatIf(
      snapshot,
      congestedPlant(),
      variants([
        window('now', T0),
        window('after lunch', T0 + 5 * 60 * MIN),
        window('tonight', T0 + 12 * 60 * MIN),
      ]),
      { forecasts: true },
    );
    const names = result.variants.map((v) => v.name);

    // Every order is through the press before the evening: maintaining it then costs nothing.
    expect(result.variants.find((v) => v.name === 'tonight')!.verdict).toBe('same');
    expect(result.variants.find((v) => v.name === 'now')!.verdict).toBe('worse');
    expect(names.indexOf('tonight')).toBeLessThan(names.indexOf('now'));
    expect(
      result.variants.find((v) => v.name === 'now')!.forecast!.stations.find((s) => s.station === 'press')!
        .outages,
    ).toEqual([{ from: T0, to: T0 + 60 * MIN, kind: 'maintenance' }]);
  });
});

describe('what-if windows of units', () => {
  it('takes a unit away from a time on, shown to the end of the forecast, and adds one for some hours only', () => {
    const snapshot = backlog(12, T0);
    const result = whatIf(
      snapshot,
      congestedPlant(),
      variants([
        {
          name: 'press gone at 9',
          changes: [{ change: 'units', station: 'press', add: -1, from: iso(T0 + 60 * MIN) }],
        },
        {
          name: 'second press 9 to 10',
          changes: [
            { change: 'units', station: 'press', add: 1, from: iso(T0 + 60 * MIN), to: iso(T0 + 120 * MIN) },
          ],
        },
      ]),
      { forecasts: true },
    );
    const press = (name: string) => {
      const v = result.variants.find((x) => x.name === name)!;
      return { v, station: v.forecast!.stations.find((s) => s.station === 'press')! };
    };
    const gone = press('press gone at 9');
    const end = gone.v.forecast!.asOf + gone.v.atMeans.makespanMs;
    expect(gone.station.outages).toEqual([{ unit: 1, from: T0 + 60 * MIN, to: end, kind: 'maintenance' }]);
    // Every order waits for the press: none completes while it is gone for good.
    expect(gone.v.verdict).toBe('worse');

    const second = press('second press 9 to 10');
    expect(second.station.capacity).toBe(2);
    // Out before 9; after 10 too, but every order is done by then: nothing beyond the horizon is shown.
    expect(second.v.forecast!.asOf + second.v.atMeans.makespanMs).toBeLessThan(T0 + 120 * MIN);
    expect(second.station.outages).toEqual([{ unit: 2, from: T0, to: T0 + 60 * MIN, kind: 'maintenance' }]);
    expect(second.v.verdict).toBe('better');
  });
});

describe('the replications and the forecast at the means', () => {
  it('agree for every kind of change on a plant whose times are fixed', () => {
    const snapshot = snapshotAt(runPlant(demoOrders(T0)), T0 + 16 * MIN);
    const result = whatIf(
      snapshot,
      orderFlowModel,
      variants([
        { name: 'expedite', changes: [{ change: 'expedite', order: 'order-2', eta: iso(T0 + 20 * MIN) }] },
        { name: 'priority', changes: [{ change: 'priority', order: 'order-3', priority: 5 }] },
        { name: 'due', changes: [{ change: 'due-date', order: 'order-3', dueAt: iso(T0 + 50 * MIN) }] },
        { name: 'rush', changes: [{ change: 'rush-order', order: 'r', dueAt: iso(T0 + 40 * MIN) }] },
        { name: 'units', changes: [{ change: 'units', station: 'line', add: 1, to: iso(T0 + 30 * MIN) }] },
        {
          name: 'down',
          changes: [
            { change: 'units', station: 'line', add: -1, from: iso(T0 + 25 * MIN), to: iso(T0 + 35 * MIN) },
          ],
        },
        { name: 'rule', changes: [{ change: 'queue-rule', station: 'line', rule: 'due-date' }] },
        { name: 'duration', changes: [{ change: 'duration', step: 'production', duration: 8 * MIN }] },
        { name: 'hold', changes: [{ change: 'hold', order: 'order-3', until: iso(T0 + 45 * MIN) }] },
        {
          name: 'maintenance',
          changes: [
            {
              change: 'maintenance',
              maintenanceId: 'm',
              station: 'line',
              from: iso(T0 + 20 * MIN),
              to: iso(T0 + 30 * MIN),
            },
          ],
        },
      ]),
      { replications: 3 },
    );

    for (const v of result.variants) expect(v.kpis, v.name).toEqual(v.atMeans);
  });
});
