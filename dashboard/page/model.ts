// What the dashboard shows, computed from a forecast without touching the DOM: the rows of the Gantt
// (one per active order), their order, the counts in the header, and the page's settings.
import {
  type DelayCause,
  type ForecastRecord,
  isAtRisk,
  type OrderForecast,
  type StepKind,
  type StepSpan,
} from '../../contracts/forecastRecord.ts';

/** How a delay is drawn: the order's own (orange), pushed back by another order (red), or none. */
export const DelayGroup = { none: 'none', own: 'own', knockOn: 'knock-on' } as const;
export type DelayGroup = (typeof DelayGroup)[keyof typeof DelayGroup];

/** Which delay causes are the order's own doing (its material, its production) and which come from others. */
export function delayGroup(cause: DelayCause): DelayGroup {
  if (cause === 'knock-on') return DelayGroup.knockOn;
  if (cause === 'none') return DelayGroup.none;
  return DelayGroup.own;
}

/** Words for a delay cause, for labels, the tooltip and the accessible table. */
export const CAUSE_TEXT: Record<DelayCause, string> = {
  none: 'on plan',
  'own-material': 'own delay: material later than first promised',
  'overdue-material': 'own delay: material overdue',
  overrun: 'own delay: production overran',
  'knock-on': 'knock-on: pushed back by another order',
};

/** Words for a span of an order's way: a material wait, a wait in a station's queue, an operation (by its step's name). */
export function stepText(span: Pick<StepSpan, 'kind' | 'step'>): string {
  if (span.kind === 'material') return 'Waiting for material';
  if (span.kind === 'queue') return `Queued for ${span.step}`;
  return span.step.charAt(0).toUpperCase() + span.step.slice(1);
}

/** The colour (and legend swatch) of a kind of span. */
export const KIND_CLASS: Record<StepKind, 'material' | 'queue' | 'production'> = {
  material: 'material',
  queue: 'queue',
  operation: 'production',
};

/** When an order's first operation starts (its completion when it has none). */
export function firstOperationStart(order: OrderForecast): number {
  let start = Number.POSITIVE_INFINITY;
  for (const span of order.steps) if (span.kind === 'operation') start = Math.min(start, span.start);
  return Number.isFinite(start) ? start : order.completedAt;
}

/** When an order's material arrives (arrived), if its routing waits for one. */
export function materialReadyAt(order: OrderForecast): number | undefined {
  let end: number | undefined;
  for (const span of order.steps) if (span.kind === 'material') end = Math.max(end ?? span.end, span.end);
  return end;
}

/** One row of the Gantt: an active order. */
export interface Row {
  orderId: string;
  order: OrderForecast;
  group: DelayGroup;
  late: boolean;
  /** Monte Carlo forecasts: on time at the means, with a real chance to end late (`isAtRisk`). */
  atRisk: boolean;
  /** The material ETA slipped (first ETA earlier than the current one). */
  etaSlipMs: number;
  steps: StepSpan[];
}

export const SortOrders = {
  start: 'by production start',
  late: 'late and delayed first',
  risk: 'least likely on time first',
  id: 'by order id',
} as const;
export type SortOrder = keyof typeof SortOrders;

export interface RowFilter {
  /** Only late, delayed or at-risk orders. */
  attentionOnly?: boolean;
  /** Part of the order id. */
  text?: string;
}

