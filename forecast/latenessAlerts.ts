// Lateness alerts: what changed in the orders' outlook (late, at risk, on time) from one forecast to
// the next. Pure: the previous outlooks come in, the alerts and the new outlooks go out; where the
// outlooks are kept and when they advance is raiseLatenessAlerts.ts's concern.
import type { LatenessAlert, LatenessChange } from '../contracts/alerts.ts';
import { isAtRisk, type OrderForecast } from '../contracts/forecastRecord.ts';

/** The orders whose outlook is not on time, by order id: an order absent is on time. */
export type Outlooks = Readonly<Record<string, Exclude<LatenessChange, 'on-time'>>>;

/** An order's outlook in a forecast: late, at risk (the KPI `ordersAtRisk`'s definition), else on time. */
export function outlookOf(order: Pick<OrderForecast, 'late' | 'onTimeProbability'>): LatenessChange {
  if (order.late) return 'late';
  return isAtRisk(order) ? 'at-risk' : 'on-time';
}

/** The outlooks of a forecast's orders that are late or at risk. */
export function outlooksOf(orders: readonly OrderForecast[]): Outlooks {
  const outlooks: Record<string, Exclude<LatenessChange, 'on-time'>> = {};
  for (const order of orders) {
    const outlook = outlookOf(order);
    if (outlook !== 'on-time') outlooks[order.orderId] = outlook;
  }
  return outlooks;
}

export interface LatenessAlertOptions {
  /** The forecast's asOf. */
  asOf: number;
  /** Wall clock now (epoch ms). */
  raisedAt: number;
  /**
   * What the previous outlooks are, as a version: part of each alert's id, so that the same change
   * raised again from the same previous outlooks (a publication retried) has the same id.
   */
  basis: number;
  plantId?: string | undefined;
}

/**
 * One alert per order whose outlook in `orders` differs from `previous`; an order that left the
 * forecast (delivered) raises nothing, and one new to it raises an alert only if it is not on time.
 */
export function latenessAlerts(
  previous: Outlooks,
  orders: readonly OrderForecast[],
  options: LatenessAlertOptions,
): LatenessAlert[] {
  const alerts: LatenessAlert[] = [];
  for (const order of orders) {
    const was = previous[order.orderId] ?? 'on-time';
    const change = outlookOf(order);
    if (change === was) continue;
    const where = whereDelayed(order);
    const cause = order.delayCause !== 'none' ? order.delayCause : undefined;
    alerts.push({
      kind: 'lateness',
      id: `lateness-${options.basis}-${order.orderId}-${was}-${change}`,
      asOf: options.asOf,
      raisedAt: options.raisedAt,
      ...(options.plantId !== undefined && { plantId: options.plantId }),
      orderId: order.orderId,
      change,
      was,
      ...(order.latenessMs !== undefined && { latenessMs: order.latenessMs }),
      ...(order.onTimeProbability !== undefined && { onTimeProbability: order.onTimeProbability }),
      ...(cause !== undefined && { cause }),
      ...where,
      text: alertText(order.orderId, change, was, order, cause, where.station),
    });
  }
  return alerts;
}

/** The station the forecast names for the order's delay, and the step there it waits for or runs. */
function whereDelayed(order: OrderForecast): { station?: string; step?: string } {
  const station = order.delayStation;
  if (station === undefined) return {};
  const span =
    order.steps.find((s) => s.station === station && !s.actual) ??
    order.steps.find((s) => s.station === station);
  return { station, ...(span !== undefined && { step: span.step }) };
}

function alertText(
  orderId: string,
  change: LatenessChange,
  was: LatenessChange,
  order: OrderForecast,
  cause: string | undefined,
  station: string | undefined,
): string {
  const why = cause === undefined ? '' : ` (${cause}${station === undefined ? '' : `, at ${station}`})`;
  switch (change) {
    case 'late':
      return `${orderId} will be ${durationText(Math.max(0, order.latenessMs ?? 0))} late${why}`;
    case 'at-risk': {
      const chance =
        order.onTimeProbability === undefined
          ? ''
          : `: on time in ${Math.round(order.onTimeProbability * 100)} % of the draws`;
      return `${orderId} is ${was === 'late' ? 'no longer late but still ' : ''}at risk${chance}${why}`;
    }
    case 'on-time':
      return `${orderId} is on time again (was ${was === 'late' ? 'late' : 'at risk'})`;
  }
}

/** `1 min 20 s`, `12 min`, `2 h 5 min`, `40 s`. */
function durationText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}
