// Unit and property tests of the seeded random source, its distributions and the samplers built
// from distribution specs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DistributionSpec,
  MAX_REJECTIONS,
  ModelError,
  Random,
  sampler,
  seededRng,
} from '../../sim-core/index.ts';

const DRAWS = 20_000;

function draws(n: number, draw: () => number): number[] {
  return Array.from({ length: n }, draw);
}

function mean(values: readonly number[]): number {
  return values.reduce((s, x) => s + x, 0) / values.length;
}

function sd(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((s, x) => s + (x - m) ** 2, 0) / (values.length - 1));
}

describe('seededRng and Random', () => {
  it('gives the same sequence for the same seed', () => {
    const a = seededRng(2024);
    const b = seededRng(2024);

    const first = draws(100, a);
    const second = draws(100, b);

    expect(first).toEqual(second);
  });

  it('gives different sequences for different seeds', () => {
    const first = draws(20, seededRng(1));
    const second = draws(20, seededRng(2));

    const same = first.filter((x, i) => x === second[i]).length;

    expect(same).toBe(0);
  });

  it('gives the same draws from Random instances with the same seed', () => {
    const a = new Random(99);
    const b = new Random(99);

    const first = draws(50, () => a.exponential(3) + a.normal(0, 1));
    const second = draws(50, () => b.exponential(3) + b.normal(0, 1));

    expect(first).toEqual(second);
  });

  it('defaults to seed 1', () => {
    const byDefault = new Random();
    const seeded = new Random(1);

    expect(draws(10, () => byDefault.next())).toEqual(draws(10, () => seeded.next()));
  });

  it('draws from an injected uniform source', () => {
    const values = [0.25, 0.5, 0.75];
    let i = 0;
    const random = new Random(() => values[i++ % values.length]!);

    const drawn = draws(3, () => random.uniform(0, 8));

    expect(drawn).toEqual([2, 4, 6]);
  });

  it('yields uniform numbers in [0, 1) with mean one half for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const rng = seededRng(seed);

        const values = draws(2000, rng);

        expect(values.every((x) => x >= 0 && x < 1)).toBe(true);
        expect(mean(values)).toBeCloseTo(0.5, 1);
      }),
      { numRuns: 50 },
    );
  });

  it('draws uniform numbers within [min, max)', () => {
    const random = new Random(3);

    const values = draws(DRAWS, () => random.uniform(2, 6));

    expect(Math.min(...values)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...values)).toBeLessThan(6);
    expect(mean(values)).toBeCloseTo(4, 1);
  });

  it('draws whole numbers covering [min, max] inclusive', () => {
    const random = new Random(4);

    const values = draws(DRAWS, () => random.integer(1, 6));

    expect(values.every(Number.isInteger)).toBe(true);
    expect([...new Set(values)].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('draws standard normal numbers with mean 0 and standard deviation 1', () => {
    const random = new Random(5);

    const values = draws(DRAWS, () => random.standardNormal());

    expect(Math.abs(mean(values))).toBeLessThan(0.03);
    expect(sd(values)).toBeCloseTo(1, 1);
  });

  it('draws normal numbers with the given mean and standard deviation', () => {
    const random = new Random(6);

    const values = draws(DRAWS, () => random.normal(-4, 3));

    expect(mean(values)).toBeCloseTo(-4, 1);
    expect(sd(values)).toBeCloseTo(3, 1);
    expect(values.some((x) => x < 0)).toBe(true);
  });

  it('draws lognormal numbers with the given mean and standard deviation of the variable', () => {
    const random = new Random(7);

    const values = draws(DRAWS, () => random.lognormal(5, 2));

    expect(values.every((x) => x > 0)).toBe(true);
    expect(mean(values)).toBeCloseTo(5, 1);
    expect(Math.abs(sd(values) - 2)).toBeLessThan(0.1);
  });

  it('never draws a negative truncated normal number', () => {
    const random = new Random(8);

    const values = draws(DRAWS, () => random.truncatedNormal(1, 3));

    expect(values.every((x) => x >= 0)).toBe(true);
  });

  it('draws triangular numbers within [min, max], more of them near the mode', () => {
    const random = new Random(9);

    const values = draws(DRAWS, () => random.triangular(2, 3, 10));
    const nearMode = values.filter((x) => x >= 2.5 && x < 3.5).length;
    const nearMax = values.filter((x) => x >= 9 && x < 10).length;

    expect(Math.min(...values)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...values)).toBeLessThanOrEqual(10);
    expect(nearMode).toBeGreaterThan(5 * nearMax);
  });

  it('keeps triangular draws within [min, max] when the range is so small that its square underflows', () => {
    const random = new Random(455);
    const max = 1.574569680089612e-162;

    const values = draws(1_000, () => random.triangular(0, 0, max));

    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(max);
  });

  it('draws the single value of a triangular distribution with min equal to max', () => {
    const random = new Random(10);

    const values = draws(100, () => random.triangular(4, 4, 4));

    expect(new Set(values)).toEqual(new Set([4]));
  });

  it('draws only the given empirical values, equally often without weights', () => {
    const random = new Random(11);

    const values = draws(DRAWS, () => random.empirical([3, 7, 11, 13]));

    expect([...new Set(values)].sort((a, b) => a - b)).toEqual([3, 7, 11, 13]);
    for (const v of [3, 7, 11, 13]) {
      expect(values.filter((x) => x === v).length / DRAWS).toBeCloseTo(0.25, 1);
    }
  });

  it('respects the weights of empirical values', () => {
    const random = new Random(12);

    const values = draws(DRAWS, () => random.empirical([1, 2, 3], [6, 3, 1]));
    const share = (v: number): number => values.filter((x) => x === v).length / DRAWS;

    expect([...new Set(values)].sort()).toEqual([1, 2, 3]);
    expect(share(1)).toBeCloseTo(0.6, 1);
    expect(share(2)).toBeCloseTo(0.3, 1);
    expect(share(3)).toBeCloseTo(0.1, 1);
  });

  it('never draws an empirical value of weight zero', () => {
    const random = new Random(13);

    const values = draws(5000, () => random.empirical([1, 2, 3], [1, 0, 1]));

    expect(values.includes(2)).toBe(false);
  });

  it('returns the last empirical value when rounding leaves the top draw past every weight', () => {
    // 0.9999999999999999 * 1 - 0.1 - 0.2 - 0.7 is exactly 0 in floating point, never below it.
    const random = new Random(() => 0.9999999999999999);

    const value = random.empirical([1, 2, 3], [0.1, 0.2, 0.7]);

    expect(value).toBe(3);
  });
});

