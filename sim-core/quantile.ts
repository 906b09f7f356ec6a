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
