// The rolling accuracy record: how far the forecasts were off, kept up to date as orders' steps
// finish (forecast/rollingAccuracy.ts updates it), read by the dashboard's accuracy panel. One small
// item in the forecasts table: hourly sums for the last day (the trend, and any window within it),
// the latest comparisons per horizon (the rolling window drift is judged on), the drift state, and
// the pipeline's data latency. Figures are derived from sums, so that updates only add.

/** Where the record lives in the forecasts table (partition `plant`, like the forecasts). */
export const AccuracyKeys = { partition: 'plant', rolling: 'accuracy#rolling' } as const;

/** One bucket's length, and how many buckets (the last day) the record keeps. */
export const ACCURACY_BUCKET_MS = 3_600_000;
export const ACCURACY_BUCKETS = 24;

/** The latest comparisons kept per horizon: the rolling window drift is judged on. */
export const RECENT_COMPARISONS = 50;

/** Latency samples kept (the newest): p50 and p95 are taken over them. */
export const LATENCY_SAMPLES = 200;

/** Sums of comparisons (forecast − actual), from which bias, mean absolute error and MAPE follow. */
export interface AccuracySums {
  /** Comparisons. */
  n: number;
  /** Σ (forecast − actual), ms. */
  sumErrorMs: number;
  /** Σ |forecast − actual|, ms. */
  sumAbsErrorMs: number;
  /** Σ |error| / actual remaining time (the time from the forecast's asOf to the actual end). */
  sumApe: number;
  /** Of them, Monte Carlo comparisons (with P10–P90), and how many ended inside it. */
  spreadN: number;
  withinP10P90: number;
}

/** The sums of one hour (plant time) per horizon (ms, as a decimal string key). */
export interface AccuracyBucket {
  /** Start of the hour, epoch ms (plant time). */
  start: number;
  /** Every step's end (a completion is its last step's end). */
  steps: Record<string, AccuracySums>;
  /** Orders' completions only (where Monte Carlo forecasts give P10–P90). */
  completions: Record<string, AccuracySums>;
}

/** The latest comparisons of one horizon, oldest first, at most RECENT_COMPARISONS each. */
export interface RecentComparisons {
  /** Absolute percentage errors of the remaining time (step ends). */
  ape: number[];
  /** Completions of Monte Carlo forecasts: 1 inside P10–P90, 0 outside. */
  within: number[];
}

export interface AccuracyRecord {
  /** The horizons compared (ms). */
  horizonsMs: number[];
  /** Hourly sums, oldest first, the last ACCURACY_BUCKETS hours before the latest end seen. */
  buckets: AccuracyBucket[];
  /** Per horizon (key: ms as a string). */
  recent: Record<string, RecentComparisons>;
  /** Per horizon: which measures are in drift now (an alert was raised when each went in). */
  drift: Record<string, { mape?: boolean; coverage?: boolean }>;
  /** The latest end compared (plant time), and when the record was last updated (wall clock). */
  latestEndAt?: number;
  updatedAt?: number;
  /**
   * Data latency: a readable forecast's generatedAt − the latest event time in its state, ms; the
   * newest LATENCY_SAMPLES, oldest first; and the generatedAt of the forecast sampled last.
   */
  latency: { samples: number[]; lastGeneratedAt?: number };
}

/** A record with nothing in it yet. */
export function emptyAccuracyRecord(horizonsMs: readonly number[]): AccuracyRecord {
  return { horizonsMs: [...horizonsMs], buckets: [], recent: {}, drift: {}, latency: { samples: [] } };
}

export const emptySums = (): AccuracySums => ({
  n: 0,
  sumErrorMs: 0,
  sumAbsErrorMs: 0,
  sumApe: 0,
  spreadN: 0,
  withinP10P90: 0,
});

/** `a` + `b`. */
export function addSums(a: AccuracySums, b: AccuracySums): AccuracySums {
  return {
    n: a.n + b.n,
    sumErrorMs: a.sumErrorMs + b.sumErrorMs,
    sumAbsErrorMs: a.sumAbsErrorMs + b.sumAbsErrorMs,
    sumApe: a.sumApe + b.sumApe,
    spreadN: a.spreadN + b.spreadN,
    withinP10P90: a.withinP10P90 + b.withinP10P90,
  };
}

