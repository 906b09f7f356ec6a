// Common random numbers: one seed, and an independent stream for every key (an entity and one of its
// activities), so that runs of two scenarios on one seed give the same entity's same activity the same
// draws however differently the scenarios order their events. Differences between the scenarios then
// come from what differs, not from the noise (Law and Kelton: dedicate a stream to each source).
import { Random } from './Random.ts';
import { type Seed, seedWords } from './seeds.ts';

/** A key's part: any 32-bit integer (a hash of a name, an index, a counter). */
export type StreamKey = number;

/**
 * A family of random streams from one seed. `select(a, b, c)` makes `random` draw from the start of
 * the stream of key (a, b, c); the same key always starts the same stream, and different keys give
 * unrelated streams. Selecting is cheap (no allocation): select before each activity's draws.
 */
export class KeyedStreams {
  /** Draws from the selected stream (before any `select`: the stream of key (0, 0, 0)). */
  readonly random: Random;
  private readonly seed0: number;
  private readonly seed1: number;
  // sfc32's state, reseeded by select.
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: Seed) {
    const [s0, s1] = seedWords(seed, 2) as [number, number];
    this.seed0 = s0;
    this.seed1 = s1;
    this.random = new Random(() => this.next());
    this.select(0, 0, 0);
  }

  /** Starts the stream of key (a, b, c): the draws that follow are that stream's first. */
  select(a: StreamKey, b: StreamKey, c: StreamKey): void {
    // Each word of the state mixes the seed with all three parts, under its own constant, through
    // murmur3's finaliser; sfc32 then runs 12 rounds, as when seeded from splitmix64.
    const h = fmix32(this.seed0 ^ Math.imul(a, 0x9e3779b1));
    const i = fmix32(h ^ this.seed1 ^ Math.imul(b, 0x85ebca6b));
    const j = fmix32(i ^ Math.imul(c, 0xc2b2ae35));
    this.a = fmix32(j ^ 0x243f6a88);
    this.b = fmix32(j ^ 0x85a308d3);
    this.c = fmix32(j ^ 0x13198a2e);
    this.d = 1;
    for (let k = 0; k < 12; k++) this.next();
    this.random.forgetSpare();
  }

  private next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
}

/** A 32-bit key of a name (FNV-1a): the same name, the same key, in every run. */
export function nameKey(name: string, salt = 0): StreamKey {
  let h = (0x811c9dc5 ^ salt) | 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

/** murmur3's 32-bit finaliser: every input bit changes about half the output bits. */
function fmix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
