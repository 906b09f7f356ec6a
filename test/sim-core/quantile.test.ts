// Nearest-rank quantiles: every quantile is one of the values, the smallest with at least a share q at or below it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nearestRank, quantileOf, Samples } from '../../sim-core/index.ts';

describe('nearest-rank quantiles', () => {
  it('picks the value at rank ceil(q · n), clamped to the first and the last', () => {
    const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];

    expect(nearestRank(sorted, 0)).toBe(10);
    expect(nearestRank(sorted, 0.1)).toBe(10);
    expect(nearestRank(sorted, 0.11)).toBe(20);
    expect(nearestRank(sorted, 0.5)).toBe(50);
    expect(nearestRank(sorted, 0.9)).toBe(90);
    expect(nearestRank(sorted, 1)).toBe(100);
    expect(nearestRank([7], 0.95)).toBe(7);
  });

  it('is NaN for no values', () => {
    expect(nearestRank([], 0.5)).toBeNaN();
    expect(quantileOf([], 0.5)).toBeNaN();
    expect(new Samples().quantile(0.5)).toBeNaN();
  });

  it('sorts numerically, not as text, when the values come unsorted', () => {
    expect(quantileOf([100, 9, 20], 0.5)).toBe(20);
    expect(quantileOf([3, -1, 2], 0)).toBe(-1);
  });

  it('is a value of the input with at least a share q of the values at or below it, and the smallest such', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const x = quantileOf(values, q);

          expect(values).toContain(x);
          const atOrBelow = values.filter((v) => v <= x).length;
          expect(atOrBelow).toBeGreaterThanOrEqual(q * values.length);
          // Any smaller value of the input has fewer than a share q at or below it.
          const below = values.filter((v) => v < x).length;
          expect(below).toBeLessThan(Math.max(1, q * values.length));
        },
      ),
    );
  });

  it('gives Samples the same quantiles as the values collected', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 600 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, q) => {
          const samples = new Samples();
          for (const v of values) samples.add(v);

          expect(samples.quantile(q)).toBe(quantileOf(values, q));
        },
      ),
    );
  });
});
