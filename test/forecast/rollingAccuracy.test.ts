import { describe, expect, it } from 'vitest';
import {
  ACCURACY_BUCKET_MS,
  type AccuracyRecord,
  emptyAccuracyRecord,
  summariseAccuracy,
} from '../../contracts/accuracyRecord.ts';
import { InMemoryAccuracyStore } from '../../forecast/AccuracyStore.ts';
import type { Comparison, StepComparison } from '../../forecast/accuracy.ts';
import { addComparisons, addLatency, detectDrift, remainingApe } from '../../forecast/rollingAccuracy.ts';
import { accuracyStoreContract } from '../support/accuracyStoreContract.ts';

const MIN = 60_000;
const HOUR = ACCURACY_BUCKET_MS;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

/** A step that really took `remaining` from the forecast's asOf, forecast `errorMs` off. */
function step(end: number, horizonMs: number, errorMs: number, remaining = horizonMs): StepComparison {
  return {
    orderId: `o-${end}`,
    step: 'press',
    horizonMs,
    forecastAsOf: end - remaining,
    forecastEndAt: end + errorMs,
    actualEndAt: end,
    errorMs,
  };
}

function completion(end: number, horizonMs: number, errorMs: number, p10?: number, p90?: number): Comparison {
  return {
    ...step(end, horizonMs, errorMs),
    calledLate: false,
    wasLate: false,
    ...(p10 !== undefined && { p10, p50: end + errorMs, p90: p90! }),
  };
}

describe('the rolling accuracy record', () => {
  it('adds comparisons to the hour of their end: bias, mean absolute error, MAPE of the remaining time, coverage', () => {
    const record = addComparisons(emptyAccuracyRecord([10 * MIN]), {
      steps: [step(T0 + MIN, 10 * MIN, -2 * MIN), step(T0 + 2 * MIN, 10 * MIN, 1 * MIN, 20 * MIN)],
      completions: [
        completion(T0 + MIN, 10 * MIN, -2 * MIN, T0, T0 + 2 * MIN),
        completion(T0 + HOUR, 10 * MIN, 0, T0 + HOUR + MIN, T0 + HOUR + 2 * MIN),
      ],
    });
    expect(record.buckets.map((b) => b.start)).toEqual([T0, T0 + HOUR]);
    const [h] = summariseAccuracy(record).horizons;
    expect(h!.steps).toEqual({
      comparisons: 2,
      biasMs: -0.5 * MIN,
      meanAbsErrorMs: 1.5 * MIN,
      // 2 of 10 minutes, and 1 of 20.
      mape: (0.2 + 0.05) / 2,
      spreadComparisons: 0,
    });
    // One completion inside its P10–P90, one before it.
    expect(h!.completions).toMatchObject({ comparisons: 2, spreadComparisons: 2, coverage: 0.5 });
    expect(h!.recent).toEqual({ comparisons: 2, mape: 0.125, coverageComparisons: 2, coverage: 0.5 });
    expect(remainingApe(step(T0, 10 * MIN, 3 * MIN))).toBeCloseTo(0.3);
  });

  it('keeps the last day of hours and the latest comparisons only', () => {
    let record: AccuracyRecord = emptyAccuracyRecord([5 * MIN]);
    for (let hour = 0; hour < 30; hour++) {
      record = addComparisons(
        record,
        {
          steps: [step(T0 + hour * HOUR, 5 * MIN, MIN), step(T0 + hour * HOUR + 1, 5 * MIN, MIN)],
          completions: [],
        },
        { recent: 7 },
      );
    }
    expect(record.buckets).toHaveLength(24);
    expect(record.buckets[0]!.start).toBe(T0 + 6 * HOUR);
    expect(record.recent[String(5 * MIN)]!.ape).toHaveLength(7);
    const summary = summariseAccuracy(record);
    expect(summary.trend).toHaveLength(24);
    expect(summary.horizons[0]!.steps.comparisons).toBe(48);
    expect(summary.latestEndAt).toBe(T0 + 29 * HOUR + 1);
  });

  it('samples the data latency once per forecast, leaving out a plant clock ahead of the wall clock', () => {
    let record = emptyAccuracyRecord([MIN]);
    record = addLatency(record, { generatedAt: 1_500, latestEventAt: 1_000 });
    record = addLatency(record, { generatedAt: 1_500, latestEventAt: 1_000 });
    record = addLatency(record, { generatedAt: 2_700, latestEventAt: 2_000 });
    record = addLatency(record, { generatedAt: 3_000, latestEventAt: 9_000 });
    record = addLatency(record, { generatedAt: 4_000, latestEventAt: 3_900 });
    expect(record.latency.samples).toEqual([500, 700, 100]);
    expect(summariseAccuracy(record).latency).toEqual({ samples: 3, p50Ms: 500, p95Ms: 700, latestMs: 100 });
  });
});

