// What-if on the live plant: the baseline (the live state as it is) and each variant are forecast
// from the same snapshot and, for risk, run on the same random futures (common random numbers: the
// same draws for the same order and step in every variant), so that the difference of a variant to
// the baseline comes from its change, not from the noise. Variants are then ranked by an objective;
// one whose difference lies inside the noise is said to, and never ranked above the baseline.
import { RunLimits, type SimulationLimits } from '../../sim-core/limits.ts';
import type { Seed } from '../../sim-core/random/seeds.ts';
import { seedRecord } from '../../sim-core/random/seeds.ts';
import { type ForecastRun, forecastRun, pendingOrders, type RestoredRun, restoreRun } from '../forecast.ts';
import type { PlantModel } from '../model/plantModel.ts';
import { type MonteCarloSamples, replicate } from '../monteCarlo.ts';
import { NetworkWarnings } from '../network.ts';
import { ReplicationQueue } from '../replicationQueue.ts';
import { type Placement, releasePlacement } from '../restore.ts';
import type { Forecast, Snapshot } from '../types.ts';
import { applyVariant } from './applyVariant.ts';
import { type Interval, meanOf, pairedInterval, unpairedInterval } from './intervals.ts';
import { judgeDifferences, rankByVerdict, type Verdict } from './ranking.ts';
import { BASELINE, type Change, type Variant, VariantError } from './variant.ts';

/** What a variant is judged by, each lower is better but throughput. */
export const OBJECTIVE_KEYS = [
  'late-orders',
  'total-lateness',
  'mean-lateness',
  'makespan',
  'throughput',
] as const;
export type ObjectiveKey = (typeof OBJECTIVE_KEYS)[number];
/** Fewer late orders first, then less lateness in all, then the earlier end of the work in process. */
export const DEFAULT_OBJECTIVE: readonly ObjectiveKey[] = ['late-orders', 'total-lateness', 'makespan'];
/** The window in which throughput counts completed orders, by default: the next 8 hours. */
export const DEFAULT_HORIZON_MS = 8 * 3_600_000;

export interface WhatIfOptions {
  /** Draws of the future per variant (0: the forecast at the means only). Default 0. */
  replications?: number;
  seed?: Seed;
  /** Keys compared in turn (default DEFAULT_OBJECTIVE). */
  objective?: readonly ObjectiveKey[];
  /** Throughput counts the orders that complete within asOf + horizonMs. */
  horizonMs?: number;
  parameters?: Readonly<Record<string, unknown>>;
  limits?: SimulationLimits | RunLimits;
  /** Keep each variant's forecast (at the means) in its result: for a Gantt of it. Default false. */
  forecasts?: boolean;
  /** Called as variants are run: done of total runs (forecasts and replications). */
  onProgress?: (done: number, total: number) => void;
  /**
   * The baseline's replications, drawn already by the Monte Carlo forecast of the same snapshot,
   * model and parameters (`baselineDraws`): taken rather than drawn again when they are on the same
   * seed and horizon and as many at least. The result is the same either way.
   */
  baseline?: BaselineDraws;
}

/**
 * The KPIs of replications [0, replications) of the live plant on `seed`: kpis[k · replications + r]
 * is KPI k (in the what-if's order) of replication r. Replication r draws the same in a Monte Carlo
 * forecast and in a what-if's baseline (`replicate`), so what the forecast drew, a what-if need not
 * draw again.
 */
export interface BaselineDraws {
  seed: number | string;
  replications: number;
  horizonMs: number;
  kpis: Float64Array;
}

/** A variant's KPIs: at the means, or their means over the replications. */
export interface WhatIfKpis {
  lateOrders: number;
  totalLatenessMs: number;
  /** Mean lateness of the late orders (0 when none is late). */
  meanLatenessMs: number;
  makespanMs: number;
  /** Orders that complete within the horizon. */
  throughput: number;
}
type KpiKey = keyof WhatIfKpis;
const KPI_KEYS: readonly KpiKey[] = [
  'lateOrders',
  'totalLatenessMs',
  'meanLatenessMs',
  'makespanMs',
  'throughput',
];
/** The KPI each objective key compares. */
export const OBJECTIVE_KPI = {
  'late-orders': 'lateOrders',
  'total-lateness': 'totalLatenessMs',
  'mean-lateness': 'meanLatenessMs',
  makespan: 'makespanMs',
  throughput: 'throughput',
} as const satisfies Record<ObjectiveKey, KpiKey>;

