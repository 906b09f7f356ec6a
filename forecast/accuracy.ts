// How good the forecasts were: every order's actual completion (the end of its last routing step),
// and the end of each of its steps, beside what the forecast in effect some time before (the
// horizon: 15 minutes, an hour, ...) said of it, from the forecast history. What a planner asks
// before trusting the twin: "an hour ahead, how far off is it, at which step, and does it see the
// late orders coming?"
import type { ModelSummary, OrderForecast, StepSpan } from '../contracts/forecastRecord.ts';
import { nearestRank } from '../sim-core/index.ts';
import type { FinishedOrder } from '../state/StateStore.ts';
import { DEFAULT_HORIZONS_MS } from './observerSettings.ts';

/** What the comparison reads of a forecast: when it was made (plant time) and what it said of each order. */
export interface PastForecast {
  asOf: number;
  orders: ReadonlyMap<string, ForecastOfOrder>;
}

export type ForecastOfOrder = Pick<
  OrderForecast,
  'completedAt' | 'late' | 'completedAtP10' | 'completedAtP50' | 'completedAtP90' | 'onTimeProbability'
> & {
  /** When it said each routing step (material or operation) would end, by step name. */
  stepEnds?: Readonly<Record<string, number>>;
};

/** What happened to an order, as the comparison reads it. */
export interface ActualOrder {
  orderId: string;
  dueAt?: number;
  /** When its last routing step ended; undefined while its routing is not done. */
  completedAt?: number;
  /** When each routing step that has ended did (a material step: when the material arrived), by step name. */
  stepEnds: Readonly<Record<string, number>>;
}

/**
 * The orders of `finished` as `model` (a forecast's) sees them: each by its product's routing (an
 * unknown or missing product: the model's default), with the end of every routing step it has
 * finished, and its completion once its last step has ended.
 */
export function actualOrders(
  finished: readonly FinishedOrder[],
  model: Pick<ModelSummary, 'products' | 'defaultProduct'>,
): ActualOrder[] {
  const routings = new Map(model.products.map((p) => [p.id, p.routing]));
  const fallback = routings.get(model.defaultProduct) ?? model.products[0]?.routing ?? [];
  return finished.map((order) => {
    const routing = (order.product !== undefined && routings.get(order.product)) || fallback;
    const stepEnds: Record<string, number> = {};
    for (const { step, kind } of routing) {
      const end =
        kind === 'material'
          ? order.materialArrivedAt
          : Object.hasOwn(order.steps, step)
            ? order.steps[step]!.finishedAt
            : undefined;
      if (end !== undefined) stepEnds[step] = end;
    }
    const last = routing.at(-1);
    const completedAt = last === undefined ? undefined : stepEnds[last.step];
    return {
      orderId: order.orderId,
      ...(order.dueAt !== undefined && { dueAt: order.dueAt }),
      ...(completedAt !== undefined && { completedAt }),
      stepEnds,
    };
  });
}

/** The routing steps of `model`'s products, each once, in the order of their routings. */
export function stepsOf(model: Pick<ModelSummary, 'products'>): string[] {
  return [...new Set(model.products.flatMap((p) => p.routing.map((s) => s.step)))];
}

/** Error figures of a set of comparisons (forecast − actual). */
export interface ErrorFigures {
  /** Mean of (forecast − actual): positive when the forecasts said later than it was. */
  biasMs?: number;
  meanAbsErrorMs?: number;
  /** 9 in 10 were forecast at least this close (nearest rank). */
  p90AbsErrorMs?: number;
  maxAbsErrorMs?: number;
}

