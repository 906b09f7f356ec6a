// Streaming statistics for blocks: counts, mean and exact percentiles of durations.
import { SimError } from '../kernel/errors.ts';
import { nearestRank } from '../quantile.ts';

const NONE = new Float64Array(0);

/**
 * Collects non-negative samples in a growable typed array (none until the first); mean and
 * percentiles on demand. Without `keepValues`, it counts them and keeps their sum only: the mean
 * without memory per sample, and no percentiles.
 */
export class Samples {
  private values = NONE;
  private n = 0;
  private sum = 0;
  private sorted = true;

  private keep = true;

  /**
   * Whether it keeps every sample, for `quantile` (the default). Without, `quantile` is NaN and the
   * samples take no memory. Set before the first sample.
   */
  get keepValues(): boolean {
    return this.keep;
  }

  set keepValues(keep: boolean) {
    if (keep !== this.keep && this.n > 0) {
      throw new SimError(
        'samples keep their values, or not, from the first one on: set keepValues before adding any',
      );
    }
    this.keep = keep;
  }

  get count(): number {
    return this.n;
  }

  add(x: number): void {
    if (!this.keep) {
      this.n++;
      this.sum += x;
      return;
    }
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

  /** The q-quantile (0..1) by the nearest-rank method; NaN without samples, or without `keepValues`. */
  quantile(q: number): number {
    if (!this.keep) return Number.NaN;
    const values = this.values.subarray(0, this.n);
    if (!this.sorted) {
      values.sort();
      this.sorted = true;
    }
    return nearestRank(values, q);
  }
}