/** The figures of some sums (absent where there is nothing to average). */
export interface AccuracyFigures {
  comparisons: number;
  /** Mean of forecast − actual: positive when the forecasts said later than it was. */
  biasMs?: number;
  meanAbsErrorMs?: number;
  /** Mean absolute percentage error of the remaining time (0.08 = 8 %). */
  mape?: number;
  /** Monte Carlo comparisons, and the share of them that ended inside P10–P90. */
  spreadComparisons: number;
  coverage?: number;
}

export function figuresOf(sums: AccuracySums): AccuracyFigures {
  return {
    comparisons: sums.n,
    ...(sums.n > 0 && {
      biasMs: sums.sumErrorMs / sums.n,
      meanAbsErrorMs: sums.sumAbsErrorMs / sums.n,
      mape: sums.sumApe / sums.n,
    }),
    spreadComparisons: sums.spreadN,
    ...(sums.spreadN > 0 && { coverage: sums.withinP10P90 / sums.spreadN }),
  };
}

/** The accuracy panel's figures: what GET /api/accuracy answers. */
export interface AccuracySummary {
  /** The last day's figures per horizon: every step's end, and completions (with P10–P90 coverage). */
  horizons: {
    horizonMs: number;
    steps: AccuracyFigures;
    completions: AccuracyFigures;
    /** The rolling window (the latest comparisons) drift is judged on. */
    recent: { comparisons: number; mape?: number; coverageComparisons: number; coverage?: number };
    drift: { mape: boolean; coverage: boolean };
  }[];
  /** Hour by hour over the last day, oldest first: per horizon, the steps' figures. */
  trend: { start: number; horizons: { horizonMs: number; steps: AccuracyFigures }[] }[];
  /** Data latency, ms: event time to a readable forecast, over the newest samples. */
  latency: { samples: number; p50Ms?: number; p95Ms?: number; latestMs?: number };
  latestEndAt?: number;
  updatedAt?: number;
}

/** The nearest-rank quantile `q` of `values` (any order); undefined when empty. */
function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? undefined : values.reduce((s, v) => s + v, 0) / values.length;

/** The record's figures: per horizon over the last day and the rolling window, the trend, latency. */
export function summariseAccuracy(record: AccuracyRecord): AccuracySummary {
  const total = (pick: (b: AccuracyBucket) => Record<string, AccuracySums>, key: string) =>
    record.buckets.reduce((sum, b) => addSums(sum, pick(b)[key] ?? emptySums()), emptySums());
  const samples = record.latency.samples;
  const p50 = quantile(samples, 0.5);
  const p95 = quantile(samples, 0.95);
  return {
    horizons: record.horizonsMs.map((horizonMs) => {
      const key = String(horizonMs);
      const recent = record.recent[key] ?? { ape: [], within: [] };
      const recentMape = mean(recent.ape);
      const recentCoverage = mean(recent.within);
      return {
        horizonMs,
        steps: figuresOf(total((b) => b.steps, key)),
        completions: figuresOf(total((b) => b.completions, key)),
        recent: {
          comparisons: recent.ape.length,
          ...(recentMape !== undefined && { mape: recentMape }),
          coverageComparisons: recent.within.length,
          ...(recentCoverage !== undefined && { coverage: recentCoverage }),
        },
        drift: { mape: record.drift[key]?.mape === true, coverage: record.drift[key]?.coverage === true },
      };
    }),
    trend: record.buckets.map((b) => ({
      start: b.start,
      horizons: record.horizonsMs.map((horizonMs) => ({
        horizonMs,
        steps: figuresOf(b.steps[String(horizonMs)] ?? emptySums()),
      })),
    })),
    latency: {
      samples: samples.length,
      ...(p50 !== undefined && { p50Ms: p50 }),
      ...(p95 !== undefined && { p95Ms: p95 }),
      ...(samples.length > 0 && { latestMs: samples[samples.length - 1]! }),
    },
    ...(record.latestEndAt !== undefined && { latestEndAt: record.latestEndAt }),
    ...(record.updatedAt !== undefined && { updatedAt: record.updatedAt }),
  };
}