/** The accuracy of the forecasts made `horizonMs` before the orders completed. */
export interface HorizonAccuracy extends ErrorFigures {
  horizonMs: number;
  /** Completed orders that the forecast in effect at that time (the latest made by then) included. */
  orders: number;
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

/** The accuracy of the forecasts made `horizonMs` before one routing step of the orders ended. */
export interface StepAccuracy extends ErrorFigures {
  step: string;
  horizonMs: number;
  /** Orders whose end of this step was compared. */
  orders: number;
}

/** The index of the latest of `sorted` (ascending by `timeOf`) at or before `t`, or -1. */
export function latestAtOrBefore<T>(sorted: readonly T[], t: number, timeOf: (item: T) => number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (timeOf(sorted[mid]!) <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

const itself = (t: number) => t;

/** Every time a comparison looks back from: each completion and each step's end. */
function endsOf(order: ActualOrder): number[] {
  const ends = Object.values(order.stepEnds);
  if (order.completedAt !== undefined) ends.push(order.completedAt);
  return ends;
}

/**
 * Which forecasts the comparison needs, by index into `asOfs` (the history's forecast times,
 * ascending): for each order's completion and step end, and each horizon, the latest forecast made
 * by `horizon` before it. So that only those are read, not the whole history.
 */
export function forecastsNeeded(
  asOfs: readonly number[],
  actual: readonly ActualOrder[],
  horizonsMs: readonly number[] = DEFAULT_HORIZONS_MS,
): number[] {
  const needed = new Set<number>();
  for (const order of actual) {
    for (const end of new Set(endsOf(order))) {
      for (const horizon of horizonsMs) {
        const i = latestAtOrBefore(asOfs, end - horizon, itself);
        if (i >= 0) needed.add(i);
      }
    }
  }
  return [...needed].sort((a, b) => a - b);
}

/** One completed order beside the forecast in effect `horizonMs` before it completed. */
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

/** One step of an order beside the forecast in effect `horizonMs` before the step ended. */
export interface StepComparison {
  orderId: string;
  step: string;
  horizonMs: number;
  forecastAsOf: number;
  forecastEndAt: number;
  actualEndAt: number;
  /** forecastEndAt − actualEndAt. */
  errorMs: number;
}

function sortedByAsOf(forecasts: readonly PastForecast[]): { sorted: PastForecast[]; asOfs: number[] } {
  const sorted = [...forecasts].sort((a, b) => a.asOf - b.asOf);
  return { sorted, asOfs: sorted.map((f) => f.asOf) };
}

/**
 * Compares the completed orders of `actual` with `forecasts` (any order; those `forecastsNeeded`
 * picks suffice), at each horizon: the forecast in effect `horizon` before an order completed is the
 * latest made by then; an order it does not include (not yet accepted, or no forecast yet) is not
 * compared.
 */
export function compareForecasts(
  forecasts: readonly PastForecast[],
  actual: readonly ActualOrder[],
  horizonsMs: readonly number[] = DEFAULT_HORIZONS_MS,
): Comparison[] {
  const { sorted, asOfs } = sortedByAsOf(forecasts);
  const comparisons: Comparison[] = [];
  for (const horizonMs of horizonsMs) {
    for (const order of actual) {
      const end = order.completedAt;
      if (end === undefined) continue;
      const i = latestAtOrBefore(asOfs, end - horizonMs, itself);
      const said = i >= 0 ? sorted[i]!.orders.get(order.orderId) : undefined;
      if (said === undefined) continue;
      comparisons.push({
        orderId: order.orderId,
        horizonMs,
        forecastAsOf: sorted[i]!.asOf,
        forecastEndAt: said.completedAt,
        actualEndAt: end,
        errorMs: said.completedAt - end,
        ...(order.dueAt !== undefined && { dueAt: order.dueAt }),
        calledLate: said.late,
        wasLate: order.dueAt !== undefined && end > order.dueAt,
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

/**
 * Compares the end of every step of `actual` that has ended with `forecasts`, at each horizon: the
 * forecast in effect `horizon` before the step ended (the latest made by then) and the end it gave
 * that step; a forecast that does not include the order, or that step, leaves it out.
 */
export function compareStepEnds(
  forecasts: readonly PastForecast[],
  actual: readonly ActualOrder[],
  horizonsMs: readonly number[] = DEFAULT_HORIZONS_MS,
): StepComparison[] {
  const { sorted, asOfs } = sortedByAsOf(forecasts);
  const comparisons: StepComparison[] = [];
  for (const order of actual) {
    for (const [step, end] of Object.entries(order.stepEnds)) {
      for (const horizonMs of horizonsMs) {
        const i = latestAtOrBefore(asOfs, end - horizonMs, itself);
        const ends = i >= 0 ? sorted[i]!.orders.get(order.orderId)?.stepEnds : undefined;
        if (ends === undefined || !Object.hasOwn(ends, step)) continue;
        comparisons.push({
          orderId: order.orderId,
          step,
          horizonMs,
          forecastAsOf: sorted[i]!.asOf,
          forecastEndAt: ends[step]!,
          actualEndAt: end,
          errorMs: ends[step]! - end,
        });
      }
    }
  }
  return comparisons;
}

/** Bias, mean and P90 of the size, and largest size of `errors` (none when there are none). */
function errorFigures(errors: readonly number[]): ErrorFigures {
  if (errors.length === 0) return {};
  const absolute = errors.map(Math.abs).sort((a, b) => a - b);
  return {
    biasMs: errors.reduce((sum, e) => sum + e, 0) / errors.length,
    meanAbsErrorMs: absolute.reduce((sum, e) => sum + e, 0) / absolute.length,
    p90AbsErrorMs: nearestRank(absolute, 0.9),
    maxAbsErrorMs: absolute[absolute.length - 1]!,
  };
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
    return {
      horizonMs,
      orders: here.length,
      ...errorFigures(here.map((c) => c.errorMs)),
      late,
      ...(spread && { spread }),
    };
  });
}

/**
 * The step comparisons summed up per step and horizon, steps in the order of `steps` (a model's
 * routings), then any other, by name; a step no comparison has is left out.
 */
export function summariseSteps(
  comparisons: readonly StepComparison[],
  horizonsMs: readonly number[],
  steps: readonly string[] = [],
): StepAccuracy[] {
  const compared = new Set(comparisons.map((c) => c.step));
  const order = [
    ...steps.filter((s) => compared.has(s)),
    ...[...compared].filter((s) => !steps.includes(s)).sort(),
  ];
  return order.flatMap((step) =>
    horizonsMs.map((horizonMs) => {
      const here = comparisons.filter((c) => c.step === step && c.horizonMs === horizonMs);
      return { step, horizonMs, orders: here.length, ...errorFigures(here.map((c) => c.errorMs)) };
    }),
  );
}

/** `compareForecasts`, summed up per horizon. */
export function forecastAccuracy(
  forecasts: readonly PastForecast[],
  actual: readonly ActualOrder[],
  horizonsMs: readonly number[] = DEFAULT_HORIZONS_MS,
): HorizonAccuracy[] {
  return summarise(compareForecasts(forecasts, actual, horizonsMs), horizonsMs);
}

/** When each routing step ends in `spans` (a span split at asOf ends with its later part). */
function stepEndsOf(spans: readonly StepSpan[]): Record<string, number> {
  const ends: Record<string, number> = {};
  for (const span of spans) {
    if (span.kind === 'queue') continue;
    if (!Object.hasOwn(ends, span.step) || span.end > ends[span.step]!) ends[span.step] = span.end;
  }
  return ends;
}

/** What the comparison keeps of a stored forecast: only the fields it reads, by order. */
export function pastForecast(forecast: {
  asOf: number;
  orders: readonly (Omit<ForecastOfOrder, 'stepEnds'> & { orderId: string; steps?: readonly StepSpan[] })[];
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
          ...(o.steps !== undefined && o.steps.length > 0 && { stepEnds: stepEndsOf(o.steps) }),
        },
      ]),
    ),
  };
}
