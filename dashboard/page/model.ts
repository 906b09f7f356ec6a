// What the dashboard shows, computed from a forecast without touching the DOM: the colours and names
// the model gives (a colour per station), the order view's rows and their order, the station view's
// rows (each station's units, which order runs on which unit, its queue over time), the header's
// counts and the page's settings. Written once for every model: no station or step name in here.
import {
  type DelayCause,
  type ForecastRecord,
  isAtRisk,
  type OrderForecast,
  type Position,
  type StationOutage,
  type StepSpan,
} from '../../contracts/forecastRecord.ts';
import { modelTimeText, TIME_UNITS, type TimeUnit } from '../../orderflow/model/timeUnits.ts';
import { formatDuration, formatInterval, formatTimeNear } from './format.ts';

/**
 * The stations' colours, given in the order of the model's stations (so a model keeps its colours
 * from one forecast to the next). None of them is the orange, red or violet of the delay and
 * likely-end marks, nor the grey of material waits.
 */
export const STATION_PALETTE = [
  '#2a9d8f',
  '#4c78a8',
  '#b07aa1',
  '#59a14f',
  '#9c755f',
  '#17becf',
  '#c9a227',
  '#1f4e79',
  '#8cb369',
  '#6a8caf',
] as const;

/** Waiting for material: one neutral colour, whatever the model. */
export const MATERIAL_COLOR = '#98a2b3';

/** The colour of the `index`-th station: the palette first, then well-spread hues. */
export function paletteColor(index: number): string {
  const fixed = STATION_PALETTE[index];
  if (fixed !== undefined) return fixed;
  // The golden angle keeps successive hues apart; 40 % saturation and lightness keep them calm.
  return hslHex((index * 137.508) % 360, 0.4, 0.42);
}

