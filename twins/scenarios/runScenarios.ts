// The scenario runner, for any twin hosted on the engine: every scenario, the twin's sensitivity
// cases and its bottleneck experiments run N replications each on common random numbers (replication r
// of every scenario draws from the same seed and number), each KPI gets its mean and 95 % interval,
// each scenario its paired difference to the baseline, a verdict and a rank by the objective. The rule
// is what-if's (orderflow/whatif/ranking.ts): a difference inside the noise never ranks above the
// baseline. Pure: no I/O, the same inputs give the same report.
import { type Interval, meanOf, pairedInterval } from '../../orderflow/whatif/intervals.ts';
import { judgeDifferences, rankByVerdict, type Verdict } from '../../orderflow/whatif/ranking.ts';
import { type KpiSpec, type Scenario, ScenarioError, type ScenarioTwin } from './ScenarioTwin.ts';

/** The name of the baseline: a scenario of that name, or else the model as it is. */
export const BASELINE = 'baseline';

export interface RunScenariosOptions {
  /** Replications per scenario, at least 2 (each interval needs a spread). */
  replications: number;
  /** Default 1. */
  seed?: number;
  /** KPI keys compared in turn (default: the twin's `defaultObjective`). */
  objective?: readonly string[];
  /** Run the twin's sensitivity cases (default true). */
  sensitivity?: boolean;
  /** Run the twin's bottleneck experiments (default true). */
  bottleneck?: boolean;
  /** Called after every replication of every scenario: done of total. */
  onProgress?: (done: number, total: number) => void;
}

/** How a KPI of a scenario compares with the baseline's: `noise` when its interval holds zero. */
export type KpiVerdict = 'better' | 'worse' | 'noise' | 'same';
/** How a detail KPI (one a replication reports beyond the twin's list, with no direction) moved. */
export type DetailVerdict = 'higher' | 'lower' | 'noise' | 'same';
/** A scenario against the baseline, by the objective: what-if's verdicts (`within-noise`: inside the noise). */
export type ScenarioVerdict = Verdict;

export interface KpiResult {
  /** The mean over the replications and its 95 % interval. */
  mean: number;
  low: number;
  high: number;
  /** Each replication's value, in replication order. */
  samples: number[];
  /** The scenario minus the baseline, paired by replication, with its 95 % interval (absent for the baseline). */
  difference?: Interval;
  verdict?: KpiVerdict | DetailVerdict;
}

export interface ScenarioResult {
  name: string;
  description?: string;
  /** 1 is the recommended; the baseline has its place among them (0 for sensitivity cases: not ranked). */
  rank: number;
  verdict: ScenarioVerdict;
  decidedBy?: string;
  /** Every KPI, the twin's list first, then the detail KPIs its replications report. */
  kpis: Record<string, KpiResult>;
}

export interface BottleneckCandidate {
  resource: string;
  scenario: string;
  /** Its difference to the baseline in the first objective KPI. */
  difference: Interval;
  verdict: KpiVerdict;
}

export interface BottleneckResult {
  /** The resource whose extra unit buys the most of `kpi`, measured. */
  resource: string;
  kpi: string;
  /** Whether that gain lies outside the noise (if not, no extra unit buys a measurable gain). */
  measurable: boolean;
  /** Every candidate, the most gainful first. */
  candidates: BottleneckCandidate[];
}

export interface ScenarioReport {
  kind: string;
  replications: number;
  seed: number;
  objective: string[];
  /** The twin's KPIs, then the detail KPIs (no direction, labelled by their key). */
  kpis: KpiSpec[];
  detailKpis: string[];
  baseline: string;
  /** In the file's order, the baseline first. */
  scenarios: ScenarioResult[];
  /** Scenario names, best first by the objective. */
  ranking: string[];
  recommended: string;
  bottleneck?: BottleneckResult;
  /** The twin's sensitivity cases, each against the baseline. */
  sensitivity: ScenarioResult[];
  assumptions: string[];
  /** Kernel events of every run. */
  events: number;
}

