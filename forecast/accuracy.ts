// How good the forecasts were: every finished order's actual completion beside what the
// forecast in effect some time before it (the horizon: 15 minutes, an hour, ...) said of it, from
// the forecast history. What a planner asks before trusting the twin: "an hour ahead, how far off
// is it, and does it see the late orders coming?"
import type { OrderForecast } from '../contracts/forecastRecord.ts';
import { nearestRank } from '../sim-core/index.ts';
import type { FinishedOrder } from '../state/StateStore.ts';

/** What the comparison reads of a forecast: when it was made (plant time) and what it said of each order. */
export interface PastForecast {
  asOf: number;
  orders: ReadonlyMap<string, ForecastOfOrder>;
}

export type ForecastOfOrder = Pick<
  OrderForecast,
  'completedAt' | 'late' | 'completedAtP10' | 'completedAtP50' | 'completedAtP90' | 'onTimeProbability'
>;

/** The accuracy of the forecasts made `horizonMs` before the orders finished. */
export interface HorizonAccuracy {
  horizonMs: number;
  /** Finished orders that the forecast in effect at that time (the latest made by then) included. */
  orders: number;
  /** Mean of (forecast − actual) completion: positive when the forecasts said later than it was. */
  biasMs?: number;
  meanAbsErrorMs?: number;
  /** 9 in 10 orders were forecast at least this close (nearest rank). */
  p90AbsErrorMs?: number;
  maxAbsErrorMs?: number;
  /** Of those orders with a due date: how many the forecast called late, how many ended late, both. */
  late: { orders: number; predicted: number; actual: number; both: number };
  /** Of those orders whose forecast was a Monte Carlo one. */
  spread?: {
    orders: number;
    /** The actual end within the forecast's P10–P90 (8 in 10, were the spread right). */
    withinP10P90: number;
    /** The actual end before the forecast's P50 (half, were it right). */
    belowP50: number;
    /** Of those with a due date and a chance to be on time: the chances summed (the expected count) and the count on time. */
    onTime?: { orders: number; expected: number; actual: number };
  };
}

/** Horizons compared when none are given: 5 minutes to an hour ahead. */
export const DEFAULT_HORIZONS_MS = [5, 15, 30, 60].map((m) => m * 60_000);

