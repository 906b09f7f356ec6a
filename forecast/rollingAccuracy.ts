// The rolling accuracy record's arithmetic: comparisons (from forecast/accuracy.ts's compareStepEnds
// and compareForecasts) added to hourly sums and to the latest-comparisons window, latency samples
// added, and drift judged on the window. Pure functions: the observer reads, updates and writes the
// record with a conditional write, and runs them again on a conflict.
import {
  ACCURACY_BUCKET_MS,
  ACCURACY_BUCKETS,
  type AccuracyBucket,
  type AccuracyRecord,
  type AccuracySums,
  emptySums,
  LATENCY_SAMPLES,
  RECENT_COMPARISONS,
} from '../contracts/accuracyRecord.ts';
import type { DriftAlert } from '../contracts/alerts.ts';
import type { Comparison, StepComparison } from './accuracy.ts';

/** The absolute percentage error of the remaining time: |error| / (actual end − the forecast's asOf). */
export function remainingApe(c: Pick<StepComparison, 'errorMs' | 'actualEndAt' | 'forecastAsOf'>): number {
  // The forecast was made at least a horizon before the end, so the remaining time is positive; the
  // floor of 1 ms keeps a horizon of 0 from dividing by zero.
  return Math.abs(c.errorMs) / Math.max(1, c.actualEndAt - c.forecastAsOf);
}

const withinSpread = (c: Comparison): boolean | undefined =>
  c.p10 === undefined || c.p90 === undefined ? undefined : c.actualEndAt >= c.p10 && c.actualEndAt <= c.p90;

function added(
  sums: AccuracySums | undefined,
  c: StepComparison | Comparison,
  within?: boolean,
): AccuracySums {
  const s = sums ?? emptySums();
  return {
    n: s.n + 1,
    sumErrorMs: s.sumErrorMs + c.errorMs,
    sumAbsErrorMs: s.sumAbsErrorMs + Math.abs(c.errorMs),
    sumApe: s.sumApe + remainingApe(c),
    spreadN: s.spreadN + (within === undefined ? 0 : 1),
    withinP10P90: s.withinP10P90 + (within === true ? 1 : 0),
  };
}

const keepLast = (values: number[], n: number) =>
  values.length > n ? values.slice(values.length - n) : values;

/** APEs are kept to 4 decimals: enough for a mean, and the item stays small. */
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * `record` with `steps` (every step's end) and `completions` (orders' completions) added: to the
 * hour of their actual end, and to their horizon's latest comparisons. Hours more than a day before
 * the latest end are dropped.
 */
export function addComparisons(
  record: AccuracyRecord,
  comparisons: { steps: readonly StepComparison[]; completions: readonly Comparison[] },
  options: { recent?: number } = {},
): AccuracyRecord {
  const recentMax = options.recent ?? RECENT_COMPARISONS;
  const buckets = new Map<number, AccuracyBucket>(
    record.buckets.map((b) => [
      b.start,
      { start: b.start, steps: { ...b.steps }, completions: { ...b.completions } },
    ]),
  );
  const recent = Object.fromEntries(
    Object.entries(record.recent).map(([k, v]) => [k, { ape: [...v.ape], within: [...v.within] }]),
  );
  const bucketOf = (end: number) => {
    const start = Math.floor(end / ACCURACY_BUCKET_MS) * ACCURACY_BUCKET_MS;
    let bucket = buckets.get(start);
    if (bucket === undefined) {
      bucket = { start, steps: {}, completions: {} };
      buckets.set(start, bucket);
    }
    return bucket;
  };
  const recentOf = (horizonMs: number) => {
    const key = String(horizonMs);
    recent[key] ??= { ape: [], within: [] };
    return recent[key];
  };
  let latestEndAt = record.latestEndAt;
  for (const c of comparisons.steps) {
    const key = String(c.horizonMs);
    const bucket = bucketOf(c.actualEndAt);
    bucket.steps[key] = added(bucket.steps[key], c);
    recentOf(c.horizonMs).ape.push(round4(remainingApe(c)));
    latestEndAt = Math.max(latestEndAt ?? c.actualEndAt, c.actualEndAt);
  }
  for (const c of comparisons.completions) {
    const key = String(c.horizonMs);
    const within = withinSpread(c);
    const bucket = bucketOf(c.actualEndAt);
    bucket.completions[key] = added(bucket.completions[key], c, within);
    if (within !== undefined) recentOf(c.horizonMs).within.push(within ? 1 : 0);
    latestEndAt = Math.max(latestEndAt ?? c.actualEndAt, c.actualEndAt);
  }
  for (const r of Object.values(recent)) {
    r.ape = keepLast(r.ape, recentMax);
    r.within = keepLast(r.within, recentMax);
  }
  const oldest =
    latestEndAt === undefined
      ? Number.NEGATIVE_INFINITY
      : Math.floor(latestEndAt / ACCURACY_BUCKET_MS) * ACCURACY_BUCKET_MS -
        (ACCURACY_BUCKETS - 1) * ACCURACY_BUCKET_MS;
  return {
    ...record,
    buckets: [...buckets.values()].filter((b) => b.start >= oldest).sort((a, b) => a.start - b.start),
    recent,
    ...(latestEndAt !== undefined && { latestEndAt }),
  };
}

