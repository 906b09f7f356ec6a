import { Logger } from '@aws-lambda-powertools/logger';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { summariseAccuracy } from '../../contracts/accuracyRecord.ts';
import { type DriftAlert, InMemoryAlertSink } from '../../contracts/alerts.ts';
import type { ForecastRecord } from '../../contracts/forecastRecord.ts';
import { InMemoryAccuracyStore } from '../../forecast/AccuracyStore.ts';
import { type ForecastHistory, InMemoryForecastHistory } from '../../forecast/ForecastHistory.ts';
import { observeBatch } from '../../forecast/observer.ts';
import { stepAttribute } from '../../state/stepAttributes.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const logger = new Logger({ serviceName: 'observer', logLevel: 'SILENT' });

const routing = [
  { step: 'material', kind: 'material' as const },
  { step: 'press', kind: 'operation' as const, station: 'press' },
  { step: 'pack', kind: 'operation' as const, station: 'bench' },
];

/** A forecast at `asOf` that says every order's press ends at `pressEnd` and pack at `packEnd`. */
function forecast(asOf: number, orders: string[], pressEnd: number, packEnd: number): ForecastRecord {
  return {
    asOf,
    generatedAt: asOf,
    stateVersion: { latestEventAt: asOf, activeOrders: orders.length },
    model: {
      name: 'm',
      hash: 'h',
      parameters: {},
      timeUnit: 'ms',
      stations: [],
      products: [{ id: 'p', routing }],
      defaultProduct: 'p',
    },
    orders: orders.map((orderId) => ({
      orderId,
      completedAt: packEnd,
      late: false,
      steps: [
        { step: 'press', kind: 'operation', start: asOf, end: pressEnd, actual: false },
        { step: 'pack', kind: 'operation', start: pressEnd, end: packEnd, actual: false },
      ],
    })),
  } as unknown as ForecastRecord;
}

const image = (item: Record<string, unknown>) => marshall(item, { removeUndefinedValues: true }) as never;
function finished(orderId: string, step: string, at: number): DynamoDBRecord {
  const before = { orderId, [stepAttribute(step, 'startedAt')]: at - 5 * MIN };
  return {
    eventName: 'MODIFY',
    dynamodb: {
      OldImage: image(before),
      NewImage: image({ ...before, [stepAttribute(step, 'finishedAt')]: at }),
    },
  };
}

/** Counts the lookups of history. */
function counted(history: ForecastHistory) {
  const calls = { inEffectAt: 0 };
  return {
    calls,
    history: {
      inEffectAt: (t: number) => {
        calls.inEffectAt++;
        return history.inEffectAt(t);
      },
      latestVersion: () => history.latestVersion(),
    } satisfies ForecastHistory,
  };
}

