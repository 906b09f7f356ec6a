// Quantiles by the nearest-rank method: every percentile the twin reports (forecast spreads,
// accuracy, block statistics, benchmark latencies) is one of the observed values.

/**
 * The q-quantile (0..1) of values sorted ascending, by nearest rank: the smallest value such that
 * at least a share q of the values are at most it. NaN for no values.
 */
export function nearestRank(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  return sorted[nearestRankIndex(n, q)]!;
}

/** Where the q-quantile (0..1) of n > 0 sorted values is, by nearest rank: an index from 0 to n − 1. */
export function nearestRankIndex(n: number, q: number): number {
  return Math.min(n, Math.max(1, Math.ceil(q * n))) - 1;
}

/** The q-quantile of unsorted values, by nearest rank (sorts a copy). */
export function quantileOf(values: readonly number[], q: number): number {
  return nearestRank(Float64Array.from(values).sort(), q);
}

/**
 * Puts in place, at each of `ranks` (ascending indices into `values`), the value that a sort
 * ascending would put there, NaN last as `Float64Array.prototype.sort` has it; the rest of `values`
 * is left in some order. What a few quantiles of many draws need, in linear time rather than a sort's.
 */
export function selectRanks(values: Float64Array, ranks: readonly number[]): void {
  // NaN compares false with everything: set aside at the end first, the numbers are selected alone.
  let numbers = values.length;
  for (let i = numbers - 1; i >= 0; i--) {
    if (Number.isNaN(values[i]!)) {
      values[i] = values[--numbers]!;
      values[numbers] = Number.NaN;
    }
  }
  selectWithin(values, 0, numbers - 1, ranks, 0, ranks.length);
}

/** Places ranks[first..end) (ascending), those within [lo, hi], among values[lo..hi]. */
function selectWithin(
  values: Float64Array,
  lo: number,
  hi: number,
  ranks: readonly number[],
  first: number,
  end: number,
): void {
  while (first < end && ranks[first]! < lo) first++;
  while (end > first && ranks[end - 1]! > hi) end--;
  if (first >= end || lo >= hi) return;
  // The middle rank first, then the ranks on either side of it within the part on their side.
  const middle = (first + end) >>> 1;
  const k = ranks[middle]!;
  selectRank(values, lo, hi, k);
  selectWithin(values, lo, k - 1, ranks, first, middle);
  selectWithin(values, k + 1, hi, ranks, middle + 1, end);
}

/**
 * Hoare's selection (as Wirth writes it): values[k] becomes the value that sorting values[lo..hi]
 * would put there, with none greater before it and none smaller after it within [lo, hi]. Linear on
 * average; a part that does not shrink fast enough (an adversarial order) is sorted instead, so that
 * no input takes quadratic time.
 */
function selectRank(values: Float64Array, lo: number, hi: number, k: number): void {
  for (let passes = 2 * Math.ceil(Math.log2(hi - lo + 1)) + 4; lo < hi; passes--) {
    if (passes === 0) {
      values.subarray(lo, hi + 1).sort();
      return;
    }
    const pivot = values[k]!;
    let i = lo;
    let j = hi;
    do {
      while (values[i]! < pivot) i++;
      while (pivot < values[j]!) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i++] = values[j]!;
        values[j--] = t;
      }
    } while (i <= j);
    if (j < k) lo = i;
    if (k < i) hi = j;
  }
}