/** A variant's difference to the baseline in one KPI: its mean and, with replications, its 95 % intervals. */
export interface Difference {
  mean: number;
  /** Paired on common random numbers. */
  ci?: [number, number];
  /** The same runs taken as independent (Welch): what the pairing saves. */
  ciUnpaired?: [number, number];
}

/** A variant's verdict against the live plant (the baseline): see `judgeDifferences`. */
export type { Verdict } from './ranking.ts';

export interface VariantResult {
  name: string;
  description?: string;
  changes: Change[];
  /** 1 is the best; the baseline has its place among them. */
  rank: number;
  verdict: Verdict;
  decidedBy?: ObjectiveKey;
  /** Expected KPIs: over the replications, or at the means without any. */
  kpis: WhatIfKpis;
  /** The KPIs of the forecast at the means. */
  atMeans: WhatIfKpis;
  /** The variant minus the baseline (absent for the baseline). */
  difference?: Record<KpiKey, Difference>;
  /** Each station's share of busy unit-time over the forecast at the means. */
  utilisation: Record<string, number>;
  /** Orders late in the forecast at the means, and those delayed, by their cause (judged against the live plan). */
  lateOrders: string[];
  delayed: Record<string, number>;
  forecast?: Forecast;
}

export interface WhatIfResult {
  asOf: number;
  model: { name: string; hash: string };
  replications: number;
  seed: number | string;
  objective: ObjectiveKey[];
  horizonMs: number;
  /** By rank, the baseline among them. */
  variants: VariantResult[];
  /** Kernel events of every run. */
  events: number;
}

/**
 * Runs the live plant (`snapshot` with `model`) and every variant, at the means and, with
 * replications, on the same random futures, and ranks them. Never changes its inputs. A pure
 * function of its arguments: the same seed gives the same result.
 */
export function whatIf(
  snapshot: Snapshot,
  model: PlantModel,
  variants: readonly Variant[],
  options: WhatIfOptions = {},
): WhatIfResult {
  const prepared = prepareWhatIf(snapshot, model, variants, options);
  const samples = sampleWhatIf(prepared, ReplicationQueue.range(0, prepared.replications), (done) =>
    options.onProgress?.(prepared.runs.length + done, prepared.runs.length * (1 + prepared.replications)),
  );
  return summariseWhatIf(prepared, samples);
}

/** The baseline and the variants restored: what their replications start from. */
export interface WhatIfReplications {
  snapshot: Snapshot;
  runs: { variant: Variant | undefined; run: RestoredRun }[];
  replications: number;
  seed: Seed;
  /** The baseline's replications, drawn already: those of `options.baseline` that fit. */
  baseline?: BaselineDraws;
  objective: ObjectiveKey[];
  horizonMs: number;
  limits: RunLimits;
}

/** The baseline and the variants forecast at the means, which their replications start from. */
export interface PreparedWhatIf extends WhatIfReplications {
  runs: { variant: Variant | undefined; run: ForecastRun }[];
  forecasts: boolean;
}

/**
 * The KPIs of replications [from, to) of every run: values[(v · KPIs + kpi) · (to − from) + r − from],
 * on the same seed for every variant; and the kernel events they took. Replication r draws the same
 * whoever runs it (worker threads run some of them: the result is the same whoever ran which).
 */
export interface WhatIfSamples {
  from: number;
  to: number;
  values: Float64Array;
  events: number;
}

/** Checks the options and forecasts the baseline and every variant at the means. */
export function prepareWhatIf(
  snapshot: Snapshot,
  model: PlantModel,
  variants: readonly Variant[],
  options: WhatIfOptions = {},
): PreparedWhatIf {
  const total = (variants.length + 1) * (1 + (options.replications ?? 0));
  let done = 0;
  const prepared = prepareRuns<ForecastRun>(snapshot, model, variants, options, (snapshot, model, run) => {
    const forecast = forecastRun(snapshot, model, run);
    options.onProgress?.(++done, total);
    return forecast;
  });
  return { ...prepared, forecasts: options.forecasts ?? false };
}