describe('drift detection', () => {
  const context = (i: number) => ({ asOf: T0 + i * MIN, raisedAt: i });
  const H = 15 * MIN;

  it('raises one alert within a bounded number of comparisons after a step change, and none while it stays', () => {
    let record: AccuracyRecord = emptyAccuracyRecord([H]);
    const raised: { at: number; measure: string; value: number }[] = [];
    // 100 comparisons 2 % off, then the plant changes: 30 % off from the 101st on.
    for (let i = 0; i < 300; i++) {
      const error = i < 100 ? 0.02 * H : 0.3 * H;
      const judged = detectDrift(
        addComparisons(record, { steps: [step(T0 + i * MIN, H, -error)], completions: [] }),
        context(i),
      );
      record = judged.record;
      raised.push(...judged.alerts.map((a) => ({ at: i, measure: a.measure, value: a.value })));
    }
    expect(raised).toHaveLength(1);
    expect(raised[0]!.measure).toBe('mape');
    expect(raised[0]!.value).toBeGreaterThan(0.08);
    // The rolling window is 50 comparisons: 0.02 + k/50 × 0.28 > 0.08 from k = 11 on.
    expect(raised[0]!.at).toBeGreaterThanOrEqual(100);
    expect(raised[0]!.at).toBeLessThan(100 + 15);
    expect(record.drift[String(H)]).toEqual({ mape: true });
    expect(summariseAccuracy(record).horizons[0]!.drift).toEqual({ mape: true, coverage: false });
  });

  it('judges nothing below the minimum of comparisons, and leaves drift once clearly back', () => {
    let record: AccuracyRecord = emptyAccuracyRecord([H]);
    const alerts = [];
    for (let i = 0; i < 19; i++) {
      const judged = detectDrift(
        addComparisons(record, { steps: [step(T0 + i, H, H)], completions: [] }),
        context(i),
      );
      record = judged.record;
      alerts.push(...judged.alerts);
    }
    expect(alerts).toEqual([]);
    const judged = detectDrift(
      addComparisons(record, { steps: [step(T0 + 19, H, H)], completions: [] }),
      context(19),
    );
    expect(judged.alerts.map((a) => a.text)).toEqual([
      'forecasts 15 min ahead drift: the remaining time is 100.0 % off on average over the last 20 steps (threshold 8 %)',
    ]);
    record = judged.record;
    // Back to exact forecasts: out of drift once the window's mean is low enough, then in again on a new change.
    let out = -1;
    for (let i = 20; i < 200 && out < 0; i++) {
      record = detectDrift(
        addComparisons(record, { steps: [step(T0 + i, H, 0)], completions: [] }),
        context(i),
      ).record;
      if (record.drift[String(H)]?.mape === false) out = i;
    }
    expect(out).toBeGreaterThan(20);
    const again = detectDrift(
      addComparisons(record, {
        steps: Array.from({ length: 50 }, (_, k) => step(T0 + 300 + k, H, H)),
        completions: [],
      }),
      context(300),
    );
    expect(again.alerts).toHaveLength(1);
  });

  it('raises a coverage alert when too few completions end inside P10–P90', () => {
    let record: AccuracyRecord = emptyAccuracyRecord([H]);
    const alerts = [];
    for (let i = 0; i < 40; i++) {
      const end = T0 + i * MIN;
      // Every other one inside: 50 % coverage, under the 70 % bound.
      const [p10, p90] = i % 2 === 0 ? [end - MIN, end + MIN] : [end + MIN, end + 2 * MIN];
      const judged = detectDrift(
        addComparisons(record, { steps: [], completions: [completion(end, H, 0, p10, p90)] }),
        context(i),
      );
      record = judged.record;
      alerts.push(...judged.alerts);
    }
    expect(alerts.map((a) => [a.measure, a.value, a.bound, a.samples])).toEqual([
      ['coverage', 0.5, [0.7, 0.9], 20],
    ]);
  });
});

describe('InMemoryAccuracyStore', () => {
  accuracyStoreContract(() => new InMemoryAccuracyStore());
});
