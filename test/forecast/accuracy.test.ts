// Comparing past forecasts with what happened: which forecast counts at each horizon, the errors,
// the late calls and the Monte Carlo spread, on hand-worked histories.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ActualOrder,
  actualOrders,
  compareForecasts,
  compareStepEnds,
  type ForecastOfOrder,
  forecastAccuracy,
  forecastsNeeded,
  type PastForecast,
  pastForecast,
  summariseSteps,
} from '../../forecast/accuracy.ts';

const T0 = Date.UTC(2026, 10, 27, 8, 0, 0);
const MIN = 60_000;
const at = (minutes: number) => T0 + minutes * MIN;

const said = (endMin: number, late = false, extra: Partial<ForecastOfOrder> = {}): ForecastOfOrder => ({
  completedAt: at(endMin),
  late,
  ...extra,
});
const forecastAt = (asOfMin: number, orders: Record<string, ForecastOfOrder>): PastForecast => ({
  asOf: at(asOfMin),
  orders: new Map(Object.entries(orders)),
});

// A is on time (due 40, ends 35); B is late (due 45, ends 47); C has no due date (ends 57), and is
// accepted after the first forecast.
const history = [
  forecastAt(0, { A: said(30), B: said(50, true) }),
  forecastAt(20, { A: said(34), B: said(48, true), C: said(60) }),
  forecastAt(40, { B: said(47, true), C: said(58) }),
];
const finished: ActualOrder[] = [
  { orderId: 'A', completedAt: at(35), stepEnds: {}, dueAt: at(40) },
  { orderId: 'B', completedAt: at(47), stepEnds: {}, dueAt: at(45) },
  { orderId: 'C', completedAt: at(57), stepEnds: {} },
];

describe('forecastAccuracy', () => {
  it('compares each finished order with the latest forecast made a horizon before it finished', () => {
    const [quarter, half] = forecastAccuracy(history, finished, [15 * MIN, 30 * MIN]);

    // 15 min ahead: A from the forecast at 20 (34 for 35), B at 20 (48 for 47), C at 40 (58 for 57).
    expect(quarter).toEqual({
      horizonMs: 15 * MIN,
      orders: 3,
      biasMs: MIN / 3,
      meanAbsErrorMs: MIN,
      p90AbsErrorMs: MIN,
      maxAbsErrorMs: MIN,
      late: { orders: 2, predicted: 1, actual: 1, both: 1 },
    });
    // 30 min ahead: A and B from the forecast at 0 (30 for 35, 50 for 47), C at 20 (60 for 57).
    expect(half).toEqual({
      horizonMs: 30 * MIN,
      orders: 3,
      biasMs: MIN / 3,
      meanAbsErrorMs: (11 * MIN) / 3,
      p90AbsErrorMs: 5 * MIN,
      maxAbsErrorMs: 5 * MIN,
      late: { orders: 2, predicted: 1, actual: 1, both: 1 },
    });
  });

  it('gives as P90 the error that 9 in 10 orders were within, below the largest', () => {
    // Eleven orders, forecast 1 to 11 minutes early: 10 of them (91 %) within 10 minutes.
    const ids = Array.from({ length: 11 }, (_, i) => i + 1);
    const forecasts = [forecastAt(0, Object.fromEntries(ids.map((i) => [`o${i}`, said(100 - i)])))];
    const ended = ids.map((i) => ({ orderId: `o${i}`, completedAt: at(100), stepEnds: {} }));

    const [row] = forecastAccuracy(forecasts, ended, [30 * MIN]);

    expect(row).toMatchObject({
      orders: 11,
      biasMs: -6 * MIN,
      p90AbsErrorMs: 10 * MIN,
      maxAbsErrorMs: 11 * MIN,
    });
  });

  it('leaves out an order that no forecast made by then included', () => {
    // 45 min ahead: A (at -10) and C (at 12, in the forecast at 0 it was not yet accepted) have none.
    const [row] = forecastAccuracy(history, finished, [45 * MIN]);

    expect(row!.orders).toBe(1);
    expect(row!.biasMs).toBe(3 * MIN);
  });

  it('reports no errors, not zeros, when no order had a forecast that far ahead', () => {
    const [row] = forecastAccuracy(history, finished, [2 * 60 * MIN]);

    expect(row).toEqual({
      horizonMs: 2 * 60 * MIN,
      orders: 0,
      late: { orders: 0, predicted: 0, actual: 0, both: 0 },
    });
  });

  it('counts a forecast made exactly a horizon before the end as in effect', () => {
    const [row] = forecastAccuracy([forecastAt(20, { A: said(36) })], [finished[0]!], [15 * MIN]);

    expect(row!.biasMs).toBe(MIN);
  });

  it('calls a late order seen coming, a false alarm and a late order missed apart', () => {
    const forecasts = [forecastAt(0, { hit: said(50, true), alarm: said(50, true), missed: said(40) })];
    const ended = [
      { orderId: 'hit', completedAt: at(50), stepEnds: {}, dueAt: at(45) },
      { orderId: 'alarm', completedAt: at(44), stepEnds: {}, dueAt: at(45) },
      { orderId: 'missed', completedAt: at(48), stepEnds: {}, dueAt: at(45) },
    ];

    const [row] = forecastAccuracy(forecasts, ended, [30 * MIN]);

    expect(row!.late).toEqual({ orders: 3, predicted: 2, actual: 2, both: 1 });
  });

  it('checks a Monte Carlo forecast’s spread and chances against what happened', () => {
    const forecasts = [
      forecastAt(0, {
        A: said(30, false, {
          completedAtP10: at(28),
          completedAtP50: at(30),
          completedAtP90: at(36),
          onTimeProbability: 0.9,
        }),
        B: said(50, true, {
          completedAtP10: at(44),
          completedAtP50: at(49),
          completedAtP90: at(55),
          onTimeProbability: 0.3,
        }),
        C: said(60, false, { completedAtP10: at(58), completedAtP50: at(60), completedAtP90: at(62) }),
      }),
    ];

    const [row] = forecastAccuracy(forecasts, finished, [10 * MIN]);

    // A ends at 35: inside 28–36, after its P50; B at 47: inside 44–55, before its P50; C at 57:
    // before its P10. Of A and B (due), one was on time, where the chances add up to 1.2.
    expect(row!.spread).toEqual({
      orders: 3,
      withinP10P90: 2,
      belowP50: 2,
      onTime: { orders: 2, expected: expect.closeTo(1.2, 10), actual: 1 },
    });
  });

  it('gives no spread for deterministic forecasts', () => {
    expect(forecastAccuracy(history, finished, [15 * MIN])[0]!.spread).toBeUndefined();
  });
});

