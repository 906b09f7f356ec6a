// How alternatives are judged against a baseline and ranked by an objective, on any KPIs: better or
// worse by the first objective KPI whose difference lies outside the noise, and better ones first, then
// the baseline, then the undecided, then the worse, so that a difference inside the noise never ranks
// above the baseline. What-if ranks its variants by it, and the scenario runner (twins/) its scenarios.

/**
 * `better` or `worse` than the baseline (by the first objective KPI whose difference is not noise);
 * `within-noise`: some difference, but none outside its interval; `same`: no difference at all;
 * `baseline`: the baseline itself.
 */
export type Verdict = 'baseline' | 'better' | 'worse' | 'within-noise' | 'same';

/** One objective KPI's difference to the baseline, as the judge reads it. */
export interface JudgedDifference<K> {
  key: K;
  /** 1: lower is better; −1: higher is better. */
  sign: 1 | -1;
  /** Differences this small are rounding. */
  tolerance: number;
  mean: number;
  /** Its 95 % interval (paired); without one, the mean alone decides. */
  ci?: readonly [number, number];
}

/** Better or worse by the first objective KPI (in order) whose difference is more than noise. */
export function judgeDifferences<K>(differences: readonly JudgedDifference<K>[]): {
  verdict: Verdict;
  decidedBy?: K;
} {
  let noise = false;
  for (const { key, sign, tolerance, mean, ci } of differences) {
    if (Math.abs(mean) > tolerance) noise = true;
    if (ci === undefined) {
      if (Math.abs(mean) <= tolerance) continue;
      return { verdict: sign * mean < 0 ? 'better' : 'worse', decidedBy: key };
    }
    const [low, high] = ci;
    if (high < -tolerance) return { verdict: sign < 0 ? 'worse' : 'better', decidedBy: key };
    if (low > tolerance) return { verdict: sign < 0 ? 'better' : 'worse', decidedBy: key };
  }
  return { verdict: noise ? 'within-noise' : 'same' };
}

const GROUP: Record<Verdict, number> = { better: 0, baseline: 1, same: 2, 'within-noise': 2, worse: 3 };

/**
 * Ranks `results`: better first, then the baseline, then the same and the undecided, then the worse;
 * within a group by `byKpis` (the objective's KPIs compared in turn), then in their given order. Sets
 * each result's `rank` (1 is the best) and returns them in rank order.
 */
export function rankByVerdict<T extends { verdict: Verdict; rank: number }>(
  results: readonly T[],
  byKpis: (a: T, b: T) => number,
): T[] {
  const sorted = results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => GROUP[a.r.verdict] - GROUP[b.r.verdict] || byKpis(a.r, b.r) || a.i - b.i)
    .map(({ r }) => r);
  sorted.forEach((r, i) => {
    r.rank = i + 1;
  });
  return sorted;
}