function hslHex(hue: number, saturation: number, lightness: number): string {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    const value = lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** A station as the legend and the station view name it. */
export interface StationInfo {
  id: string;
  name: string;
  capacity: number;
  color: string;
}

/** What the page draws a forecast's model with: its stations in the model's order, their names and colours. */
export interface ModelView {
  stations: StationInfo[];
  byId: Map<string, StationInfo>;
  /** Whether any product's routing waits for material. */
  hasMaterial: boolean;
}

/**
 * The model's stations with their colours, assigned in the order of `model.stations`. A station that
 * spans name but the model does not list (an older model's) gets the next colours, in id order, and
 * its id as its name.
 */
export function modelView(forecast: Pick<ForecastRecord, 'model' | 'orders' | 'stations'>): ModelView {
  const stations: StationInfo[] = [];
  const byId = new Map<string, StationInfo>();
  const add = (id: string, name: string, capacity: number) => {
    if (byId.has(id)) return;
    const info = { id, name, capacity, color: paletteColor(stations.length) };
    stations.push(info);
    byId.set(id, info);
  };
  for (const s of forecast.model?.stations ?? []) add(s.id, s.name || s.id, s.capacity);
  const unknown = new Set<string>();
  for (const s of forecast.stations ?? []) if (!byId.has(s.station)) unknown.add(s.station);
  for (const order of forecast.orders) {
    for (const span of order.steps)
      if (span.station !== undefined && !byId.has(span.station)) unknown.add(span.station);
  }
  const forecastStations = new Map((forecast.stations ?? []).map((s) => [s.station, s]));
  for (const id of [...unknown].sort()) {
    const known = forecastStations.get(id);
    add(id, known?.name || id, known?.capacity ?? 1);
  }
  const hasMaterial =
    (forecast.model?.products ?? []).some((p) => p.routing.some((step) => step.kind === 'material')) ||
    forecast.orders.some((o) => o.steps.some((span) => span.kind === 'material'));
  return { stations, byId, hasMaterial };
}

/** A station's display name (its id when the model does not name it). */
export function stationName(view: ModelView, station: string | undefined): string {
  if (station === undefined) return '';
  return view.byId.get(station)?.name ?? station;
}

/** The colour a span is drawn in: its station's, or the material grey. */
export function spanColor(view: ModelView, span: Pick<StepSpan, 'kind' | 'station'>): string {
  if (span.kind === 'material' || span.station === undefined) return MATERIAL_COLOR;
  return view.byId.get(span.station)?.color ?? MATERIAL_COLOR;
}

/** How a delay is drawn: the order's own (orange), pushed back by another order (red), or none. */
export const DelayGroup = { none: 'none', own: 'own', knockOn: 'knock-on' } as const;
export type DelayGroup = (typeof DelayGroup)[keyof typeof DelayGroup];

/** Which delay causes are the order's own doing (its material, an overrun) and which come from others. */
export function delayGroup(cause: DelayCause): DelayGroup {
  // A station down is not the order's doing: drawn with the orders pushed back by others.
  if (cause === 'knock-on' || cause === 'downtime') return DelayGroup.knockOn;
  if (cause === 'none') return DelayGroup.none;
  return DelayGroup.own;
}

/** Words for an order's delay cause, with the station it names, for labels, the tooltip and the table. */
export function causeText(
  view: ModelView,
  order: Pick<OrderForecast, 'delayCause' | 'delayStation'>,
): string {
  const at = order.delayStation === undefined ? '' : ` at ${stationName(view, order.delayStation)}`;
  switch (order.delayCause) {
    case 'none':
      return 'on plan';
    case 'own-material':
      return 'own delay: material later than first promised';
    case 'overdue-material':
      return 'own delay: material overdue';
    case 'overrun':
      return `own delay: an operation overran${at}`;
    case 'knock-on':
      return `knock-on: waited behind other orders${at}`;
    case 'downtime':
      return `downtime: a unit down or in maintenance${at}`;
    default:
      return String(order.delayCause);
  }
}

/** Words for a span of an order's way: a material wait, a wait in a station's queue, an operation. */
export function stepText(view: ModelView, span: Pick<StepSpan, 'kind' | 'step' | 'station'>): string {
  if (span.kind === 'material') return 'Material wait';
  const at = span.station === undefined ? '' : ` at ${stationName(view, span.station)}`;
  if (span.kind === 'queue') return `Queued for ${span.step}${at}`;
  return `${span.step}${at}`;
}

/** Words for where an order stands at the forecast's time. */
export function positionText(view: ModelView, position: Position | undefined): string {
  switch (position?.kind) {
    case 'not-started':
      return 'not started';
    case 'material':
      return 'waiting for material';
    case 'queue':
      return `queued for ${position.step} at ${stationName(view, position.station)}`;
    case 'operation':
      return `in ${position.step} at ${stationName(view, position.station)}`;
    case 'completed':
      return 'completed, not delivered';
    default:
      return '–';
  }
}

/** When an order's first span starts (its completion when it has none). */
export function firstStart(order: OrderForecast): number {
  let start = Number.POSITIVE_INFINITY;
  for (const span of order.steps) start = Math.min(start, span.start);
  return Number.isFinite(start) ? start : order.completedAt;
}

/** One row of the order view: an active order. */
export interface Row {
  orderId: string;
  order: OrderForecast;
  group: DelayGroup;
  late: boolean;
  /** Monte Carlo forecasts: on time at the means, with a real chance to end late (`isAtRisk`). */
  atRisk: boolean;
  /** The material ETA slipped (first ETA earlier than the current one). */
  etaSlipMs: number;
  /** One per routing step and queue wait (a span cut at the forecast's time is two). */
  steps: StepSpan[];
}

export const SortOrders = {
  first: 'by first start',
  completion: 'by completion',
  late: 'late and delayed first',
  risk: 'least likely on time first',
  id: 'by order id',
} as const;
export type SortOrder = keyof typeof SortOrders;

/** A sort order named in the address or the select, or the default. */
export function sortOrder(value: string | null | undefined): SortOrder {
  return value !== null && value !== undefined && Object.hasOwn(SortOrders, value)
    ? (value as SortOrder)
    : 'first';
}

export interface RowFilter {
  /** Only late, delayed or at-risk orders. */
  attentionOnly?: boolean;
  /** Part of the order id. */
  text?: string;
}

/** The order view's rows: every active order of the forecast, filtered and sorted. */
export function toRows(forecast: ForecastRecord, sort: SortOrder = 'first', filter: RowFilter = {}): Row[] {
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
  const byFirst = (a: Row, b: Row) =>
    firstStart(a.order) - firstStart(b.order) || compareIds(a.orderId, b.orderId);
  const byCompletion = (a: Row, b: Row) => a.order.completedAt - b.order.completedAt || byFirst(a, b);
  if (sort === 'id') rows.sort((a, b) => compareIds(a.orderId, b.orderId));
  else if (sort === 'completion') rows.sort(byCompletion);
  else if (sort === 'late') rows.sort((a, b) => attention(b) - attention(a) || byCompletion(a, b));
  else if (sort === 'risk') rows.sort((a, b) => chanceOnTime(a) - chanceOnTime(b) || byCompletion(a, b));
  else rows.sort(byFirst);
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

/** An operation at a station, whole (its actual and forecast parts together), placed on one unit. */
export interface StationJob {
  orderId: string;
  step: string;
  station: string;
  start: number;
  end: number;
  /** The spans it is drawn from: an actual part, a forecast part, or both. */
  parts: StepSpan[];
}

/** What a station's units are out of work in, for `assignUnits`: units numbered from 0. */
export interface UnitsOut {
  /** Whether unit `unit` is out of work in part of [start, end). */
  out(unit: number, start: number, end: number): boolean;
  /** The unit a job must be on, if any (it was on it when the unit went out, and goes on after). */
  pin(job: { start: number; end: number }): number | undefined;
}

/**
 * Puts jobs on units: sorted by start, then order id (by code units, so every browser agrees), then
 * end, each on the lowest-numbered unit free by its start. Returns the units, each with its jobs in time order;
 * there are as many units as jobs ever overlap, so a forecast that keeps to a station's capacity
 * never needs more units than it has. With `unitsOut`, a job pinned to a unit is put there first, and
 * the others each on the lowest unit free and at work through it, when there is one.
 */
export function assignUnits<T extends { orderId: string; start: number; end: number }>(
  jobs: readonly T[],
  unitsOut?: UnitsOut,
): T[][] {
  const sorted = [...jobs].sort(
    (a, b) =>
      a.start - b.start || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0) || a.end - b.end,
  );
  if (unitsOut !== undefined) return assignAround(sorted, unitsOut);
  const units: T[][] = [];
  const freeAt: number[] = [];
  for (const job of sorted) {
    let unit = freeAt.findIndex((t) => t <= job.start);
    if (unit < 0) {
      unit = units.length;
      units.push([]);
      freeAt.push(job.start);
    }
    units[unit]!.push(job);
    freeAt[unit] = Math.max(job.start, job.end);
  }
  return units;
}

/** `assignUnits` around units out of work: pinned jobs first, then each job on a unit free through it. */
function assignAround<T extends { start: number; end: number }>(
  sorted: readonly T[],
  unitsOut: UnitsOut,
): T[][] {
  const units: T[][] = [];
  const overlaps = (unit: number, job: T) =>
    (units[unit] ?? []).some((other) => other.start < job.end && job.start < other.end);
  const placed = new Set<T>();
  for (const job of sorted) {
    const unit = unitsOut.pin(job);
    if (unit === undefined || overlaps(unit, job)) continue;
    while (units.length <= unit) units.push([]);
    units[unit]!.push(job);
    placed.add(job);
  }
  for (const job of sorted) {
    if (placed.has(job)) continue;
    // Of the units free and at work through it, the one a pinned job needs soonest after it (so
    // that the pinned job finds its unit free), then the lowest.
    let unit = -1;
    let needed = Number.POSITIVE_INFINITY;
    let fallback = -1;
    for (let i = 0; i <= units.length; i++) {
      if (i < units.length && overlaps(i, job)) continue;
      if (unitsOut.out(i, job.start, job.end)) {
        if (fallback < 0) fallback = i;
        continue;
      }
      const next = (units[i] ?? []).reduce(
        (t, other) => (other.start >= job.end ? Math.min(t, other.start) : t),
        Number.POSITIVE_INFINITY,
      );
      if (unit < 0 || next < needed) {
        unit = i;
        needed = next;
      }
    }
    if (unit < 0) unit = fallback;
    if (unit === units.length) units.push([]);
    units[unit]!.push(job);
  }
  for (const unit of units) unit.sort((a, b) => a.start - b.start || a.end - b.end);
  // Trailing units that nothing was put on are no rows.
  while (units.length > 0 && units[units.length - 1]!.length === 0) units.pop();
  return units;
}

/** How many orders wait in a queue from `start` to `end`. */
export interface QueueCount {
  start: number;
  end: number;
  count: number;
}

/** The number of waiting orders over time, from their waits: only the times when some wait, equal neighbours merged. */
export function queueCounts(waits: readonly { start: number; end: number }[]): QueueCount[] {
  const deltas = new Map<number, number>();
  for (const w of waits) {
    if (!(w.end > w.start)) continue;
    deltas.set(w.start, (deltas.get(w.start) ?? 0) + 1);
    deltas.set(w.end, (deltas.get(w.end) ?? 0) - 1);
  }
  const times = [...deltas.keys()].sort((a, b) => a - b);
  const counts: QueueCount[] = [];
  let count = 0;
  for (let i = 0; i < times.length - 1; i++) {
    count += deltas.get(times[i]!)!;
    if (count <= 0) continue;
    const last = counts.at(-1);
    if (last && last.end === times[i] && last.count === count) last.end = times[i + 1]!;
    else counts.push({ start: times[i]!, end: times[i + 1]!, count });
  }
  return counts;
}

/** How many wait in a queue at `t`. */
export function queueAt(counts: readonly QueueCount[], t: number): number {
  for (const c of counts) if (c.start <= t && t < c.end) return c.count;
  return 0;
}

/** One unit of a station in the station view: the orders it runs. */
export interface UnitRow {
  /** `<station id>#<unit>`, e.g. `welder#2`. */
  key: string;
  station: string;
  /** 1, 2, …: units above the station's capacity are the forecast's overbooking. */
  unit: number;
  /** The station's name and the unit, e.g. "Welder 2". */
  label: string;
  overCapacity: boolean;
  jobs: StationJob[];
  /** The windows it is out of work in (its own and its station's), by start. */
  outages: StationOutage[];
}

/** Words for why a unit is out of work, for the tooltip and the legend. */
export const OUTAGE_TEXT: Readonly<Record<StationOutage['kind'], string>> = {
  down: 'Down',
  maintenance: 'Maintenance',
  'off-shift': 'Off shift',
};

/** A station in the station view: its units, and its queue over time. */
export interface StationLane {
  station: StationInfo;
  units: UnitRow[];
  queue: QueueCount[];
  maxQueue: number;
  /** The forecast's utilisation over its horizon, when it gives one. */
  utilisation: number | undefined;
}

/**
 * The station view: every station of the model (in its order), one row per unit (at least its
 * capacity), its operations put on units by `assignUnits`, and the counts of its queue over time.
 * Operations a forecast puts beyond the capacity get extra rows, marked over capacity, not hidden.
 */
export function stationLanes(forecast: ForecastRecord, view: ModelView = modelView(forecast)): StationLane[] {
  const jobs = new Map<string, Map<string, StationJob>>();
  const waits = new Map<string, { start: number; end: number }[]>();
  for (const order of forecast.orders) {
    for (const span of order.steps) {
      if (span.station === undefined) continue;
      if (span.kind === 'queue') {
        const list = waits.get(span.station);
        if (list) list.push(span);
        else waits.set(span.station, [span]);
      } else if (span.kind === 'operation') {
        let byKey = jobs.get(span.station);
        if (!byKey) {
          byKey = new Map();
          jobs.set(span.station, byKey);
        }
        // A span cut at the forecast's time is one operation: its parts stay on one unit.
        const key = `${order.orderId}\u0000${span.step}`;
        const job = byKey.get(key);
        if (job) {
          job.start = Math.min(job.start, span.start);
          job.end = Math.max(job.end, span.end);
          job.parts.push(span);
        } else {
          byKey.set(key, {
            orderId: order.orderId,
            step: span.step,
            station: span.station,
            start: span.start,
            end: span.end,
            parts: [span],
          });
        }
      }
    }
  }
  const forecastStations = new Map((forecast.stations ?? []).map((s) => [s.station, s]));
  return view.stations.map((station) => {
    const capacity = Math.max(1, station.capacity);
    const outages = forecastStations.get(station.id)?.outages ?? [];
    // No operation drawn on a unit while it is out, when another unit can take it; one that spans a
    // unit's own outage was on that unit when it went out.
    const unitsOut: UnitsOut = {
      out: (i, start, end) =>
        i >= capacity ||
        outages.some((o) => (o.unit === undefined || o.unit === i + 1) && o.from < end && o.to > start),
      pin: (job) => {
        const o = outages.find((o) => o.unit !== undefined && job.start <= o.from && job.end >= o.to);
        return o?.unit === undefined ? undefined : o.unit - 1;
      },
    };
    const assigned = assignUnits(
      [...(jobs.get(station.id)?.values() ?? [])],
      outages.length > 0 ? unitsOut : undefined,
    );
    const units: UnitRow[] = [];
    for (let i = 0; i < Math.max(capacity, assigned.length); i++) {
      units.push({
        key: `${station.id}#${i + 1}`,
        station: station.id,
        unit: i + 1,
        label: `${station.name} ${i + 1}`,
        overCapacity: i >= capacity,
        jobs: assigned[i] ?? [],
        // A window of the whole station is on each of its real units; the forecast's overbooking has none.
        outages: outages.filter((o) => (o.unit === undefined ? i < capacity : o.unit === i + 1)),
      });
    }
    const queue = queueCounts(waits.get(station.id) ?? []);
    return {
      station,
      units,
      queue,
      maxQueue: queue.reduce((max, c) => Math.max(max, c.count), 0),
      utilisation: forecastStations.get(station.id)?.utilisation,
    };
  });
}

/** The header's counts. */
export interface Summary {
  active: number;
  late: number;
  ownDelay: number;
  knockOn: number;
  /** The station with the highest utilisation over the forecast's horizon (the first of equals). */
  busiest: { station: string; name: string; utilisation: number } | undefined;
}

/** Counts of the forecast's orders, and its busiest station. */
export function summarise(forecast: ForecastRecord, view: ModelView = modelView(forecast)): Summary {
  const summary: Summary = {
    active: forecast.orders.length,
    late: 0,
    ownDelay: 0,
    knockOn: 0,
    busiest: undefined,
  };
  for (const order of forecast.orders) {
    if (order.late) summary.late++;
    const group = delayGroup(order.delayCause);
    if (group === DelayGroup.own) summary.ownDelay++;
    else if (group === DelayGroup.knockOn) summary.knockOn++;
  }
  for (const s of forecast.stations ?? []) {
    if (summary.busiest === undefined || s.utilisation > summary.busiest.utilisation) {
      summary.busiest = {
        station: s.station,
        name: stationName(view, s.station),
        utilisation: s.utilisation,
      };
    }
  }
  return summary;
}

/**
 * A model parameter's value in a few words: a number, a name, or a distribution with its numbers.
 * With `unit`, the value is a time in that unit: its numbers read as times (`10 min`), but for an
 * empirical distribution's weights.
 */
export function parameterText(value: unknown, unit?: TimeUnit, key?: string): string {
  if (typeof value === 'number') {
    if (unit !== undefined && key !== 'weights') return modelTimeText(value, unit);
    return Number.isInteger(value) ? String(value) : String(+value.toPrecision(4));
  }
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const items = value
      .slice(0, 4)
      .map((v) => parameterText(v, unit, key))
      .join(', ');
    return `[${items}${value.length > 4 ? ', …' : ''}]`;
  }
  if (value !== null && typeof value === 'object') {
    const { dist, param, ...rest } = value as Record<string, unknown>;
    if (typeof param === 'string') return `= ${param}`;
    const inner = Object.entries(rest)
      .map(([k, v]) => `${k} ${parameterText(v, unit, k)}`)
      .join(', ');
    return typeof dist === 'string' ? `${dist}(${inner})` : `{${inner}}`;
  }
  return String(value);
}

