// Seeding: any integer is a seed, whole, and neighbouring seeds and replications draw unrelated streams.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random, replicationSeed, SimError, seededRng } from '../../sim-core/index.ts';

const draws = (n: number, rng: () => number) => Array.from({ length: n }, rng);

/** How many of the first 50 draws of two streams are equal (0 for unrelated streams). */
const shared = (a: () => number, b: () => number) => {
  const first = new Set(draws(50, a));
  return draws(50, b).filter((x) => first.has(x)).length;
};

describe('seeds', () => {
  it('gives unrelated streams to neighbouring seeds, and never one stream shifted by a draw', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 2 }), (seed) => {
        expect(shared(seededRng(seed), seededRng(seed + 1))).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('takes the seed whole: 2^32 + 1 is not 1, nor 2^64 + 1, nor -1 is 2^64 - 1', () => {
    expect(shared(seededRng(1), seededRng(2 ** 32 + 1))).toBe(0);
    expect(shared(seededRng(1), seededRng(2n ** 64n + 1n))).toBe(0);
    expect(shared(seededRng(-1), seededRng(2n ** 64n - 1n))).toBe(0);
  });

  it('gives a number seed and the same bigint the same stream', () => {
    for (const seed of [0, 1, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER, -7, 1e30]) {
      expect(draws(10, seededRng(seed)), String(seed)).toEqual(draws(10, seededRng(BigInt(seed))));
    }
  });

  it('works for seeds of any size, each giving a stream of its own', () => {
    const huge = [Number.MAX_SAFE_INTEGER, 1e30, 10n ** 30n, 10n ** 30n + 1n, -(10n ** 30n), 7n ** 500n];

    const streams = huge.map((seed) => draws(20, seededRng(seed)));

    for (const stream of streams) expect(stream.every((x) => x >= 0 && x < 1)).toBe(true);
    // 1e30 as a number is 10^30 + 19884624838656 exactly: another integer than 10n ** 30n.
    expect(new Set(streams.map((s) => s.join())).size).toBe(huge.length);
  });

  it('refuses a seed that is not an integer', () => {
    expect(() => new Random(1.5)).toThrow(SimError);
    expect(() => new Random(Number.NaN)).toThrow('a seed must be an integer, got NaN');
  });

  it('gives every replication of a seed a stream of its own, unrelated to its neighbours', () => {
    const seeds = Array.from({ length: 1000 }, (_, r) => replicationSeed(7, r));

    expect(new Set(seeds).size).toBe(1000);
    for (let r = 1; r < 20; r++) {
      expect(shared(seededRng(seeds[r - 1]!), seededRng(seeds[r]!))).toBe(0);
    }
  });

  it('gives neighbouring seeds unrelated replications, and the same seed the same ones', () => {
    const of = (seed: number | bigint) => Array.from({ length: 100 }, (_, r) => replicationSeed(seed, r));

    const seven = new Set(of(7));

    expect(of(8).filter((s) => seven.has(s))).toEqual([]);
    expect(of(2 ** 32 + 7).filter((s) => seven.has(s))).toEqual([]);
    expect(of(7)).toEqual([...seven]);
    expect(new Set(of(10n ** 30n)).size).toBe(100);
  });
});