/**
 * Checks the options and restores the baseline and every variant, without forecasting them at the
 * means: what a thread that runs some of the replications needs.
 */
export function prepareWhatIfReplications(
  snapshot: Snapshot,
  model: PlantModel,
  variants: readonly Variant[],
  options: WhatIfOptions = {},
): WhatIfReplications {
  return prepareRuns(snapshot, model, variants, options, restoreRun);
}

/** The baseline and each variant, applied to the live plant and made into a run by `make`. */
function prepareRuns<R extends RestoredRun>(
  snapshot: Snapshot,
  model: PlantModel,
  variants: readonly Variant[],
  options: WhatIfOptions,
  make: (
    snapshot: Snapshot,
    model: PlantModel,
    options: {
      parameters: WhatIfOptions['parameters'];
      limits: RunLimits;
      holds?: Map<string, number>;
      planOf?: R;
    },
  ) => R,
): Omit<WhatIfReplications, 'runs'> & { runs: { variant: Variant | undefined; run: R }[] } {
  const replications = options.replications ?? 0;
  if (!Number.isInteger(replications) || replications < 0) {
    throw new VariantError(`replications must be a whole number >= 0, got ${replications}`);
  }
  const limits = RunLimits.of(options.limits);
  const common = { parameters: options.parameters, limits };
  const live = make(snapshot, model, common);
  const runs: { variant: Variant | undefined; run: R }[] = [{ variant: undefined, run: live }];
  for (const variant of variants) {
    // A run of a small plant ends before its first look at the clock: the wall time is checked
    // between runs too, so that a budget holds for many small variants.
    limits.checkWallTime();
    const applied = applyVariant(variant, live, snapshot, model);
    const run = make(applied.snapshot, applied.model, { ...common, holds: applied.holds, planOf: live });
    runs.push({ variant, run });
  }
  const seed = options.seed ?? 1;
  const horizonMs = options.horizonMs ?? DEFAULT_HORIZON_MS;
  const { baseline } = options;
  return {
    snapshot,
    runs,
    replications,
    seed,
    ...(baseline !== undefined && baselineFits(baseline, seed, horizonMs, replications) && { baseline }),
    objective: [...(options.objective ?? DEFAULT_OBJECTIVE)],
    horizonMs,
    limits,
  };
}

/** Whether `baseline` holds the replications a what-if on `seed` and `horizonMs` draws. */
export function baselineFits(
  baseline: BaselineDraws,
  seed: Seed,
  horizonMs: number,
  replications: number,
): boolean {
  return (
    replications > 0 &&
    baseline.seed === seedRecord(seed) &&
    baseline.horizonMs === horizonMs &&
    baseline.replications >= replications &&
    baseline.kpis.length === KPI_KEYS.length * baseline.replications
  );
}

/**
 * The baseline's KPIs in every replication of a Monte Carlo forecast (its restored run and the
 * samples of all its replications, in any number of shares), for a what-if of the same plant.
 */
export function baselineDraws(
  prepared: { base: RestoredRun; replications: number; seed: Seed },
  shares: readonly MonteCarloSamples[],
  horizonMs = DEFAULT_HORIZON_MS,
): BaselineDraws {
  const { base, replications } = prepared;
  const orders = base.restored.orders;
  const kpis = new Float64Array(KPI_KEYS.length * replications);
  for (const { from, to, ends } of shares) {
    const count = to - from;
    for (let r = from; r < to; r++) {
      const values = kpisOf(base, orders.length, (k) => ends[k * count + r - from]!, horizonMs);
      KPI_KEYS.forEach((key, k) => {
        kpis[k * replications + r] = values[key];
      });
    }
  }
  return { seed: seedRecord(prepared.seed), replications, horizonMs, kpis };
}

/**
 * Runs, for every run of `prepared`, the replications it takes from `queue`, chunk by chunk, until
 * none is left: their samples, one per chunk; `progress` hears how many runs it has done.
 */
