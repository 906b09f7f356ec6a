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

  /**
   * Forgets the second normal of the last pair drawn: for a source that switches streams (see
   * KeyedStreams), so that no draw of one stream is carried into another.
   */
  forgetSpare(): void {
    this.spare = Number.NaN;
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
    return triangularQuantile(min, mode, max, this.rng());
  }

  /**
   * A triangular(min, mode, max) draw known to exceed `x` (x < max): by its inverse distribution
   * function over the share of draws above x, so one uniform number per draw.
   */
  triangularAbove(min: number, mode: number, max: number, x: number): number {
    if (x <= min) return this.triangular(min, mode, max);
    // On the falling side the tail is a smaller triangle of the same shape: scaled, without rounding.
    if (x >= mode) return max - (max - x) * Math.sqrt(1 - this.rng());
    const below = ((x - min) * (x - min)) / ((max - min) * (mode - min));
    return Math.max(x, triangularQuantile(min, mode, max, below + (1 - below) * this.rng()));
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

  /**
   * A standard normal known to exceed `a`. Below a = 0.5 by redrawing while it does not (at least
   * 3 draws in 10 are kept); from 0.5 on by Robert's shifted exponential proposal (Statistics and
   * Computing 5, 1995), which keeps at least 3 in 4 however far out `a` lies. Either way at most
   * MAX_REJECTIONS tries: then `a` itself (a chance below 1e-150).
   */
  standardNormalAbove(a: number): number {
    if (a < 0.5) {
      for (let i = 0; i < MAX_REJECTIONS; i++) {
        const z = this.standardNormal();
        if (z > a) return z;
      }
      return a;
    }
    const rate = (a + Math.sqrt(a * a + 4)) / 2;
    for (let i = 0; i < MAX_REJECTIONS; i++) {
      const z = a - Math.log(1 - this.rng()) / rate;
      if (this.rng() <= Math.exp(-((z - rate) * (z - rate)) / 2)) return z;
    }
    return a;
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

  /** One of `values`, with probabilities proportional to `weights` (equal if omitted); `total`: their sum, if known. */
  empirical(values: readonly number[], weights?: readonly number[], total?: number): number {
    if (weights === undefined) return values[Math.floor(this.rng() * values.length)]!;
    let u = this.rng() * (total ?? weights.reduce((s, w) => s + w, 0));
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

/** The most tries of a draw by rejection (a conditional normal or lognormal one). */
export const MAX_REJECTIONS = 1000;

/**
 * The triangular(min, mode, max) value below which a share u of its draws lies; kept within
 * [min, max], which rounding can leave when the range is so small that its square is subnormal.
 */
function triangularQuantile(min: number, mode: number, max: number, u: number): number {
  const c = max === min ? 0.5 : (mode - min) / (max - min);
  const x =
    u < c
      ? min + Math.sqrt(u * (max - min) * (mode - min))
      : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
  return Math.min(max, Math.max(min, x));
}

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
  /**
   * A draw known to exceed `x` (X given X > x): what is left of a duration already `x` long, or a
   * supplier's slip once it is `x` late. Undefined exactly where `meanAbove` is. In closed form
   * where the distribution allows (fixed, uniform, triangular, exponential, empirical); a normal or
   * lognormal draws its standard normal by rejection, with a bound (`Random.standardNormalAbove`).
   * A deterministic sampler gives `meanAbove(x)`.
   */
  drawAbove(x: number): number | undefined;
}

/** Turns a distribution spec into a sampler; `deterministic` makes every draw the mean. */
export function sampler(spec: DistributionSpec, random: Random, deterministic = false): Sampler {
  const { mean, draw, meanAbove, drawAbove } = distributionOf(spec, random);
  return {
    mean,
    sample: deterministic ? () => mean : draw,
    meanAbove,
    drawAbove: deterministic ? meanAbove : (x) => (meanAbove(x) === undefined ? undefined : drawAbove(x)),
  };
}

/** What a spec stands for: its mean, a draw, its mean above a value, and a draw above it. */
interface Distribution {
  mean: number;
  draw: () => number;
  meanAbove: (x: number) => number | undefined;
  /** Called only where meanAbove(x) is defined: some draw exceeds x. */
  drawAbove: (x: number) => number;
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
        drawAbove: (x) => r.uniform(Math.max(x, min), max),
      };
    }
    case 'triangular': {
      need(spec.min <= spec.mode && spec.mode <= spec.max, 'needs min <= mode <= max');
      const { min, mode, max } = spec;
      return {
        mean: (min + mode + max) / 3,
        draw: () => r.triangular(min, mode, max),
        meanAbove: (x) => triangularMeanAbove(min, mode, max, x),
        drawAbove: (x) => r.triangularAbove(min, mode, max, x),
      };
    }
    case 'exponential':
      need(spec.mean > 0, 'mean must be > 0');
      // Memoryless: what is left after any time has the same mean.
      return {
        mean: spec.mean,
        draw: () => r.exponential(spec.mean),
        meanAbove: (x) => Math.max(x, 0) + spec.mean,
        drawAbove: (x) => Math.max(x, 0) + r.exponential(spec.mean),
      };
    case 'normal': {
      // Truncation at zero redraws negative values: with a mean below zero most draws would be redrawn.
      need(spec.mean >= 0 && spec.sd >= 0, 'needs mean >= 0 and sd >= 0');
      const { mean, sd } = spec;
      return {
        mean: truncatedNormalMean(mean, sd),
        draw: () => r.truncatedNormal(mean, sd),
        meanAbove: (x) => (sd === 0 ? above(mean, x) : normalMeanAbove(mean, sd, Math.max(x, 0))),
        // Above x >= 0, the truncation at zero plays no part.
        drawAbove: (x) =>
          sd === 0 ? mean : Math.max(x, mean + sd * r.standardNormalAbove((Math.max(x, 0) - mean) / sd)),
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
        drawAbove: (x) => {
          const sigma = Math.sqrt(lognormalSigma2(mean, sd));
          if (x <= 0 || sigma === 0) return x <= 0 ? r.lognormal(mean, sd) : mean;
          // log X is normal: above log x.
          const mu = Math.log(mean) - (sigma * sigma) / 2;
          return Math.max(x, Math.exp(mu + sigma * r.standardNormalAbove((Math.log(x) - mu) / sigma)));
        },
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
      const total = w?.reduce((s, x) => s + x, 0);
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
        draw: () => r.empirical(spec.values, w, total),
        meanAbove: (x) => meanOver((v) => v > x),
        // One of the values above x, in their weights.
        drawAbove: (x) => {
          const values: number[] = [];
          const weights: number[] = [];
          spec.values.forEach((v, i) => {
            if (v <= x) return;
            values.push(v);
            weights.push(weightOf(i));
          });
          return r.empirical(values, weights);
        },
      };
    }
    default:
      throw new ModelError(`unknown distribution ${JSON.stringify((spec as { dist?: unknown }).dist)}`);
  }
}