/**
 * `record` with a latency sample of the forecast `latest` (generatedAt − the latest event time of
 * its state), unless that forecast was sampled already; a negative lag (the plant's clock runs
 * ahead of the wall clock: a sped-up emulator) is no latency and is left out.
 */
export function addLatency(
  record: AccuracyRecord,
  latest: { generatedAt: number; latestEventAt: number } | undefined,
): AccuracyRecord {
  if (latest === undefined || latest.generatedAt === record.latency.lastGeneratedAt) return record;
  const lag = latest.generatedAt - latest.latestEventAt;
  const samples =
    lag >= 0 ? keepLast([...record.latency.samples, lag], LATENCY_SAMPLES) : record.latency.samples;
  return { ...record, latency: { samples, lastGeneratedAt: latest.generatedAt } };
}

export interface DriftOptions {
  /** Rolling MAPE of the remaining time above this is drift (default 0.08). */
  mapeThreshold: number;
  /** P10–P90 coverage outside this band is drift (default [0.7, 0.9]). */
  coverageBand: readonly [number, number];
  /** Comparisons a horizon's window needs before it is judged (default 20). */
  minComparisons: number;
  /**
   * A measure in drift leaves it only once clearly back: MAPE at most threshold × (1 − this), coverage
   * this far inside the band (default 0.1 and 0.02), so that a figure hovering at a bound does not
   * raise an alert at every crossing.
   */
  hysteresis: { mape: number; coverage: number };
}

export const DEFAULT_DRIFT: DriftOptions = {
  mapeThreshold: 0.08,
  coverageBand: [0.7, 0.9],
  minComparisons: 20,
  hysteresis: { mape: 0.1, coverage: 0.02 },
};

const meanOf = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

const minutes = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`);

/**
 * Judges each horizon's rolling window (with at least `minComparisons`): MAPE over the threshold or
 * coverage outside the band is drift. A `DriftAlert` is raised when a measure goes into drift, none
 * while it stays there; the drift state is kept in the record.
 */
export function detectDrift(
  record: AccuracyRecord,
  context: { asOf: number; raisedAt: number; plantId?: string | undefined },
  options: Partial<DriftOptions> = {},
): { record: AccuracyRecord; alerts: DriftAlert[] } {
  const o = { ...DEFAULT_DRIFT, ...options };
  const drift = Object.fromEntries(Object.entries(record.drift).map(([k, v]) => [k, { ...v }]));
  const alerts: DriftAlert[] = [];
  const raise = (
    horizonMs: number,
    measure: DriftAlert['measure'],
    value: number,
    samples: number,
    bound: DriftAlert['bound'],
    text: string,
  ) =>
    alerts.push({
      kind: 'drift',
      id: `drift-${measure}-${horizonMs}-${context.asOf}`,
      asOf: context.asOf,
      raisedAt: context.raisedAt,
      ...(context.plantId !== undefined && { plantId: context.plantId }),
      horizonMs,
      measure,
      value,
      bound,
      samples,
      text,
    });
  for (const horizonMs of record.horizonsMs) {
    const key = String(horizonMs);
    const window = record.recent[key];
    drift[key] ??= {};
    const state = drift[key];
    if (window !== undefined && window.ape.length >= o.minComparisons) {
      const mape = meanOf(window.ape);
      const was = state.mape === true;
      const now = was ? mape > o.mapeThreshold * (1 - o.hysteresis.mape) : mape > o.mapeThreshold;
      if (now && !was) {
        raise(
          horizonMs,
          'mape',
          mape,
          window.ape.length,
          o.mapeThreshold,
          `forecasts ${minutes(horizonMs)} ahead drift: the remaining time is ${(mape * 100).toFixed(1)} % off on average over the last ${window.ape.length} steps (threshold ${(o.mapeThreshold * 100).toFixed(0)} %)`,
        );
      }
      state.mape = now;
    }
    if (window !== undefined && window.within.length >= o.minComparisons) {
      const coverage = meanOf(window.within);
      const [lo, hi] = o.coverageBand;
      const was = state.coverage === true;
      const margin = was ? o.hysteresis.coverage : 0;
      const now = coverage < lo + margin || coverage > hi - margin;
      if (now && !was) {
        raise(
          horizonMs,
          'coverage',
          coverage,
          window.within.length,
          [lo, hi],
          `forecasts ${minutes(horizonMs)} ahead drift: ${(coverage * 100).toFixed(0)} % of the last ${window.within.length} orders ended inside P10–P90 (expected ${(lo * 100).toFixed(0)}–${(hi * 100).toFixed(0)} %)`,
        );
      }
      state.coverage = now;
    }
  }
  return { record: { ...record, drift }, alerts };
}