/** The Gantt's rows: every active order of the forecast, filtered and sorted. */
export function toRows(forecast: ForecastRecord, sort: SortOrder = 'start', filter: RowFilter = {}): Row[] {
  const text = filter.text?.trim().toLowerCase() ?? '';
  const rows: Row[] = [];
  for (const order of forecast.orders) {
    const group = delayGroup(order.delayCause);
    const atRisk = isAtRisk(order);
    if (filter.attentionOnly && !order.late && group === DelayGroup.none && !atRisk) continue;
    if (text && !order.orderId.toLowerCase().includes(text)) continue;
    const etaSlipMs =
      order.initialEta !== undefined && order.eta !== undefined
        ? Math.max(0, order.eta - order.initialEta)
        : 0;
    rows.push({
      orderId: order.orderId,
      order,
      group,
      late: order.late,
      atRisk,
      etaSlipMs,
      steps: order.steps,
    });
  }
  const byStart = (a: Row, b: Row) =>
    firstOperationStart(a.order) - firstOperationStart(b.order) || compareIds(a.orderId, b.orderId);
  if (sort === 'id') rows.sort((a, b) => compareIds(a.orderId, b.orderId));
  else if (sort === 'late') rows.sort((a, b) => attention(b) - attention(a) || byStart(a, b));
  else if (sort === 'risk') rows.sort((a, b) => chanceOnTime(a) - chanceOnTime(b) || byStart(a, b));
  else rows.sort(byStart);
  return rows;
}

/**
 * The chance that a row's order ends by its due date: the Monte Carlo forecast's, else 0 or 1 from
 * the forecast (an order without a due date is never at risk).
 */
function chanceOnTime(row: Row): number {
  if (row.order.dueAt === undefined) return 1;
  return row.order.onTimeProbability ?? (row.late ? 0 : 1);
}

function attention(row: Row): number {
  return (row.late ? 2 : 0) + (row.group !== DelayGroup.none ? 1 : 0);
}

const collator = new Intl.Collator(undefined, { numeric: true });
function compareIds(a: string, b: string): number {
  return collator.compare(a, b);
}

/** The header's counts. */
export interface Summary {
  active: number;
  late: number;
  ownDelay: number;
  knockOn: number;
}

/** Counts of the forecast's orders. */
export function summarise(forecast: ForecastRecord): Summary {
  const summary: Summary = { active: forecast.orders.length, late: 0, ownDelay: 0, knockOn: 0 };
  for (const order of forecast.orders) {
    if (order.late) summary.late++;
    const group = delayGroup(order.delayCause);
    if (group === DelayGroup.own) summary.ownDelay++;
    else if (group === DelayGroup.knockOn) summary.knockOn++;
  }
  return summary;
}

/** The time span the chart covers: every step, due date, first ETA and likely end, and "now", with a margin. */
export function timeExtent(forecast: ForecastRecord): [number, number] {
  let min = forecast.asOf;
  let max = forecast.asOf;
  for (const order of forecast.orders) {
    for (const step of order.steps) {
      min = Math.min(min, step.start);
      max = Math.max(max, step.end);
    }
    for (const t of [
      order.dueAt,
      order.initialEta,
      order.plannedCompletedAt,
      order.completedAt,
      order.completedAtP10,
      order.completedAtP90,
    ]) {
      if (t === undefined) continue;
      min = Math.min(min, t);
      max = Math.max(max, t);
    }
  }
  const margin = Math.max((max - min) * 0.03, 60_000);
  return [min - margin, max + margin];
}

/** The page's settings, from its address (`?poll=SECONDS&stale=SECONDS&token=…`). */
export interface Settings {
  pollMs: number;
  staleMs: number;
  token: string | undefined;
  autoRefresh: boolean;
}

const DEFAULT_POLL_S = 5;
const DEFAULT_STALE_S = 120;

/** Reads the settings from a query string; bad values fall back to the defaults. */
export function parseSettings(search: string): Settings {
  const params = new URLSearchParams(search);
  const seconds = (name: string, fallback: number, min: number) => {
    const value = Number(params.get(name));
    return params.has(name) && Number.isFinite(value) && value >= min ? value : fallback;
  };
  return {
    pollMs: seconds('poll', DEFAULT_POLL_S, 0.2) * 1000,
    staleMs: seconds('stale', DEFAULT_STALE_S, 1) * 1000,
    token: params.get('token') || undefined,
    autoRefresh: params.get('auto') !== 'off',
  };
}