describe('compareForecasts', () => {
  it('lists each order beside the forecast it was compared with, the data behind the summary', () => {
    const comparisons = compareForecasts(history, finished, [30 * MIN]);

    expect(comparisons).toEqual([
      {
        orderId: 'A',
        horizonMs: 30 * MIN,
        forecastAsOf: at(0),
        forecastEndAt: at(30),
        actualEndAt: at(35),
        errorMs: -5 * MIN,
        dueAt: at(40),
        calledLate: false,
        wasLate: false,
      },
      {
        orderId: 'B',
        horizonMs: 30 * MIN,
        forecastAsOf: at(0),
        forecastEndAt: at(50),
        actualEndAt: at(47),
        errorMs: 3 * MIN,
        dueAt: at(45),
        calledLate: true,
        wasLate: true,
      },
      {
        orderId: 'C',
        horizonMs: 30 * MIN,
        forecastAsOf: at(20),
        forecastEndAt: at(60),
        actualEndAt: at(57),
        errorMs: 3 * MIN,
        calledLate: false,
        wasLate: false,
      },
    ]);
  });
});

describe('forecastsNeeded', () => {
  it('picks, per order and horizon, the latest forecast made by then, each once', () => {
    const asOfs = history.map((f) => f.asOf);

    expect(forecastsNeeded(asOfs, finished, [15 * MIN])).toEqual([1, 2]);
    expect(forecastsNeeded(asOfs, finished, [15 * MIN, 30 * MIN, 60 * MIN])).toEqual([0, 1, 2]);
    expect(forecastsNeeded(asOfs, finished, [60 * MIN])).toEqual([]);
  });

  it('needs only forecasts that give the same comparison as the whole history', () => {
    const arbitraryHistory = fc
      .uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 30 })
      .chain((asOfs) =>
        fc.tuple(
          fc.constant(asOfs.sort((a, b) => a - b)),
          fc.array(
            fc.array(
              fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 400 }), fc.boolean()),
            ),
            {
              minLength: asOfs.length,
              maxLength: asOfs.length,
            },
          ),
          fc.array(
            fc.tuple(
              fc.integer({ min: 0, max: 5 }),
              fc.integer({ min: 0, max: 400 }),
              fc.option(fc.integer({ min: 0, max: 400 })),
            ),
            { maxLength: 6 },
          ),
          fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 4 }),
        ),
      );
    fc.assert(
      fc.property(arbitraryHistory, ([asOfs, contents, ends, horizons]) => {
        const forecasts = asOfs.map((asOf, i) =>
          forecastAt(
            asOf,
            Object.fromEntries(contents[i]!.map(([o, end, late]) => [`o${o}`, said(end, late)])),
          ),
        );
        const seen = new Set<string>();
        const done: ActualOrder[] = ends
          .filter(([o]) => !seen.has(`o${o}`) && seen.add(`o${o}`))
          .map(([o, end, due]) => ({
            orderId: `o${o}`,
            completedAt: at(end),
            stepEnds: {},
            ...(due !== null && { dueAt: at(due) }),
          }));
        const horizonsMs = horizons.map((h) => h * MIN);

        const needed = forecastsNeeded(
          forecasts.map((f) => f.asOf),
          done,
          horizonsMs,
        ).map((i) => forecasts[i]!);

        expect(forecastAccuracy(needed, done, horizonsMs)).toEqual(
          forecastAccuracy(forecasts, done, horizonsMs),
        );
      }),
    );
  });
});