/**
 * Runs the baseline, `scenarios`, the twin's sensitivity cases and its bottleneck experiments on
 * common random numbers, and reports them with intervals, verdicts, the ranking and the bottleneck.
 */
export function runScenarios<M, C>(
  twin: ScenarioTwin<M, C>,
  model: M,
  scenarios: readonly Scenario<C>[],
  options: RunScenariosOptions,
): ScenarioReport {
  const { replications } = options;
  if (!Number.isInteger(replications) || replications < 2) {
    throw new ScenarioError(`replications must be a whole number >= 2, got ${replications}`);
  }
  const seed = options.seed ?? 1;
  const objective = checkedObjective(twin, options.objective ?? twin.defaultObjective);

  // The baseline first: the scenario named so, or the model as it is.
  const baseline = scenarios.find((s) => s.name === BASELINE);
  const others = scenarios.filter((s) => s !== baseline);
  const sensitivity = options.sensitivity === false ? [] : twin.sensitivity(model);
  const candidates = options.bottleneck === false ? [] : twin.bottleneckCandidates(model);
  const runs: (Scenario<C> | undefined)[] = [
    baseline,
    ...others,
    ...sensitivity,
    ...candidates.map((c) => c.scenario),
  ];

  const total = runs.length * replications;
  let done = 0;
  let events = 0;
  const samples: Record<string, number>[][] = runs.map(() => []);
  // Replication by replication, every scenario in turn: an early look at the progress is a look at all.
  for (let r = 0; r < replications; r++) {
    runs.forEach((scenario, s) => {
      const result = twin.run(model, scenario, seed, r);
      events += result.events;
      samples[s]!.push(result.kpis);
      options.onProgress?.(++done, total);
    });
  }

  const specKeys = new Set(twin.kpis.map((k) => k.key));
  const detailKpis = Object.keys(samples[0]![0]!).filter((k) => !specKeys.has(k));
  const keys = [...twin.kpis.map((k) => k.key), ...detailKpis];
  const series = (s: number, key: string): number[] => samples[s]!.map((kpis) => kpis[key] ?? Number.NaN);
  const spec = new Map(twin.kpis.map((k) => [k.key, k]));

  let baseKpis: Record<string, KpiResult> | undefined;
  const resultOf = (s: number, name: string, description: string | undefined): ScenarioResult => {
    const kpis: Record<string, KpiResult> = {};
    for (const key of keys) {
      const values = series(s, key);
      const { mean, low, high } = meanInterval(values);
      const result: KpiResult = { mean, low, high, samples: values };
      if (s !== 0) {
        const base = series(0, key);
        result.difference = pairedInterval(base, values);
        result.verdict = kpiVerdict(result.difference, meanOf(base), spec.get(key)?.better);
      }
      kpis[key] = result;
    }
    const result: ScenarioResult = {
      name,
      ...(description !== undefined && { description }),
      rank: 0,
      verdict: 'baseline',
      kpis,
    };
    if (s === 0) baseKpis = kpis;
    else Object.assign(result, judge(kpis, baseKpis!, objective, spec));
    return result;
  };

  const main = [
    resultOf(
      0,
      BASELINE,
      baseline?.description ?? (baseline === undefined ? 'the model as it is' : undefined),
    ),
    ...others.map((s, i) => resultOf(1 + i, s.name, s.description)),
  ];
  const ranking = ranked(main, objective, spec);
  const sensitivityResults = sensitivity.map((s, i) =>
    resultOf(1 + others.length + i, s.name, s.description),
  );

  let bottleneck: BottleneckResult | undefined;
  if (candidates.length > 0) {
    const kpi = objective[0]!;
    const sign = spec.get(kpi)!.better === 'lower' ? -1 : 1;
    const first = 1 + others.length + sensitivity.length;
    const measured: BottleneckCandidate[] = candidates.map((c, i) => {
      const difference = pairedInterval(series(0, kpi), series(first + i, kpi));
      return {
        resource: c.resource,
        scenario: c.scenario.name,
        difference,
        verdict: kpiVerdict(difference, meanOf(series(0, kpi)), spec.get(kpi)!.better) as KpiVerdict,
      };
    });
    // The most gained first: a gain is a move in the better direction.
    const order = measured
      .map((c, i) => ({ c, i }))
      .sort((a, b) => sign * (b.c.difference.mean - a.c.difference.mean) || a.i - b.i)
      .map(({ c }) => c);
    bottleneck = {
      resource: order[0]!.resource,
      kpi,
      measurable: order[0]!.verdict === 'better',
      candidates: order,
    };
  }

  return {
    kind: twin.kind,
    replications,
    seed,
    objective,
    kpis: [...twin.kpis],
    detailKpis,
    baseline: BASELINE,
    scenarios: main,
    ranking: ranking.map((r) => r.name),
    recommended: ranking[0]!.name,
    ...(bottleneck !== undefined && { bottleneck }),
    sensitivity: sensitivityResults,
    assumptions: twin.assumptions(model),
    events,
  };
}

