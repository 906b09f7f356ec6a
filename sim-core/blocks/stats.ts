// Streaming statistics for blocks: counts, mean and exact percentiles of durations.
import { nearestRank } from '../quantile.ts';

const NONE = new Float64Array(0);

/** Collects non-negative samples in a growable typed array (none until the first); mean and percentiles on demand. */
export class Samples {
  private values = NONE;
  private n = 0;
  private sum = 0;
  private sorted = true;

  get count(): number {
    return this.n;
  }

  add(x: number): void {
    if (this.n === this.values.length) {
      const next = new Float64Array(Math.max(256, this.values.length * 2));
      next.set(this.values);
      this.values = next;
    }
    if (this.n > 0 && x < this.values[this.n - 1]!) this.sorted = false;
    this.values[this.n++] = x;
    this.sum += x;
  }

  mean(): number {
    return this.n === 0 ? Number.NaN : this.sum / this.n;
  }

  /** The q-quantile (0..1) by the nearest-rank method. */
  quantile(q: number): number {
    const values = this.values.subarray(0, this.n);
    if (!this.sorted) {
      values.sort();
      this.sorted = true;
    }
    return nearestRank(values, q);
  }
}
