// Confidence intervals of a difference between two scenarios run on the same seeds: paired (the
// difference of each replication, as common random numbers allow) and, for comparison, unpaired
// (Welch). Student's t quantiles from a table for few replications, an expansion beyond.

/** A mean and its 95 % confidence interval. */
export interface Interval {
  mean: number;
  low: number;
  high: number;
}

/** The 97.5th percentile of Student's t with 1 to 30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The 97.5th percentile of Student's t with `df` degrees of freedom (df > 30: Cornish–Fisher, within 1e-4). */
export function t975(df: number): number {
  if (df <= 30) return T975[Math.max(1, Math.round(df)) - 1]!;
  const z = 1.959964;
  const z3 = z ** 3;
  const z5 = z ** 5;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

/** The mean of `b − a` per replication, with its 95 % interval (paired: the same seed in each). */
export function pairedInterval(a: ArrayLike<number>, b: ArrayLike<number>): Interval {
  const n = a.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += b[i]! - a[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (b[i]! - a[i]! - mean) ** 2;
  const half = n < 2 ? 0 : t975(n - 1) * Math.sqrt(squares / (n - 1) / n);
  return { mean, low: mean - half, high: mean + half };
}

/** The difference of the means of `b` and `a` with its 95 % interval as if they were independent (Welch). */
export function unpairedInterval(a: ArrayLike<number>, b: ArrayLike<number>): Interval {
  const ma = meanOf(a);
  const mb = meanOf(b);
  const va = varianceOf(a, ma) / a.length;
  const vb = varianceOf(b, mb) / b.length;
  const se = Math.sqrt(va + vb);
  // Welch–Satterthwaite degrees of freedom; with no spread at all, the difference is exact.
  const df =
    se === 0
      ? Number.POSITIVE_INFINITY
      : (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const half = se === 0 ? 0 : t975(df) * se;
  return { mean: mb - ma, low: mb - ma - half, high: mb - ma + half };
}

export function meanOf(xs: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += xs[i]!;
  return xs.length === 0 ? 0 : sum / xs.length;
}

function varianceOf(xs: ArrayLike<number>, mean: number): number {
  if (xs.length < 2) return 0;
  let squares = 0;
  for (let i = 0; i < xs.length; i++) squares += (xs[i]! - mean) ** 2;
  return squares / (xs.length - 1);
}