/** The index of the latest of `asOfs` (ascending) at or before `t`, or -1. */
function latestAtOrBefore(asOfs: readonly number[], t: number): number {
  let lo = 0;
  let hi = asOfs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (asOfs[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Which forecasts the comparison needs, by index into `asOfs` (the history's forecast times,
 * ascending): for each finished order and horizon, the latest forecast made by `horizon` before the
 * order finished. So that only those are read, not the whole history.
 */
export function forecastsNeeded(
  asOfs: readonly number[],
  finished: readonly FinishedOrder[],
  horizonsMs: readonly number[] = DEFAULT_HORIZONS_MS,
): number[] {
  const needed = new Set<number>();
  for (const order of finished) {
    for (const horizon of horizonsMs) {
      const i = latestAtOrBefore(asOfs, order.finishedAt - horizon);
      if (i >= 0) needed.add(i);
    }
  }
  return [...needed].sort((a, b) => a - b);
}

/** One finished order beside the forecast in effect `horizonMs` before it finished. */
export interface Comparison {
  orderId: string;
  horizonMs: number;
  /** When that forecast was made (plant time). */
  forecastAsOf: number;
  /** The completion it forecast, and the actual one. */
  forecastEndAt: number;
  actualEndAt: number;
  /** forecastEndAt − actualEndAt. */
  errorMs: number;
  dueAt?: number;
  calledLate: boolean;
  wasLate: boolean;
  /** Monte Carlo forecasts only. */
  p10?: number;
  p50?: number;
  p90?: number;
  onTimeProbability?: number;
}

/**
 * Compares `finished` orders with `forecasts` (any order; those `forecastsNeeded` picks suffice), at
 * each horizon: the forecast in effect `horizon` before an order finished is the latest made by
 * then; an order it does not include (not yet accepted, or no forecast yet) is not compared.
 */
export function compareForecasts(
  forecasts: readonly PastForecast[],
  finished: readonly FinishedOrder[],
  horizonsMs: readonly number[] = DEFAULT_HORIZONS_MS,
): Comparison[] {
  const sorted = [...forecasts].sort((a, b) => a.asOf - b.asOf);
  const asOfs = sorted.map((f) => f.asOf);
  const comparisons: Comparison[] = [];
  for (const horizonMs of horizonsMs) {
    for (const order of finished) {
      const i = latestAtOrBefore(asOfs, order.finishedAt - horizonMs);
      const said = i >= 0 ? sorted[i]!.orders.get(order.orderId) : undefined;
      if (said === undefined) continue;
      const actual = order.finishedAt;
      comparisons.push({
        orderId: order.orderId,
        horizonMs,
        forecastAsOf: sorted[i]!.asOf,
        forecastEndAt: said.completedAt,
        actualEndAt: actual,
        errorMs: said.completedAt - actual,
        ...(order.dueAt !== undefined && { dueAt: order.dueAt }),
        calledLate: said.late,
        wasLate: order.dueAt !== undefined && actual > order.dueAt,
        ...(said.completedAtP10 !== undefined &&
          said.completedAtP50 !== undefined &&
          said.completedAtP90 !== undefined && {
            p10: said.completedAtP10,
            p50: said.completedAtP50,
            p90: said.completedAtP90,
          }),
        ...(said.onTimeProbability !== undefined && { onTimeProbability: said.onTimeProbability }),
      });
    }
  }
  return comparisons;
}

/** The comparisons summed up per horizon (see `HorizonAccuracy`). */
export function summarise(
  comparisons: readonly Comparison[],
  horizonsMs: readonly number[],
): HorizonAccuracy[] {
  return horizonsMs.map((horizonMs) => {
    const here = comparisons.filter((c) => c.horizonMs === horizonMs);
    const late = { orders: 0, predicted: 0, actual: 0, both: 0 };
    let spread: Required<HorizonAccuracy>['spread'] | undefined;
    for (const c of here) {
      if (c.dueAt !== undefined) {
        late.orders++;
        if (c.calledLate) late.predicted++;
        if (c.wasLate) late.actual++;
        if (c.calledLate && c.wasLate) late.both++;
      }
      if (c.p10 !== undefined && c.p50 !== undefined && c.p90 !== undefined) {
        spread ??= { orders: 0, withinP10P90: 0, belowP50: 0 };
        spread.orders++;
        if (c.actualEndAt >= c.p10 && c.actualEndAt <= c.p90) spread.withinP10P90++;
        if (c.actualEndAt < c.p50) spread.belowP50++;
        if (c.dueAt !== undefined && c.onTimeProbability !== undefined) {
          spread.onTime ??= { orders: 0, expected: 0, actual: 0 };
          spread.onTime.orders++;
          spread.onTime.expected += c.onTimeProbability;
          if (!c.wasLate) spread.onTime.actual++;
        }
      }
    }
    const row: HorizonAccuracy = { horizonMs, orders: here.length, late, ...(spread && { spread }) };
    if (here.length === 0) return row;
    const absolute = here.map((c) => Math.abs(c.errorMs)).sort((a, b) => a - b);
    return {
      ...row,
      biasMs: here.reduce((sum, c) => sum + c.errorMs, 0) / here.length,
      meanAbsErrorMs: absolute.reduce((sum, e) => sum + e, 0) / absolute.length,
      p90AbsErrorMs: nearestRank(absolute, 0.9),
      maxAbsErrorMs: absolute[absolute.length - 1]!,
    };
  });
}

/** `compareForecasts`, summed up per horizon. */
export function forecastAccuracy(
  forecasts: readonly PastForecast[],
  finished: readonly FinishedOrder[],
  horizonsMs: readonly number[] = DEFAULT_HORIZONS_MS,
): HorizonAccuracy[] {
  return summarise(compareForecasts(forecasts, finished, horizonsMs), horizonsMs);
}

/** What the comparison keeps of a stored forecast: only the fields it reads, by order. */
export function pastForecast(forecast: {
  asOf: number;
  orders: readonly (ForecastOfOrder & { orderId: string })[];
}): PastForecast {
  return {
    asOf: forecast.asOf,
    orders: new Map(
      forecast.orders.map((o) => [
        o.orderId,
        {
          completedAt: o.completedAt,
          late: o.late,
          ...(o.completedAtP10 !== undefined && {
            completedAtP10: o.completedAtP10,
            completedAtP50: o.completedAtP50,
            completedAtP90: o.completedAtP90,
          }),
          ...(o.onTimeProbability !== undefined && { onTimeProbability: o.onTimeProbability }),
        },
      ]),
    ),
  };
}