/**
 * The model's parameters as "name value" pairs, in the model's order; those of `model.timeParameters`
 * as times in the model's time unit.
 */
export function parameterList(
  model: Pick<ForecastRecord['model'], 'parameters' | 'timeParameters' | 'timeUnit'>,
): string[] {
  const times = new Set(model.timeParameters);
  const unit = model.timeUnit in TIME_UNITS ? (model.timeUnit as TimeUnit) : undefined;
  return Object.entries(model.parameters ?? {}).map(
    ([name, value]) => `${name} ${parameterText(value, times.has(name) ? unit : undefined)}`,
  );
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

/** Why the page cannot get a new forecast: the store behind the API, the API's server, or the network. */
export const OutageKind = {
  /** 503: the forecast store (DynamoDB) does not answer. */
  store: 'store',
  /** Another error answer from the server. */
  server: 'server',
  /** No answer at all: the dashboard's server or the network is down. */
  network: 'network',
} as const;
export type OutageKind = (typeof OutageKind)[keyof typeof OutageKind];

/** An answer of GET api/forecast that is a failure: which kind of outage it means. */
export function outageKind(status: number | undefined): OutageKind {
  if (status === undefined) return OutageKind.network;
  return status === 503 ? OutageKind.store : OutageKind.server;
}

/** The page's views: the orders, one row each; the stations, one row per unit. */
export const Views = { orders: 'Orders', stations: 'Stations' } as const;
export type View = keyof typeof Views;

/** The page's settings, from its address (`?poll=SECONDS&stale=SECONDS&token=…&view=stations&sort=…`). */
export interface Settings {
  pollMs: number;
  staleMs: number;
  token: string | undefined;
  autoRefresh: boolean;
  view: View;
  sort: SortOrder;
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
    view: params.get('view') === 'stations' ? 'stations' : 'orders',
    sort: sortOrder(params.get('sort')),
  };
}

