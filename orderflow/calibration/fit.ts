// Fitting a distribution to observed times: each family a model file can declare (fixed, uniform,
// triangular, exponential, normal, lognormal) fitted to the samples, and the one closest to them by
// the Kolmogorov–Smirnov statistic chosen. Pure: samples in, a distribution spec and its goodness of
// fit out, in whatever unit the samples are.
import { type DistributionSpec, scaleDistribution } from '../../sim-core/random/Random.ts';

/** The families a fit may choose, as sim-core names them. */
export const FIT_FAMILIES = [
  'deterministic',
  'uniform',
  'triangular',
  'exponential',
  'normal',
  'lognormal',
] as const;
export type FitFamily = (typeof FIT_FAMILIES)[number];

/** A distribution fitted to samples, with how well it fits them. */
export interface DistributionFit {
  family: FitFamily;
  /** The fitted distribution, as a model file writes it (in the samples' unit). */
  spec: Exclude<DistributionSpec, number>;
  /** Samples it was fitted to. */
  n: number;
  /** The samples' mean and standard deviation. */
  mean: number;
  sd: number;
  /** Kolmogorov–Smirnov statistic: the largest gap between the samples' and the fit's CDF. */
  ksD: number;
  /** D beyond which the fit is refused at the 5 % level (parameters taken as known: a lenient bound). */
  ksCritical: number;
  /** Approximate p-value of D (Kolmogorov's distribution, Stephens' correction for n). */
  pValue: number;
}

/** A family's CDF for its fitted parameters; undefined when the family cannot describe the samples. */
interface Candidate {
  family: FitFamily;
  spec: Exclude<DistributionSpec, number>;
  cdf: (x: number) => number;
}

/** Mean and (sample) standard deviation. */
export function moments(values: readonly number[]): { mean: number; sd: number } {
  const n = values.length;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return { mean, sd: n > 1 ? Math.sqrt(squares / (n - 1)) : 0 };
}

/** The standard normal CDF (Abramowitz–Stegun 7.1.26 for erf: error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** The candidates of every family that can describe `sorted` (ascending, at least two distinct values). */
function candidates(sorted: readonly number[], mean: number, sd: number): Candidate[] {
  const n = sorted.length;
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  const list: Candidate[] = [];
  // Uniform: the samples' range widened by one expected gap at each end (the minimum-variance unbiased estimate).
  const gap = (max - min) / (n - 1);
  const [a, b] = [min - gap, max + gap];
  list.push({
    family: 'uniform',
    spec: { dist: 'uniform', min: a, max: b },
    cdf: (x) => (x <= a ? 0 : x >= b ? 1 : (x - a) / (b - a)),
  });
  // Triangular: the same ends, the mode where the mean puts it ((min + mode + max) / 3 = mean).
  const mode = Math.min(b, Math.max(a, 3 * mean - a - b));
  list.push({
    family: 'triangular',
    spec: { dist: 'triangular', min: a, mode, max: b },
    cdf: (x) => {
      if (x <= a) return 0;
      if (x >= b) return 1;
      if (x <= mode) return mode === a ? 0 : (x - a) ** 2 / ((b - a) * (mode - a));
      return b === mode ? 1 : 1 - (b - x) ** 2 / ((b - a) * (b - mode));
    },
  });
  // sim-core's normal is truncated at zero: only a mean >= 0 is a valid one.
  if (mean >= 0 && sd > 0) {
    list.push({
      family: 'normal',
      spec: { dist: 'normal', mean, sd },
      cdf: (x) => normalCdf((x - mean) / sd),
    });
  }
  if (min > 0) {
    list.push({
      family: 'exponential',
      spec: { dist: 'exponential', mean },
      cdf: (x) => (x <= 0 ? 0 : 1 - Math.exp(-x / mean)),
    });
    // Lognormal by its logs' moments, written as sim-core takes it: the mean and sd of the value itself.
    const logs = moments(sorted.map(Math.log));
    if (logs.sd > 0) {
      const mu = logs.mean;
      const sigma = logs.sd;
      list.push({
        family: 'lognormal',
        spec: {
          dist: 'lognormal',
          mean: Math.exp(mu + sigma ** 2 / 2),
          sd: Math.exp(mu + sigma ** 2 / 2) * Math.sqrt(Math.expm1(sigma ** 2)),
        },
        cdf: (x) => (x <= 0 ? 0 : normalCdf((Math.log(x) - mu) / sigma)),
      });
    }
  }
  return list;
}

/** The Kolmogorov–Smirnov statistic of `sorted` (ascending) against `cdf`. */
export function ksStatistic(sorted: readonly number[], cdf: (x: number) => number): number {
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

/** Stephens' scaling of D for a sample of n: the quantity whose distribution hardly depends on n. */
const scaledD = (d: number, n: number) => (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) * d;

/** The 5 % critical value of D for n samples. */
export function ksCritical(n: number): number {
  return 1.358 / (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n));
}

/** P(D ≥ d) for n samples, by Kolmogorov's limiting distribution (Numerical Recipes' probks). */
export function ksPValue(d: number, n: number): number {
  const lambda = scaledD(d, n);
  if (lambda < 0.2) return 1;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 === 1 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-10) break;
  }
  return Math.min(1, Math.max(0, sum));
}

/**
 * The distribution that fits `values` best: of the families that can describe them, the one with
 * the smallest Kolmogorov–Smirnov D (a tie: the earlier in FIT_FAMILIES, the simpler). Values all
 * equal are that value, fixed. Throws on no values, or any that is not a finite number.
 */
export function fitDistribution(values: readonly number[]): DistributionFit {
  if (values.length === 0) throw new RangeError('fitDistribution: no samples');
  for (const v of values) {
    if (!Number.isFinite(v)) throw new RangeError(`fitDistribution: a sample is not a finite number (${v})`);
  }
  const sorted = [...values].sort((x, y) => x - y);
  const n = sorted.length;
  const { mean, sd } = moments(sorted);
  const figures = { n, mean, sd, ksCritical: ksCritical(n) };
  if (sorted[0] === sorted[n - 1]) {
    return {
      family: 'deterministic',
      spec: { dist: 'deterministic', value: mean },
      ...figures,
      ksD: 0,
      pValue: 1,
    };
  }
  let best: { candidate: Candidate; d: number } | undefined;
  for (const candidate of candidates(sorted, mean, sd)) {
    const d = ksStatistic(sorted, candidate.cdf);
    if (best === undefined || d < best.d) best = { candidate, d };
  }
  const { candidate, d } = best!;
  return { family: candidate.family, spec: candidate.spec, ...figures, ksD: d, pValue: ksPValue(d, n) };
}

/** The mean of a distribution spec as sim-core draws it (a normal's truncation at zero aside). */
export function specMean(spec: DistributionSpec): number | undefined {
  if (typeof spec === 'number') return spec;
  switch (spec.dist) {
    case 'deterministic':
      return spec.value;
    case 'uniform':
      return (spec.min + spec.max) / 2;
    case 'triangular':
      return (spec.min + spec.mode + spec.max) / 3;
    case 'exponential':
    case 'normal':
    case 'lognormal':
      return spec.mean;
    case 'empirical': {
      const w = spec.weights ?? spec.values.map(() => 1);
      const total = w.reduce((s, x) => s + x, 0);
      return total === 0 ? undefined : spec.values.reduce((s, v, i) => s + v * w[i]!, 0) / total;
    }
  }
}

/** `spec` with every time in it multiplied by `factor` (a change of unit). */
export const scaleSpec = scaleDistribution;
