// Keyed streams (common random numbers): one seed, a stream per key, the same whatever came before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyedStreams, nameKey } from '../../sim-core/index.ts';

const key = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const draws = (streams: KeyedStreams, n: number) => Array.from({ length: n }, () => streams.random.next());

describe('keyed streams', () => {
  it('starts the same stream for the same key, whatever was drawn before and from which key', () => {
    fc.assert(
      fc.property(key, key, key, key, fc.nat(20), (a, b, c, other, before) => {
        const one = new KeyedStreams(7);
        one.select(a, b, c);
        const first = draws(one, 5);
        const two = new KeyedStreams(7);
        two.select(other, a, b);
        draws(two, before);
        two.select(a, b, c);
        expect(draws(two, 5)).toEqual(first);
      }),
      { numRuns: 200 },
    );
  });

  it('gives unrelated streams to neighbouring keys, in each part, and to neighbouring seeds', () => {
    fc.assert(
      fc.property(key, key, fc.integer({ min: 0, max: 1000 }), (a, b, c) => {
        const first = (seed: number, x: number, y: number, z: number) => {
          const s = new KeyedStreams(seed);
          s.select(x, y, z);
          return draws(s, 20);
        };
        const base = new Set(first(1, a, b, c));
        for (const other of [
          first(1, a + 1, b, c),
          first(1, a, b + 1, c),
          first(1, a, b, c + 1),
          first(2, a, b, c),
        ]) {
          expect(other.filter((x) => base.has(x))).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('draws uniformly: the mean and deciles of first draws over many keys', () => {
    const streams = new KeyedStreams(3);
    const n = 100_000;
    const deciles = new Array<number>(10).fill(0);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < n; i++) {
      streams.select(nameKey(`order-${i}`), nameKey(`order-${i}`, 1), i % 5);
      const u = streams.random.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      deciles[Math.floor(u * 10)]!++;
    }
    expect(outside).toBe(0);
    // Standard error of the mean: 1/sqrt(12n) ≈ 0.0009; of a decile's count: sqrt(n·0.09) ≈ 95.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    for (const d of deciles) expect(Math.abs(d - n / 10)).toBeLessThan(500);
  });

  it('carries no normal of one stream into another (the pair is forgotten on select)', () => {
    const streams = new KeyedStreams(5);
    streams.select(1, 2, 3);
    const alone = streams.random.normal(0, 1);
    streams.select(9, 9, 9);
    streams.random.normal(0, 1); // leaves the pair's second half behind
    streams.select(1, 2, 3);
    expect(streams.random.normal(0, 1)).toBe(alone);
  });

  it('keys a name the same in every run, and different names apart', () => {
    expect(nameKey('order-1')).toBe(nameKey('order-1'));
    expect(nameKey('order-1')).not.toBe(nameKey('order-2'));
    expect(nameKey('order-1', 1)).not.toBe(nameKey('order-1'));
  });
});