/** Why the page shows no newer forecast, since when, as the last failed poll saw it. */
export interface Outage {
  kind: OutageKind;
  /** The first failed poll of this outage (wall clock). */
  since: number;
  /** The server's one-line message, when it gave one. */
  message?: string | undefined;
}

/**
 * The outage banner's words: what cannot be reached, since when, and how old the forecast shown
 * is (the last one the page had), or that there is none to show.
 */
export function outageText(
  outage: Outage,
  now: number,
  shown: { generatedAt: number } | null | undefined,
  retrying: { autoRefresh: boolean; pollMs: number },
): { title: string; detail: string } {
  const what =
    outage.kind === OutageKind.store
      ? 'The forecast store is unreachable'
      : outage.kind === OutageKind.network
        ? 'The dashboard server is unreachable'
        : 'The dashboard server cannot give the forecast';
  const title = `${what} since ${formatTimeNear(outage.since, now)} (${formatDuration(now - outage.since)})`;
  const parts: string[] = [];
  if (shown) {
    parts.push(
      `Showing the last forecast, made ${formatTimeNear(shown.generatedAt, now)}: ${formatDuration(Math.max(0, now - shown.generatedAt))} old.`,
    );
  } else {
    parts.push('No forecast to show yet.');
  }
  parts.push(
    retrying.autoRefresh
      ? `Retrying every ${formatInterval(retrying.pollMs)}; the page updates by itself once it answers again.`
      : 'Auto-refresh is off: refresh to try again.',
  );
  if (outage.message) parts.push(`Server: ${outage.message}.`);
  return { title, detail: parts.join(' ') };
}
