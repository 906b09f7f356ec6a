// A seeded random source and the usual distributions. Randomness is injected, never Math.random:
// a run is a pure function of its inputs and seed.
import { ModelError } from '../kernel/errors.ts';
import { type Seed, seedWords } from './seeds.ts';

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** sfc32: a small, fast generator with a 128-bit state, filled from any integer seed by splitmix64. */
export function seededRng(seed: Seed): Rng {
  let [a, b, c, d] = seedWords(seed, 4) as [number, number, number, number];
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** Draws from the usual distributions with an injected uniform source. */
export class Random {
  private spare = Number.NaN;
  readonly rng: Rng;

  constructor(seedOrRng: Seed | Rng = 1) {
    this.rng = typeof seedOrRng === 'function' ? seedOrRng : seededRng(seedOrRng);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.rng();
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.rng();
  }

  /** Whole number in [min, max]. */
  integer(min: number, max: number): number {
    return min + Math.floor((max - min + 1) * this.rng());
  }

  triangular(min: number, mode: number, max: number): number {
    const u = this.rng();
    const c = max === min ? 0.5 : (mode - min) / (max - min);
    return u < c
      ? min + Math.sqrt(u * (max - min) * (mode - min))
      : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.rng());
  }

  /** Standard normal by the polar Box–Muller method. */
  standardNormal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return z;
    }
    for (;;) {
      const u = 2 * this.rng() - 1;
      const v = 2 * this.rng() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spare = v * f;
        return u * f;
      }
    }
  }

  normal(mean: number, sd: number): number {
    return mean + sd * this.standardNormal();
  }

  /** Normal truncated at zero: redrawn while negative (a duration is never negative). */
  truncatedNormal(mean: number, sd: number): number {
    for (let i = 0; i < 1000; i++) {
      const x = this.normal(mean, sd);
      if (x >= 0) return x;
    }
    return 0;
  }

  /** Lognormal with the given mean and standard deviation of the variable itself. */
  lognormal(mean: number, sd: number): number {
    const sigma2 = lognormalSigma2(mean, sd);
    return Math.exp(Math.log(mean) - sigma2 / 2 + Math.sqrt(sigma2) * this.standardNormal());
  }

  /** One of `values`, with probabilities proportional to `weights` (equal if omitted). */
  empirical(values: readonly number[], weights?: readonly number[]): number {
    if (weights === undefined) return values[Math.floor(this.rng() * values.length)]!;
    const total = weights.reduce((s, w) => s + w, 0);
    let u = this.rng() * total;
    for (let i = 0; i < values.length; i++) {
      u -= weights[i]!;
      if (u < 0) return values[i]!;
    }
    return values[values.length - 1]!;
  }
}

/**
 * The largest time, duration or weight a model may hold: below 2^53, where a clock still moves on
 * by one unit, and far enough below the largest double that no draw, mean or sum overflows.
 */
export const MAX_MODEL_VALUE = 1e15;

/**
 * The sigma² of a lognormal with the given mean and sd of the variable itself. A ratio of sd to
 * mean beyond what a double holds (sd 1, mean 1e-300) makes it infinite or NaN, and every draw with it.
 */
export const lognormalSigma2 = (mean: number, sd: number): number => Math.log(1 + (sd * sd) / (mean * mean));

/** A distribution as data, as written in a model file. A plain number means a fixed value. */
export type DistributionSpec =
  | number
  | { dist: 'deterministic'; value: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'triangular'; min: number; mode: number; max: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'normal'; mean: number; sd: number }
  | { dist: 'lognormal'; mean: number; sd: number }
  | { dist: 'empirical'; values: number[]; weights?: number[] };

/** Draws from a distribution; `mean` is its expected value (the deterministic forecast uses it). */
export interface Sampler {
  sample(): number;
  readonly mean: number;
  /**
   * The expected value of a draw known to exceed `x` (E[X | X > x]); undefined when no draw can
   * exceed it. The deterministic forecast's remaining time of a step already `x` long.
   */
  meanAbove(x: number): number | undefined;
}