export function sampleWhatIf(
  prepared: WhatIfReplications,
  queue: ReplicationQueue,
  progress?: (done: number) => void,
): WhatIfSamples[] {
  const { runs, seed, horizonMs, limits, baseline } = prepared;
  const states: { run: RestoredRun; pending: number; warnings: NetworkWarnings; placement?: Placement }[] =
    runs.map(({ run }) => ({ run, pending: pendingOrders(run.restored), warnings: new NetworkWarnings() }));
  const shares: WhatIfSamples[] = [];
  let done = 0;
  for (let chunk = queue.take(); chunk !== undefined; chunk = queue.take()) {
    const [from, to] = chunk;
    const count = to - from;
    const values = new Float64Array(runs.length * KPI_KEYS.length * count);
    let events = 0;
    for (let r = from; r < to; r++) {
      limits.checkWallTime();
      states.forEach((state, v) => {
        if (v === 0 && baseline !== undefined) {
          KPI_KEYS.forEach((_, k) => {
            values[k * count + r - from] = baseline.kpis[k * baseline.replications + r]!;
          });
          progress?.(++done);
          return;
        }
        const { run } = state;
        const { env, times, placement } = replicate(
          run,
          seed,
          r,
          state.pending,
          state.warnings,
          state.placement,
        );
        state.placement = placement;
        limits.run(env);
        events += env.eventsProcessed;
        const kpis = kpisOfTimes(run, times, horizonMs);
        releasePlacement(placement);
        KPI_KEYS.forEach((key, k) => {
          values[(v * KPI_KEYS.length + k) * count + r - from] = kpis[key];
        });
        progress?.(++done);
      });
    }
    shares.push({ from, to, values, events });
  }
  return shares;
}

/** The result of `prepared` from the samples of all its replications, in any number of shares. */
export function summariseWhatIf(
  prepared: PreparedWhatIf,
  shares: WhatIfSamples | readonly WhatIfSamples[],
): WhatIfResult {
  const { runs, replications, objective, horizonMs, snapshot } = prepared;
  const live = runs[0]!.run;
  const parts = (Array.isArray(shares) ? shares : [shares]) as readonly WhatIfSamples[];
  let events = 0;
  for (const { run } of runs) events += run.forecast.events;
  const samples = runs.map(() => KPI_KEYS.map(() => new Float64Array(replications)));
  for (const part of parts) {
    events += part.events;
    const count = part.to - part.from;
    samples.forEach((kpis, v) => {
      kpis.forEach((values, k) => {
        const at = (v * KPI_KEYS.length + k) * count;
        values.set(part.values.subarray(at, at + count), part.from);
      });
    });
  }

  const results: VariantResult[] = runs.map(({ variant, run }, v) => {
    const atMeans = kpisOfForecast(run.forecast, horizonMs);
    const kpis =
      replications === 0
        ? atMeans
        : (Object.fromEntries(
            KPI_KEYS.map((key, k) => [key, meanOf(samples[v]![k]!)]),
          ) as unknown as WhatIfKpis);
    const delayed: Record<string, number> = {};
    for (const o of run.forecast.orders)
      if (o.delayCause !== 'none') delayed[o.delayCause] = (delayed[o.delayCause] ?? 0) + 1;
    const result: VariantResult = {
      name: variant?.name ?? BASELINE,
      ...(variant?.description !== undefined && { description: variant.description }),
      changes: variant?.changes ?? [],
      rank: 0,
      verdict: 'baseline',
      kpis,
      atMeans,
      utilisation: Object.fromEntries(run.forecast.stations.map((s) => [s.station, s.utilisation])),
      lateOrders: run.forecast.orders.filter((o) => o.late).map((o) => o.orderId),
      delayed,
    };
    if (prepared.forecasts) result.forecast = run.forecast;
    if (v === 0) return result;
    result.difference = Object.fromEntries(
      KPI_KEYS.map((key, k) => [
        key,
        replications === 0
          ? { mean: atMeans[key] - kpisOfForecast(live.forecast, horizonMs)[key] }
          : difference(samples[0]![k]!, samples[v]![k]!),
      ]),
    ) as Record<KpiKey, Difference>;
    const { verdict, decidedBy } = judge(result.difference, objective);
    result.verdict = verdict;
    if (decidedBy !== undefined) result.decidedBy = decidedBy;
    return result;
  });

  return {
    asOf: snapshot.asOf,
    model: { name: live.forecast.model.name, hash: live.forecast.model.hash },
    replications,
    seed: seedRecord(prepared.seed),
    objective,
    horizonMs,
    variants: ranked(results, objective),
    events,
  };
}