describe('sampler', () => {
  const cases: { name: string; spec: DistributionSpec; expectedMean: number; tolerance: number }[] = [
    { name: 'a plain number', spec: 4.5, expectedMean: 4.5, tolerance: 0 },
    { name: 'deterministic', spec: { dist: 'deterministic', value: 8 }, expectedMean: 8, tolerance: 0 },
    { name: 'uniform', spec: { dist: 'uniform', min: 2, max: 10 }, expectedMean: 6, tolerance: 0.1 },
    {
      name: 'triangular',
      spec: { dist: 'triangular', min: 1, mode: 2, max: 9 },
      expectedMean: 4,
      tolerance: 0.1,
    },
    { name: 'exponential', spec: { dist: 'exponential', mean: 7 }, expectedMean: 7, tolerance: 0.2 },
    // Truncated at zero: mean + sd * pdf(-mean/sd) / (1 - cdf(-mean/sd)) = 2.0183.
    { name: 'normal', spec: { dist: 'normal', mean: 1, sd: 2 }, expectedMean: 2.0183, tolerance: 0.05 },
    {
      name: 'normal far from zero',
      spec: { dist: 'normal', mean: 50, sd: 5 },
      expectedMean: 50,
      tolerance: 0.15,
    },
    { name: 'lognormal', spec: { dist: 'lognormal', mean: 6, sd: 3 }, expectedMean: 6, tolerance: 0.15 },
    {
      name: 'empirical',
      spec: { dist: 'empirical', values: [10, 20, 40], weights: [1, 2, 1] },
      expectedMean: 22.5,
      tolerance: 0.4,
    },
    {
      name: 'empirical without weights',
      spec: { dist: 'empirical', values: [1, 2, 6] },
      expectedMean: 3,
      tolerance: 0.1,
    },
  ];

  for (const { name, spec, expectedMean, tolerance } of cases) {
    it(`gives ${name} a mean that its draws average to`, () => {
      const s = sampler(spec, new Random(21));

      const values = draws(DRAWS, () => s.sample());

      expect(s.mean).toBeCloseTo(expectedMean, 3);
      expect(Math.abs(mean(values) - s.mean)).toBeLessThanOrEqual(tolerance);
    });

    it(`always draws the mean of ${name} when deterministic`, () => {
      const s = sampler(spec, new Random(22), true);

      const values = draws(50, () => s.sample());

      expect(values).toEqual(Array.from({ length: 50 }, () => s.mean));
      expect(s.mean).toBeCloseTo(expectedMean, 3);
    });
  }

  it('never draws a negative duration from a normal distribution', () => {
    const s = sampler({ dist: 'normal', mean: 0.5, sd: 4 }, new Random(23));

    const values = draws(DRAWS, () => s.sample());

    expect(values.every((x) => x >= 0)).toBe(true);
  });

  it('gives a normal distribution with no spread its mean', () => {
    const s = sampler({ dist: 'normal', mean: 3, sd: 0 }, new Random(24));

    expect(s.mean).toBe(3);
    expect(s.sample()).toBe(3);
  });

  it('gives a normal distribution truncated at zero the mean of the truncated distribution', () => {
    // mean 1, sd 2: P(X >= 0) = Φ(0.5); E[X | X >= 0] = 1 + 2·φ(0.5)/Φ(0.5) = 1 + 2·0.35207/0.69146 ≈ 2.0183
    const s = sampler({ dist: 'normal', mean: 1, sd: 2 }, new Random(25));

    const values = draws(DRAWS, () => s.sample());

    expect(s.mean).toBeCloseTo(2.0183, 3);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(s.mean, 1);
  });

  it('draws triangular values within [min, max]', () => {
    const s = sampler({ dist: 'triangular', min: 3, mode: 9, max: 9 }, new Random(26));

    const values = draws(DRAWS, () => s.sample());

    expect(values.every((x) => x >= 3 && x <= 9)).toBe(true);
  });

  it('draws only the given empirical values', () => {
    const s = sampler({ dist: 'empirical', values: [5, 15], weights: [3, 1] }, new Random(27));

    const values = draws(DRAWS, () => s.sample());

    expect(new Set(values)).toEqual(new Set([5, 15]));
    expect(values.filter((x) => x === 5).length / DRAWS).toBeCloseTo(0.75, 1);
  });

  it('draws the same sequence from the same seed', () => {
    const spec: DistributionSpec = { dist: 'exponential', mean: 2 };
    const a = sampler(spec, new Random(28));
    const b = sampler(spec, new Random(28));

    expect(draws(20, () => a.sample())).toEqual(draws(20, () => b.sample()));
  });

  it.each<[string, DistributionSpec, RegExp]>([
    [
      'uniform with min above max',
      { dist: 'uniform', min: 5, max: 1 },
      /distribution uniform: min must not exceed max/,
    ],
    [
      'triangular with the mode below min',
      { dist: 'triangular', min: 2, mode: 1, max: 5 },
      /distribution triangular: needs min <= mode <= max/,
    ],
    [
      'triangular with the mode above max',
      { dist: 'triangular', min: 2, mode: 6, max: 5 },
      /distribution triangular: needs min <= mode <= max/,
    ],
    [
      'exponential with mean zero',
      { dist: 'exponential', mean: 0 },
      /distribution exponential: mean must be > 0/,
    ],
    ['exponential with a negative mean', { dist: 'exponential', mean: -1 }, /mean must be > 0/],
    [
      'normal with a negative sd',
      { dist: 'normal', mean: 1, sd: -1 },
      /distribution normal: needs mean >= 0 and sd >= 0/,
    ],
    [
      'normal with a negative mean',
      { dist: 'normal', mean: -3, sd: 1 },
      /distribution normal: needs mean >= 0/,
    ],
    [
      'empirical whose weights are all zero',
      { dist: 'empirical', values: [1, 2], weights: [0, 0] },
      /distribution empirical: needs one weight >= 0 per value, not all zero/,
    ],
    [
      'lognormal with mean zero',
      { dist: 'lognormal', mean: 0, sd: 1 },
      /distribution lognormal: needs mean > 0/,
    ],
    ['lognormal with a negative sd', { dist: 'lognormal', mean: 1, sd: -1 }, /and sd >= 0/],
    [
      'empirical without values',
      { dist: 'empirical', values: [] },
      /distribution empirical: needs at least one value/,
    ],
    [
      'empirical with fewer weights than values',
      { dist: 'empirical', values: [1, 2, 3], weights: [1, 1] },
      /distribution empirical: needs one weight >= 0 per value/,
    ],
    [
      'empirical with a negative weight',
      { dist: 'empirical', values: [1, 2], weights: [1, -1] },
      /needs one weight >= 0 per value/,
    ],
    [
      'a non-finite plain number',
      Number.POSITIVE_INFINITY,
      /a fixed value must be a finite number, got Infinity/,
    ],
    ['a NaN plain number', Number.NaN, /a fixed value must be a finite number, got NaN/],
    [
      'a non-finite deterministic value',
      { dist: 'deterministic', value: Number.NaN },
      /must be a finite number/,
    ],
  ])('rejects %s with a ModelError', (_name, spec, message) => {
    const random = new Random(1);

    const build = (): unknown => sampler(spec, random);

    expect(build).toThrow(ModelError);
    expect(build).toThrow(message);
  });
});