function fixed(value: number): Distribution {
  if (!Number.isFinite(value)) throw new ModelError(`a fixed value must be a finite number, got ${value}`);
  if (value > MAX_MODEL_VALUE) throw new ModelError(`a fixed value must be at most 1e15, got ${value}`);
  return { mean: value, draw: () => value, meanAbove: (x) => above(value, x), drawAbove: () => value };
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
  const tail = normalTail(a);
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
  const tail = normalTail(z);
  if (tail < 1e-12) return undefined;
  return (mean * normalTail(z - sigma)) / tail;
}

/** Mean of a normal(mean, sd) truncated below at zero. */
function truncatedNormalMean(mean: number, sd: number): number {
  if (sd === 0) return Math.max(0, mean);
  const a = -mean / sd;
  const pdf = Math.exp((-a * a) / 2) / Math.sqrt(2 * Math.PI);
  const tail = normalTail(a);
  return tail <= 0 ? 0 : mean + (sd * pdf) / tail;
}

/**
 * The standard normal's upper tail, 1 − Φ(x), to a relative error below 1.2e-7 however far out
 * (the Chebyshev fit of erfc in Numerical Recipes, 6.2): a conditional mean far in a tail divides
 * by it, which 1 − Φ(x) with Φ to an absolute error would not allow.
 */
function normalTail(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  let poly = 0;
  for (let i = ERFC.length - 1; i >= 0; i--) poly = ERFC[i]! + t * poly;
  const erfc = t * Math.exp(-z * z + poly);
  return x >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** The coefficients of normalTail's fit, lowest power first. */
const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/** `spec` with every time in it multiplied by `factor` (a change of unit, a slower machine). */
export function scaleDistribution<S extends DistributionSpec>(spec: S, factor: number): S {
  return scaledSpec(spec, factor) as S;
}

function scaledSpec(spec: DistributionSpec, factor: number): DistributionSpec {
  if (typeof spec === 'number') return spec * factor;
  switch (spec.dist) {
    case 'deterministic':
      return { ...spec, value: spec.value * factor };
    case 'uniform':
      return { ...spec, min: spec.min * factor, max: spec.max * factor };
    case 'triangular':
      return { ...spec, min: spec.min * factor, mode: spec.mode * factor, max: spec.max * factor };
    case 'exponential':
      return { ...spec, mean: spec.mean * factor };
    case 'normal':
    case 'lognormal':
      return { ...spec, mean: spec.mean * factor, sd: spec.sd * factor };
    case 'empirical':
      return { ...spec, values: spec.values.map((v) => v * factor) };
  }
}