describe('the observer', () => {
  it("compares each step's end and each completion with the forecast in effect, one lookup per forecast needed", async () => {
    const orders = Array.from({ length: 20 }, (_, i) => `o-${i}`);
    // Forecasts every minute: all say press ends at 30 and pack at 40; it really was 32 and 41.
    const records = Array.from({ length: 40 }, (_, m) =>
      forecast(T0 + m * MIN, orders, T0 + 30 * MIN, T0 + 40 * MIN),
    );
    const { history, calls } = counted(new InMemoryForecastHistory(records));
    const accuracy = new InMemoryAccuracyStore();
    const batch = [
      ...orders.map((o) => finished(o, 'press', T0 + 32 * MIN)),
      ...orders.map((o) => finished(o, 'pack', T0 + 41 * MIN)),
    ];

    const observed = await observeBatch(
      { history, accuracy, logger, horizonsMs: [5 * MIN, 15 * MIN] },
      batch,
    );

    // 40 steps × 2 horizons compared, 20 completions × 2 horizons; 4 distinct times, 4 lookups.
    expect(observed.comparisons.steps).toHaveLength(80);
    expect(observed.comparisons.completions).toHaveLength(40);
    expect(calls.inEffectAt).toBe(4);
    const [five, fifteen] = summariseAccuracy((await accuracy.read())!.record).horizons;
    // Press 2 min late, pack 1 min late: bias −1.5 min; MAPE: 2/5 and 1/5 five minutes ahead.
    expect(five!.steps).toMatchObject({ comparisons: 40, biasMs: -1.5 * MIN, meanAbsErrorMs: 1.5 * MIN });
    expect(five!.steps.mape).toBeCloseTo((0.4 + 0.2) / 2);
    expect(fifteen!.steps.mape).toBeCloseTo((2 / 15 + 1 / 15) / 2);
    expect(five!.completions).toMatchObject({ comparisons: 20, biasMs: -MIN });
  });

  it('reuses a forecast for every time it is in effect, and compares nothing before the first', async () => {
    // Two forecasts, at 0 and 20: ends at 10..19 (5 ahead: 5..14) all fall to the first.
    const ids = Array.from({ length: 10 }, (_, i) => `a-${i}`);
    const records = [forecast(T0, ids, T0 + 12 * MIN, T0 + 30 * MIN), forecast(T0 + 20 * MIN, ids, 0, 0)];
    const { history, calls } = counted(new InMemoryForecastHistory(records));
    const batch = ids.map((id, i) => finished(id, 'press', T0 + (10 + i) * MIN));
    batch.push(finished('b', 'press', T0 + 2 * MIN));
    const observed = await observeBatch(
      { history, accuracy: new InMemoryAccuracyStore(), logger, horizonsMs: [5 * MIN] },
      batch,
    );
    expect(observed.comparisons.steps.map((c) => c.forecastAsOf)).toEqual(Array(10).fill(T0));
    // The latest time (19 − 5 = 14) finds the forecast of 0, which answers 5..14 too; 2 − 5 < 0 asks again.
    expect(calls.inEffectAt).toBe(2);
  });

  it('asks once for every time before the first forecast', async () => {
    // The twin's first forecast is at 60; steps end at 20..39, so every horizon reaches back before it.
    const ids = Array.from({ length: 20 }, (_, i) => `a-${i}`);
    const { history, calls } = counted(
      new InMemoryForecastHistory([forecast(T0 + 60 * MIN, ids, T0 + 70 * MIN, T0 + 80 * MIN)]),
    );
    const batch = ids.map((id, i) => finished(id, 'press', T0 + (20 + i) * MIN));
    const observed = await observeBatch(
      { history, accuracy: new InMemoryAccuracyStore(), logger, horizonsMs: [5 * MIN, 15 * MIN] },
      batch,
    );
    expect(observed.comparisons.steps).toEqual([]);
    // The latest time (39 − 5 = 34) has none in effect, so no earlier time has one:
    // 30 distinct times, 1 lookup.
    expect(calls.inEffectAt).toBe(1);
  });

  it('writes nothing when a batch has nothing new', async () => {
    const accuracy = new InMemoryAccuracyStore();
    const observed = await observeBatch({ history: new InMemoryForecastHistory([]), accuracy, logger }, [
      finished('a', 'press', T0),
    ]);
    expect(observed.record).toBeUndefined();
    expect(await accuracy.read()).toBeUndefined();
  });

  it('raises one drift alert within a bounded number of finished orders after the plant slows down halfway', async () => {
    // One order at a time on the press; the model believes 10 minutes. The first 50 take 10, then 13.
    const took = (k: number) => (k < 50 ? 10 : 13) * MIN;
    const starts = [T0];
    for (let k = 1; k <= 100; k++) starts.push(starts[k - 1]! + took(k - 1));
    const records: ForecastRecord[] = [];
    for (let k = 0; k < 100; k++) {
      for (let t = starts[k]!; t < starts[k + 1]!; t += MIN) {
        // In production since starts[k]: it ends 10 minutes after its start, or now once overdue.
        const end = Math.max(t, starts[k]! + 10 * MIN);
        records.push(forecast(t, [`o-${k}`], end, end));
      }
    }
    const history = new InMemoryForecastHistory(records);
    const accuracy = new InMemoryAccuracyStore();
    const sink = new InMemoryAlertSink();
    const drifted: number[] = [];
    for (let k = 0; k < 100; k++) {
      const { alerts } = await observeBatch(
        { history, accuracy, logger, horizonsMs: [5 * MIN], alerts: sink },
        [finished(`o-${k}`, 'pack', starts[k + 1]!)],
      );
      if (alerts.length > 0) drifted.push(k);
    }
    const alerts = sink.alerts as DriftAlert[];
    expect(alerts.map((a) => [a.measure, a.horizonMs])).toEqual([['mape', 5 * MIN]]);
    // 3 of the 5 remaining minutes missed (60 %): over 8 % in a window of 50 after 7 slow orders.
    expect(drifted).toEqual([56]);
    console.log(
      `plant 30 % slower from order 50 on: drift alert at order ${drifted[0]}, rolling MAPE ${(alerts[0]!.value * 100).toFixed(1)} % over ${alerts[0]!.samples} steps`,
    );
  });
});
