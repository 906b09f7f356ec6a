// Nearest-rank quantiles: every quantile is one of the values, the smallest with at least a share q at or below it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nearestRank, quantileOf, Samples } from '../../sim-core/index.ts';
import { nearestRankIndex, selectRanks } from '../../sim-core/quantile.ts';

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

  describe('selectRanks', () => {
    /** The values at `ranks` after selectRanks, beside a sorted copy's. */
    const selectedAndSorted = (values: Float64Array, ranks: number[]) => {
      const sorted = values.slice().sort();
      const selected = values.slice();
      selectRanks(selected, ranks);
      return {
        selected: ranks.map((r) => selected[r]),
        sorted: ranks.map((r) => sorted[r]),
        kept: selected.slice().sort(),
        all: sorted,
      };
    };

    it('puts at each rank what a sort puts there, NaN last, and keeps every value', () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              fc.double({ noDefaultInfinity: true }),
              fc.integer({ min: 0, max: 5 }),
              fc.constant(Number.NaN),
            ),
            {
              minLength: 1,
              maxLength: 300,
            },
          ),
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }),
          (list, qs) => {
            const values = Float64Array.from(list);
            const ranks = [...new Set(qs.map((q) => nearestRankIndex(values.length, q)))].sort(
              (a, b) => a - b,
            );
            const { selected, sorted, kept, all } = selectedAndSorted(values, ranks);

            expect(selected).toEqual(sorted);
            expect(kept).toEqual(all);
          },
        ),
      );
    });

    it('puts NaN last, as a sort does: a rank among them is NaN', () => {
      const values = Float64Array.from([5, Number.NaN, 1, Number.NaN, 4, 2, Number.NaN, 3]);
      selectRanks(values, [0, 2, 4, 5, 7]);

      expect([values[0], values[2], values[4], values[5], values[7]]).toEqual([
        1,
        3,
        5,
        Number.NaN,
        Number.NaN,
      ]);
    });

    it('orders the values around each rank: none greater before it, none smaller after it', () => {
      const values = Float64Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1009);
      selectRanks(values, [99, 499, 899]);

      for (const k of [99, 499, 899]) {
        expect(values.subarray(0, k).every((v) => v <= values[k]!)).toBe(true);
        expect(values.subarray(k + 1).every((v) => v >= values[k]!)).toBe(true);
      }
    });

    it('gives the percentiles of large inputs in any order: ascending, descending, equal, organ pipe, sawtooth', () => {
      const n = 200_000;
      const orders: Record<string, (i: number) => number> = {
        ascending: (i) => i,
        descending: (i) => n - i,
        equal: () => 42,
        'organ pipe': (i) => Math.min(i, n - i),
        sawtooth: (i) => i % 97,
      };
      for (const [name, at] of Object.entries(orders)) {
        const ranks = [0.1, 0.5, 0.9].map((q) => nearestRankIndex(n, q));
        const { selected, sorted } = selectedAndSorted(
          Float64Array.from({ length: n }, (_, i) => at(i)),
          ranks,
        );

        expect(selected, name).toEqual(sorted);
      }
    });
  });
});