describe('pastForecast', () => {
  it('keeps of a stored forecast only what the comparison reads, by order', () => {
    const kept = pastForecast({
      asOf: at(0),
      orders: [
        {
          orderId: 'A',
          ...said(30, true),
          completedAtP10: at(28),
          completedAtP50: at(30),
          completedAtP90: at(33),
          onTimeProbability: 0.25,
        },
        { orderId: 'B', ...said(40), steps: [] } as ForecastOfOrder & { orderId: string },
      ],
    });

    expect(kept.asOf).toBe(at(0));
    expect(Object.fromEntries(kept.orders)).toEqual({
      A: said(30, true, {
        completedAtP10: at(28),
        completedAtP50: at(30),
        completedAtP90: at(33),
        onTimeProbability: 0.25,
      }),
      B: said(40),
    });
  });
});

// A model's routings as a forecast summarises them: a frame waits for material, then is cut and
// welded; a kit is welded first, and waits for its material last.
const shop = {
  products: [
    {
      id: 'frame',
      routing: [
        { step: 'material', kind: 'material' as const },
        { step: 'cut', kind: 'operation' as const, station: 'saw' },
        { step: 'weld', kind: 'operation' as const, station: 'welder' },
      ],
    },
    {
      id: 'kit',
      routing: [
        { step: 'weld', kind: 'operation' as const, station: 'welder' },
        { step: 'material', kind: 'material' as const },
      ],
    },
  ],
  defaultProduct: 'frame',
};

describe('actualOrders', () => {
  it("finishes an order at its product's last step, with the end of every step it has ended", () => {
    const orders = actualOrders(
      [
        {
          orderId: 'done',
          finishedAt: at(30),
          product: 'frame',
          materialArrivedAt: at(10),
          steps: {
            cut: { startedAt: at(10), finishedAt: at(14) },
            weld: { startedAt: at(14), finishedAt: at(30) },
          },
          dueAt: at(40),
        },
        // Cut, not yet welded: its steps count, its completion does not.
        {
          orderId: 'cut',
          finishedAt: at(20),
          materialArrivedAt: at(12),
          steps: { cut: { finishedAt: at(20) }, weld: { startedAt: at(21) } },
        },
        // A kit is done when its material arrives, after its weld.
        {
          orderId: 'kit',
          finishedAt: at(25),
          product: 'kit',
          materialArrivedAt: at(33),
          steps: { weld: { finishedAt: at(25) } },
        },
        // A product the model lacks is the default's; a step it lacks is not compared.
        {
          orderId: 'odd',
          finishedAt: at(50),
          product: 'chair',
          materialArrivedAt: at(5),
          steps: { weld: { finishedAt: at(50) }, sand: { finishedAt: at(49) } },
        },
      ],
      shop,
    );

    expect(orders).toEqual([
      {
        orderId: 'done',
        dueAt: at(40),
        completedAt: at(30),
        stepEnds: { material: at(10), cut: at(14), weld: at(30) },
      },
      { orderId: 'cut', stepEnds: { material: at(12), cut: at(20) } },
      { orderId: 'kit', completedAt: at(33), stepEnds: { weld: at(25), material: at(33) } },
      { orderId: 'odd', completedAt: at(50), stepEnds: { material: at(5), weld: at(50) } },
    ]);
  });
});