describe('the mean of a draw above a value (E[X | X > x])', () => {
  const specs: [string, DistributionSpec][] = [
    ['uniform', { dist: 'uniform', min: 5, max: 15 }],
    ['triangular', { dist: 'triangular', min: 8, mode: 9, max: 13 }],
    ['triangular with its mode at min', { dist: 'triangular', min: 8, mode: 8, max: 13 }],
    ['triangular with its mode at max', { dist: 'triangular', min: 8, mode: 13, max: 13 }],
    ['exponential', { dist: 'exponential', mean: 10 }],
    ['normal', { dist: 'normal', mean: 10, sd: 3 }],
    ['lognormal', { dist: 'lognormal', mean: 10, sd: 3 }],
    ['empirical', { dist: 'empirical', values: [5, 10, 20], weights: [1, 2, 1] }],
  ];

  it.each(specs)('of a %s distribution is what its draws above it average', (_name, spec) => {
    const s = sampler(spec, new Random(3));
    const draws = Array.from({ length: 200_000 }, () => s.sample());

    for (const x of [0, 6, 9, 11, 12.9]) {
      const above = draws.filter((d) => d > x);
      const expected = above.reduce((sum, d) => sum + d, 0) / above.length;
      expect(s.meanAbove(x)!, `above ${x}`).toBeCloseTo(expected, 1);
    }
    expect(s.meanAbove(0)).toBeCloseTo(s.mean, 9);
  });

  it('is undefined where no draw can be that long, and the value itself for a fixed one', () => {
    const random = new Random(1);

    expect(sampler({ dist: 'uniform', min: 5, max: 15 }, random).meanAbove(15)).toBeUndefined();
    expect(sampler({ dist: 'triangular', min: 8, mode: 9, max: 13 }, random).meanAbove(13)).toBeUndefined();
    expect(sampler({ dist: 'empirical', values: [5, 10] }, random).meanAbove(10)).toBeUndefined();
    expect(sampler(7, random).meanAbove(6)).toBe(7);
    expect(sampler(7, random).meanAbove(7)).toBeUndefined();
    expect(sampler({ dist: 'normal', mean: 7, sd: 0 }, random).meanAbove(6)).toBe(7);
    expect(sampler({ dist: 'lognormal', mean: 7, sd: 0 }, random).meanAbove(8)).toBeUndefined();
    // Memoryless: an exponential time already 50 long has its whole mean still ahead.
    expect(sampler({ dist: 'exponential', mean: 10 }, random).meanAbove(50)).toBe(60);
  });
});