/** Turns a distribution spec into a sampler; `deterministic` makes every draw the mean. */
export function sampler(spec: DistributionSpec, random: Random, deterministic = false): Sampler {
  const { mean, draw, meanAbove } = distributionOf(spec, random);
  return { mean, sample: deterministic ? () => mean : draw, meanAbove };
}

/** What a spec stands for: its mean, a draw, and its mean above a value. */
interface Distribution {
  mean: number;
  draw: () => number;
  meanAbove: (x: number) => number | undefined;
}

function distributionOf(spec: DistributionSpec, r: Random): Distribution {
  if (typeof spec === 'number') return fixed(spec);
  const need = (ok: boolean, what: string): void => {
    if (!ok) throw new ModelError(`distribution ${spec.dist}: ${what}`);
  };
  // Every parameter finite and at most MAX_MODEL_VALUE, so that no draw or derived parameter overflows.
  for (const [field, value] of Object.entries(spec)) {
    if (field === 'dist') continue;
    for (const x of Array.isArray(value) ? value : [value]) {
      need(
        typeof x === 'number' && Number.isFinite(x) && x <= MAX_MODEL_VALUE,
        `${field} must be a finite number of at most 1e15, got ${x}`,
      );
    }
  }
  switch (spec.dist) {
    case 'deterministic':
      return fixed(spec.value);
    case 'uniform': {
      need(spec.min <= spec.max, 'min must not exceed max');
      const { min, max } = spec;
      return {
        mean: (min + max) / 2,
        draw: () => r.uniform(min, max),
        meanAbove: (x) => (x >= max ? undefined : (Math.max(x, min) + max) / 2),
      };
    }
    case 'triangular': {
      need(spec.min <= spec.mode && spec.mode <= spec.max, 'needs min <= mode <= max');
      const { min, mode, max } = spec;
      return {
        mean: (min + mode + max) / 3,
        draw: () => r.triangular(min, mode, max),
        meanAbove: (x) => triangularMeanAbove(min, mode, max, x),
      };
    }
    case 'exponential':
      need(spec.mean > 0, 'mean must be > 0');
      // Memoryless: what is left after any time has the same mean.
      return {
        mean: spec.mean,
        draw: () => r.exponential(spec.mean),
        meanAbove: (x) => Math.max(x, 0) + spec.mean,
      };
    case 'normal': {
      // Truncation at zero redraws negative values: with a mean below zero most draws would be redrawn.
      need(spec.mean >= 0 && spec.sd >= 0, 'needs mean >= 0 and sd >= 0');
      const { mean, sd } = spec;
      return {
        mean: truncatedNormalMean(mean, sd),
        draw: () => r.truncatedNormal(mean, sd),
        meanAbove: (x) => (sd === 0 ? above(mean, x) : normalMeanAbove(mean, sd, Math.max(x, 0))),
      };
    }
    case 'lognormal': {
      need(spec.mean > 0 && spec.sd >= 0, 'needs mean > 0 and sd >= 0');
      need(
        Number.isFinite(lognormalSigma2(spec.mean, spec.sd)),
        `sd ${spec.sd} is too large for the mean ${spec.mean} (or the mean too small): its sigma is not a finite number`,
      );
      const { mean, sd } = spec;
      return {
        mean,
        draw: () => r.lognormal(mean, sd),
        meanAbove: (x) => (sd === 0 ? above(mean, x) : lognormalMeanAbove(mean, sd, x)),
      };
    }
    case 'empirical': {
      need(spec.values.length > 0, 'needs at least one value');
      const w = spec.weights;
      need(
        w === undefined ||
          (w.length === spec.values.length && w.every((x) => x >= 0) && w.some((x) => x > 0)),
        'needs one weight >= 0 per value, not all zero',
      );
      const weightOf = (i: number) => (w ? w[i]! : 1);
      const meanOver = (keep: (v: number) => boolean): number | undefined => {
        let total = 0;
        let sum = 0;
        spec.values.forEach((v, i) => {
          if (!keep(v) || weightOf(i) === 0) return;
          total += weightOf(i);
          sum += v * weightOf(i);
        });
        return total === 0 ? undefined : sum / total;
      };
      return {
        mean: meanOver(() => true)!,
        draw: () => r.empirical(spec.values, w),
        meanAbove: (x) => meanOver((v) => v > x),
      };
    }
    default:
      throw new ModelError(`unknown distribution ${JSON.stringify((spec as { dist?: unknown }).dist)}`);
  }
}