/** The objective's keys, each a KPI of the twin with a direction, without repeats. */
function checkedObjective(twin: ScenarioTwin<unknown, unknown>, keys: readonly string[]): string[] {
  if (keys.length === 0) throw new ScenarioError('objective: needs at least one KPI');
  for (const key of keys) {
    if (!twin.kpis.some((k) => k.key === key)) {
      throw new ScenarioError(
        `objective: "${key}" is not a KPI of the ${twin.kind} twin (its KPIs: ${twin.kpis.map((k) => k.key).join(', ')})`,
      );
    }
  }
  return [...new Set(keys)];
}

/** The mean of `xs` with its 95 % interval (Student's t): the paired interval of xs against zero. */
export function meanInterval(xs: readonly number[]): Interval {
  return pairedInterval(new Float64Array(xs.length), xs);
}

/** Differences smaller than this share of the baseline's mean (or than this, near zero) are rounding. */
const RELATIVE_TOLERANCE = 1e-9;
const tolerance = (baseMean: number) => RELATIVE_TOLERANCE * Math.max(1, Math.abs(baseMean));

/** A KPI's difference judged: outside its interval and beyond rounding, better or worse (or higher, lower). */
function kpiVerdict(
  d: Interval,
  baseMean: number,
  better: 'lower' | 'higher' | undefined,
): KpiVerdict | DetailVerdict {
  const tol = tolerance(baseMean);
  if (Math.abs(d.mean) <= tol && d.high - d.low <= 2 * tol) return 'same';
  const up = d.low > tol;
  const down = d.high < -tol;
  if (!up && !down) return 'noise';
  if (better === undefined) return up ? 'higher' : 'lower';
  return up === (better === 'higher') ? 'better' : 'worse';
}

/** Better or worse by the first objective KPI outside the noise; otherwise within the noise, or the same. */
function judge(
  kpis: Record<string, KpiResult>,
  baseline: Record<string, KpiResult>,
  objective: readonly string[],
  spec: Map<string, KpiSpec>,
): { verdict: ScenarioVerdict; decidedBy?: string } {
  return judgeDifferences(
    objective.map((key) => {
      const d = kpis[key]!.difference!;
      return {
        key,
        sign: spec.get(key)!.better === 'lower' ? 1 : -1,
        tolerance: tolerance(baseline[key]!.mean),
        mean: d.mean,
        ci: [d.low, d.high] as const,
      };
    }),
  );
}

/** Better scenarios first, by their mean KPIs in the objective's order; then the baseline, the undecided, the worse. */
function ranked(
  results: ScenarioResult[],
  objective: readonly string[],
  spec: Map<string, KpiSpec>,
): ScenarioResult[] {
  const base = results[0]!;
  return rankByVerdict(results, (a, b) => {
    for (const key of objective) {
      const sign = spec.get(key)!.better === 'lower' ? 1 : -1;
      const d = (a.kpis[key]!.mean - b.kpis[key]!.mean) * sign;
      if (Math.abs(d) > tolerance(base.kpis[key]!.mean)) return d;
    }
    return 0;
  });
}