describe('a draw above a value (X given X > x)', () => {
  const specs: [string, DistributionSpec, number[]][] = [
    ['uniform', { dist: 'uniform', min: 5, max: 15 }, [0, 6, 11, 14.5]],
    ['triangular', { dist: 'triangular', min: 8, mode: 9, max: 13 }, [0, 8.5, 9, 11, 12]],
    ['triangular with its mode at min', { dist: 'triangular', min: 8, mode: 8, max: 13 }, [8, 10, 12]],
    ['triangular with its mode at max', { dist: 'triangular', min: 8, mode: 13, max: 13 }, [8.5, 12, 12.9]],
    ['exponential', { dist: 'exponential', mean: 10 }, [-1, 0, 5, 20]],
    ['normal', { dist: 'normal', mean: 10, sd: 3 }, [-1, 0, 9, 12, 15]],
    ['normal truncated at zero', { dist: 'normal', mean: 1, sd: 2 }, [0, 0.5, 3]],
    ['lognormal', { dist: 'lognormal', mean: 10, sd: 3 }, [0, 6, 9, 12, 15]],
    ['empirical', { dist: 'empirical', values: [0, 5, 15], weights: [0.65, 0.25, 0.1] }, [0, 3, 5, 10]],
  ];

  it.each(specs)('of a %s distribution is distributed as its draws above it are', (_name, spec, xs) => {
    const s = sampler(spec, new Random(31));
    const unconditional = Float64Array.from(draws(200_000, () => s.sample())).sort();
    const quantile = (sorted: Float64Array, p: number) => sorted[Math.floor(p * (sorted.length - 1))]!;

    for (const x of xs) {
      const above = unconditional.filter((d) => d > x);
      const drawn = Float64Array.from(draws(20_000, () => s.drawAbove(x) ?? Number.NaN)).sort();
      const spread = quantile(above, 0.95) - quantile(above, 0.05) || 1;

      expect(drawn[0]!, `above ${x}`).toBeGreaterThanOrEqual(x);
      expect(Math.abs(mean([...drawn]) - s.meanAbove(x)!) / spread, `mean above ${x}`).toBeLessThan(0.02);
      for (const p of [0.1, 0.5, 0.9]) {
        const off = Math.abs(quantile(drawn, p) - quantile(above, p)) / spread;
        expect(off, `P${100 * p} above ${x}`).toBeLessThan(0.03);
      }
    }
  });

  it('draws far into the tail of a normal or a lognormal, where redrawing would rarely get there', () => {
    // 6 and 5 standard deviations out: about one draw in 10^9 and in 3·10^6 exceeds them.
    const normal = sampler({ dist: 'normal', mean: 10, sd: 1 }, new Random(32));
    const lognormal = sampler({ dist: 'lognormal', mean: 10, sd: 3 }, new Random(33));

    const farNormal = draws(DRAWS, () => normal.drawAbove(16)!);
    const farLognormal = draws(DRAWS, () => lognormal.drawAbove(40)!);

    expect(Math.min(...farNormal)).toBeGreaterThan(16);
    // E[Z | Z > 6] = φ(6) / (1 − Φ(6)) = 6.15845 for a standard normal Z.
    expect(normal.meanAbove(16)).toBeCloseTo(16.15845, 4);
    expect(mean(farNormal)).toBeCloseTo(normal.meanAbove(16)!, 2);
    expect(Math.min(...farLognormal)).toBeGreaterThan(40);
    expect(Math.abs(mean(farLognormal) - lognormal.meanAbove(40)!)).toBeLessThan(0.1);
  });

  it('is undefined exactly where the mean above is, and that mean for a deterministic sampler', () => {
    const random = new Random(34);
    const cases: [DistributionSpec, number][] = [
      [{ dist: 'uniform', min: 5, max: 15 }, 15],
      [{ dist: 'triangular', min: 8, mode: 9, max: 13 }, 13],
      [{ dist: 'empirical', values: [0, 5, 15], weights: [1, 1, 0] }, 5],
      [{ dist: 'normal', mean: 10, sd: 1 }, 30],
      [{ dist: 'lognormal', mean: 7, sd: 0 }, 7],
      [7, 7],
    ];

    for (const [spec, x] of cases) {
      expect(sampler(spec, random).meanAbove(x)).toBeUndefined();
      expect(sampler(spec, random).drawAbove(x)).toBeUndefined();
    }
    expect(sampler(7, random).drawAbove(6)).toBe(7);
    expect(sampler({ dist: 'normal', mean: 7, sd: 0 }, random).drawAbove(6)).toBe(7);
    expect(sampler({ dist: 'lognormal', mean: 7, sd: 0 }, random).drawAbove(6)).toBe(7);
    // A value of weight 0 is never drawn, above a value or not.
    const empirical = sampler({ dist: 'empirical', values: [0, 5, 15], weights: [1, 0, 1] }, random);
    expect(new Set(draws(1000, () => empirical.drawAbove(1) ?? Number.NaN))).toEqual(new Set([15]));
    for (const [spec, x] of [
      ...cases,
      [{ dist: 'triangular', min: 8, mode: 9, max: 13 }, 10] as [DistributionSpec, number],
    ]) {
      const deterministic = sampler(spec, random, true);
      expect(deterministic.drawAbove(x)).toBe(deterministic.meanAbove(x));
      expect(deterministic.drawAbove(x - 1)).toBe(deterministic.meanAbove(x - 1));
    }
  });

  it('takes one uniform number per closed-form draw: uniform, triangular, exponential', () => {
    const used = (draw: (s: ReturnType<typeof sampler>) => unknown, spec: DistributionSpec) => {
      let calls = 0;
      const s = sampler(
        spec,
        new Random(() => {
          calls++;
          return 0.3;
        }),
      );
      draw(s);
      return calls;
    };

    expect(used((s) => s.drawAbove(6), { dist: 'uniform', min: 5, max: 15 })).toBe(1);
    expect(used((s) => s.drawAbove(8.5), { dist: 'triangular', min: 8, mode: 9, max: 13 })).toBe(1);
    expect(used((s) => s.drawAbove(10), { dist: 'triangular', min: 8, mode: 9, max: 13 })).toBe(1);
    expect(used((s) => s.drawAbove(50), { dist: 'exponential', mean: 10 })).toBe(1);
  });

  it('gives up redrawing a standard normal above a value after MAX_REJECTIONS tries, with the value itself', () => {
    // A source that never gives a normal draw above 0.4 (polar method: −0.5·f, then 0), nor one
    // the exponential proposal keeps (1 − 1e-9: far out, and always refused).
    const cycle = [0.25, 0.5];
    let i = 0;
    const low = new Random(() => cycle[i++ % 2]!);
    let calls = 0;
    const high = new Random(() => {
      calls++;
      return 1 - 1e-9;
    });

    expect(low.standardNormalAbove(0.4)).toBe(0.4);
    expect(high.standardNormalAbove(3)).toBe(3);
    expect(calls).toBe(2 * MAX_REJECTIONS);
  });
});