describe('compareStepEnds', () => {
  // Forecasts of one frame: at 0 it said cut ends at 16 and weld at 30; at 12, 15 and 32.
  const spans = (cut: number, weld: number) => ({ material: at(10), cut: at(cut), weld: at(weld) });
  const said = (asOf: number, ends: Record<string, number>) => ({
    asOf: at(asOf),
    orders: new Map([['F', { completedAt: ends.weld!, late: false, stepEnds: ends }]]),
  });
  const forecasts = [said(0, spans(16, 30)), said(12, spans(15, 32))];
  const frame: ActualOrder = {
    orderId: 'F',
    completedAt: at(34),
    stepEnds: { material: at(10), cut: at(14), weld: at(34) },
  };

  it('compares each step’s end with the forecast in effect a horizon before that step ended', () => {
    const comparisons = compareStepEnds(forecasts, [frame], [2 * MIN, 20 * MIN]);

    // 2 min ahead: material (at 10) from the forecast at 0, cut (14) and weld (34) from the one at 12.
    // 20 min ahead: only weld (34) had a forecast by 14: the one at 12.
    expect(comparisons).toEqual([
      step('F', 'material', 2, 0, 10, 10),
      step('F', 'cut', 2, 12, 15, 14),
      step('F', 'weld', 2, 12, 32, 34),
      step('F', 'weld', 20, 12, 32, 34),
    ]);
  });

  it('sums up per step, in the order of the routings, with the horizons of each step together', () => {
    const comparisons = [
      ...compareStepEnds(forecasts, [frame], [2 * MIN, 20 * MIN]),
      step('G', 'cut', 2, 0, 20, 17),
      step('G', 'paint', 2, 0, 50, 50),
    ];

    const rows = summariseSteps(comparisons, [2 * MIN, 20 * MIN], ['material', 'cut', 'weld']);

    expect(rows.map((r) => [r.step, r.horizonMs / MIN, r.orders, r.biasMs])).toEqual([
      ['material', 2, 1, 0],
      ['material', 20, 0, undefined],
      // F's cut ended a minute early, G's three minutes: both forecast late.
      ['cut', 2, 2, 2 * MIN],
      ['cut', 20, 0, undefined],
      ['weld', 2, 1, -2 * MIN],
      ['weld', 20, 1, -2 * MIN],
      // A step of no routing comes last.
      ['paint', 2, 1, 0],
      ['paint', 20, 0, undefined],
    ]);
    expect(rows[2]).toMatchObject({
      meanAbsErrorMs: 2 * MIN,
      p90AbsErrorMs: 3 * MIN,
      maxAbsErrorMs: 3 * MIN,
    });
  });

  it('needs only forecasts that give the same step comparisons as the whole history', () => {
    const arbitrary = fc.tuple(
      fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 20 }),
      fc.array(fc.record({ cut: fc.integer({ min: 0, max: 400 }), weld: fc.integer({ min: 0, max: 400 }) }), {
        maxLength: 5,
      }),
      fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 4 }),
    );
    fc.assert(
      fc.property(arbitrary, ([asOfs, ends, horizons]) => {
        const history = [...asOfs]
          .sort((a, b) => a - b)
          .map((asOf, i) => ({
            asOf: at(asOf),
            orders: new Map(
              ends.map((_, o) => [
                `o${o}`,
                {
                  completedAt: at(asOf + i),
                  late: false,
                  stepEnds: { cut: at(asOf + o), weld: at(asOf + 2 * o + i) },
                },
              ]),
            ),
          }));
        const actual = ends.map((e, o) => ({
          orderId: `o${o}`,
          stepEnds: { cut: at(e.cut), weld: at(e.weld) },
        }));
        const horizonsMs = horizons.map((h) => h * MIN);

        const needed = forecastsNeeded(
          history.map((f) => f.asOf),
          actual,
          horizonsMs,
        ).map((i) => history[i]!);

        expect(compareStepEnds(needed, actual, horizonsMs)).toEqual(
          compareStepEnds(history, actual, horizonsMs),
        );
      }),
    );
  });
});

function step(
  orderId: string,
  name: string,
  horizonMin: number,
  asOf: number,
  forecastEnd: number,
  end: number,
) {
  return {
    orderId,
    step: name,
    horizonMs: horizonMin * MIN,
    forecastAsOf: at(asOf),
    forecastEndAt: at(forecastEnd),
    actualEndAt: at(end),
    errorMs: (forecastEnd - end) * MIN,
  };
}

describe('pastForecast, step ends', () => {
  it('keeps the end of each routing step a forecast gives, the later part of a split one, no queue', () => {
    const kept = pastForecast({
      asOf: at(12),
      orders: [
        {
          orderId: 'F',
          completedAt: at(30),
          late: false,
          steps: [
            { step: 'material', kind: 'material', start: at(0), end: at(10), actual: true },
            { step: 'cut', station: 'saw', kind: 'operation', start: at(10), end: at(12), actual: true },
            { step: 'cut', station: 'saw', kind: 'operation', start: at(12), end: at(14), actual: false },
            { step: 'weld', station: 'welder', kind: 'queue', start: at(14), end: at(21), actual: false },
            { step: 'weld', station: 'welder', kind: 'operation', start: at(21), end: at(30), actual: false },
          ],
        },
      ],
    });

    expect(kept.orders.get('F')!.stepEnds).toEqual({ material: at(10), cut: at(14), weld: at(30) });
  });
});