function fixed(value: number): Distribution {
  if (!Number.isFinite(value)) throw new ModelError(`a fixed value must be a finite number, got ${value}`);
  if (value > MAX_MODEL_VALUE) throw new ModelError(`a fixed value must be at most 1e15, got ${value}`);
  return { mean: value, draw: () => value, meanAbove: (x) => above(value, x) };
}

/** E[X | X > x] of a fixed value: itself, if it exceeds x. */
const above = (value: number, x: number) => (value > x ? value : undefined);

/** E[X | X > x] of a triangular(min, mode, max): exact, by Simpson's rule on each linear piece of the density. */
function triangularMeanAbove(min: number, mode: number, max: number, x: number): number | undefined {
  if (x >= max) return undefined;
  if (x < min || min === max) return (min + mode + max) / 3;
  const peak = 2 / (max - min);
  const pdf = (t: number) =>
    t < mode ? (peak * (t - min)) / (mode - min) : t > mode ? (peak * (max - t)) / (max - mode) : peak;
  // Over [a, b] the density is linear: t·pdf(t) is quadratic, so Simpson's rule is exact.
  const simpson = (f: (t: number) => number, a: number, b: number) =>
    ((b - a) / 6) * (f(a) + 4 * f((a + b) / 2) + f(b));
  const pieces: [number, number][] =
    x < mode
      ? [
          [x, mode],
          [mode, max],
        ]
      : [[x, max]];
  let mass = 0;
  let moment = 0;
  for (const [a, b] of pieces) {
    if (b <= a) continue;
    mass += simpson(pdf, a, b);
    moment += simpson((t) => t * pdf(t), a, b);
  }
  return mass > 0 ? moment / mass : undefined;
}

/** E[X | X > x] of a normal(mean, sd), x >= 0 (so the truncation at zero plays no part). */
function normalMeanAbove(mean: number, sd: number, x: number): number | undefined {
  const a = (x - mean) / sd;
  const tail = 1 - normalCdf(a);
  if (tail < 1e-12) return undefined;
  return mean + (sd * Math.exp((-a * a) / 2)) / Math.sqrt(2 * Math.PI) / tail;
}

/** E[X | X > x] of a lognormal with the given mean and sd of the variable itself. */
function lognormalMeanAbove(mean: number, sd: number, x: number): number | undefined {
  if (x <= 0) return mean;
  const sigma = Math.sqrt(lognormalSigma2(mean, sd));
  // An sd too small beside the mean to move sigma off 0 (sd 1, mean 1e15): a fixed value.
  if (sigma === 0) return above(mean, x);
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  const z = (Math.log(x) - mu) / sigma;
  const tail = 1 - normalCdf(z);
  if (tail < 1e-12) return undefined;
  return (mean * (1 - normalCdf(z - sigma))) / tail;
}

/** Mean of a normal(mean, sd) truncated below at zero. */
function truncatedNormalMean(mean: number, sd: number): number {
  if (sd === 0) return Math.max(0, mean);
  const a = -mean / sd;
  const pdf = Math.exp((-a * a) / 2) / Math.sqrt(2 * Math.PI);
  const tail = 1 - normalCdf(a);
  return tail <= 0 ? 0 : mean + (sd * pdf) / tail;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 on erf; error < 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
