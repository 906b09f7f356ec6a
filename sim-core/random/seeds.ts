// Seeds: how any integer seed, and each replication of a run, become the state of a random stream.
// Every seed is mixed whole through splitmix64 (never cut to 32 bits, so 2^32 + 1 is not 1), and
// neighbouring seeds or replications give unrelated streams, not one stream shifted by a draw.
import { SimError } from '../kernel/errors.ts';

/** A seed: any integer, as a number or as a bigint of any size. */
export type Seed = number | bigint;

const MASK64 = (1n << 64n) - 1n;
const GOLDEN64 = 0x9e3779b97f4a7c15n;
const SMALL = 1n << 63n;

/** splitmix64's finaliser: a bijection of 64-bit integers in which every input bit changes about half the output bits. */
function mix64(x: bigint): bigint {
  let z = x & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/**
 * The 64 bits that stand for `seed`: the seed itself (two's complement) when it lies in
 * [-2^63, 2^63), so that such seeds never collide; a larger one folded word by word through mix64.
 */
function seedKey(seed: Seed): bigint {
  if (typeof seed === 'number' && !Number.isInteger(seed)) {
    throw new SimError(`a seed must be an integer, got ${seed}`);
  }
  const n = BigInt(seed);
  if (n >= -SMALL && n < SMALL) return BigInt.asUintN(64, n);
  let key = n < 0n ? GOLDEN64 : 0n;
  for (let rest = n < 0n ? -n : n; rest > 0n; rest >>= 64n) key = mix64(key + GOLDEN64) ^ (rest & MASK64);
  return mix64(key);
}

/** `count` 32-bit words of splitmix64's stream from `seed`: the initial state of a generator. */
export function seedWords(seed: Seed, count: number): number[] {
  let x = seedKey(seed);
  const words: number[] = [];
  while (words.length < count) {
    x = (x + GOLDEN64) & MASK64;
    const z = mix64(x);
    words.push(Number(z >> 32n), Number(z & 0xffffffffn));
  }
  return words.slice(0, count);
}

/**
 * The seed of replication `replication` (0, 1, …) of a run with `seed`: a pure function of both,
 * distinct for every replication of one seed, and unrelated to its neighbours in either argument.
 */
export function replicationSeed(seed: Seed, replication: number): bigint {
  return mix64(mix64(seedKey(seed)) ^ BigInt(replication));
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The seed as JSON can carry it: a number while it is a safe integer, its decimal digits beyond. */
export function seedRecord(seed: Seed): number | string {
  const n = BigInt(seed);
  return n >= -SAFE && n <= SAFE ? Number(n) : n.toString();
}