function difference(base: Float64Array, variant: Float64Array): Difference {
  const paired: Interval = pairedInterval(base, variant);
  if (base.length < 2) return { mean: paired.mean };
  const unpaired = unpairedInterval(base, variant);
  return { mean: paired.mean, ci: [paired.low, paired.high], ciUnpaired: [unpaired.low, unpaired.high] };
}

// Differences smaller than these are rounding: half a millisecond, a billionth of an order.
const TOLERANCE: Record<KpiKey, number> = {
  lateOrders: 1e-9,
  totalLatenessMs: 0.5,
  meanLatenessMs: 0.5,
  makespanMs: 0.5,
  throughput: 1e-9,
};

/** Better or worse by the first objective key whose difference is more than noise. */
function judge(
  diff: Record<KpiKey, Difference>,
  objective: readonly ObjectiveKey[],
): { verdict: Verdict; decidedBy?: ObjectiveKey } {
  return judgeDifferences(
    objective.map((key) => {
      const kpi = OBJECTIVE_KPI[key];
      // Lower is better, but throughput.
      return { key, sign: key === 'throughput' ? -1 : 1, tolerance: TOLERANCE[kpi], ...diff[kpi] };
    }),
  );
}

/** Better variants first, by their expected KPIs in the objective's order; then the baseline, the undecided, the worse. */
function ranked(results: VariantResult[], objective: readonly ObjectiveKey[]): VariantResult[] {
  return rankByVerdict(results, (a, b) => {
    for (const key of objective) {
      const kpi = OBJECTIVE_KPI[key];
      const d = (a.kpis[kpi] - b.kpis[kpi]) * (key === 'throughput' ? -1 : 1);
      if (Math.abs(d) > TOLERANCE[kpi]) return d;
    }
    return 0;
  });
}

/** The KPIs of a forecast at the means. */
function kpisOfForecast(forecast: Forecast, horizonMs: number): WhatIfKpis {
  let late = 0;
  let lateness = 0;
  let end = forecast.asOf;
  let throughput = 0;
  for (const o of forecast.orders) {
    if (o.late) {
      late++;
      lateness += o.latenessMs!;
    }
    end = Math.max(end, o.completedAt);
    if (o.completedAt > forecast.asOf && o.completedAt <= forecast.asOf + horizonMs) throughput++;
  }
  return kpis(late, lateness, end - forecast.asOf, throughput);
}

/** The KPIs of a replication of `run`, from its orders' times. */
function kpisOfTimes(run: RestoredRun, times: Float64Array, horizonMs: number): WhatIfKpis {
  const orders = run.restored.orders;
  return kpisOf(
    run,
    orders.length,
    (k) => times[orders[k]!.base + 2 * orders[k]!.product.routing.length - 1]!,
    horizonMs,
  );
}

/** The KPIs of `run`'s restored orders, the k-th of them completed at `completedAt(k)`. */
function kpisOf(
  run: RestoredRun,
  n: number,
  completedAt: (k: number) => number,
  horizonMs: number,
): WhatIfKpis {
  const asOf = run.asOf;
  const orders = run.restored.orders;
  let late = 0;
  let lateness = 0;
  let end = asOf;
  let throughput = 0;
  for (let k = 0; k < n; k++) {
    const at = completedAt(k);
    const due = orders[k]!.order.dueAt;
    if (due !== undefined && at > due) {
      late++;
      lateness += at - due;
    }
    if (at > end) end = at;
    if (at > asOf && at <= asOf + horizonMs) throughput++;
  }
  return kpis(late, lateness, end - asOf, throughput);
}

function kpis(late: number, lateness: number, makespanMs: number, throughput: number): WhatIfKpis {
  return {
    lateOrders: late,
    totalLatenessMs: lateness,
    meanLatenessMs: late === 0 ? 0 : lateness / late,
    makespanMs,
    throughput,
  };
}
