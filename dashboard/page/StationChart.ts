// The station view on Apache ECharts: per station a row with its queue (how many orders wait, over
// time) and one row per unit with the operations it runs, labelled with the order; actual parts
// solid, forecast parts hatched, the "now" line, and time zoom and pan as in the order view.

import type { CustomSeriesRenderItemAPI } from 'echarts';
import type { ForecastRecord, OrderForecast, StationOutage } from '../../contracts/forecastRecord.ts';
import {
  barStyle,
  COLORS,
  echarts,
  hatch,
  nowLine,
  nowOf,
  richText,
  swatch,
  tag,
  timeAxis,
  timeZoom,
  tooltipFrame,
} from './chart.ts';
import { escapeHtml, formatDuration, formatTimeNear } from './format.ts';
import {
  causeText,
  DelayGroup,
  delayGroup,
  type ModelView,
  OUTAGE_TEXT,
  type QueueCount,
  type StationJob,
  type StationLane,
  stationLanes,
  type UnitRow,
} from './model.ts';

/** Pixels per row, at least: rows grow up to MAX_ROW_PX while the view fits the window. */
const ROW_PX = 30;
const MAX_ROW_PX = 44;
/** Room kept under the chart for the stations' table. */
const TABLE_PX = 190;
const GRID = { top: 34, bottom: 46, left: 170, right: 34 } as const;
const MIN_HEIGHT = 160;
/** How many of each unit's coming operations the view opens with. */
const NEXT_JOBS = 12;

type Api = CustomSeriesRenderItemAPI;

/** A row of the station view: a station's queue, or one of its units. */
type StationRow = { kind: 'queue'; lane: number } | { kind: 'unit'; lane: number; unit: UnitRow };

/** A queue count, cut at the forecast's time so that what is forecast can be hatched. */
interface QueuePiece extends QueueCount {
  lane: number;
  actual: boolean;
}

export interface StationRender {
  ms: number;
  /** The units drawn, `<station>#<n>`, top to bottom. */
  units: string[];
  /** The operations drawn on them. */
  jobs: number;
  /** Whether some operations need more units than their station has. */
  overCapacity: boolean;
  /** Height of a row, px; the rows are, per station, its queue, then its units. */
  rowPx: number;
  /** The kinds of the outages drawn (a unit down, maintenance, off shift), each once. */
  outageKinds: StationOutage['kind'][];
}

/** How a unit's time out of work is drawn, by kind: down red and hatched, maintenance amber, off shift grey. */
function outageStyle(kind: StationOutage['kind']): object {
  switch (kind) {
    case 'down':
      return { fill: hatch(COLORS.down), stroke: COLORS.down, lineWidth: 1, opacity: 0.75 };
    case 'maintenance':
      return { fill: COLORS.maintenance, stroke: COLORS.maintenance, lineWidth: 1, opacity: 0.4 };
    default:
      return { fill: COLORS.offShift, opacity: 0.3 };
  }
}

/** The station view in one element; re-rendered with each forecast, keeping the user's zoom. */
export class StationChart {
  private readonly chart: echarts.ECharts;
  private forecast: ForecastRecord | undefined;
  private lanes: StationLane[] = [];
  private initialised = false;
  /** Until the user zooms or pans, each forecast opens at "now" and what is left to do. */
  private following = true;
  private dispatching = false;

  /** Called when following "now" is switched off by zooming or panning. */
  onFollow: ((following: boolean) => void) | undefined;

  constructor(private readonly el: HTMLElement) {
    this.chart = echarts.init(el, undefined, { renderer: 'canvas' });
    this.chart.on('datazoom', () => {
      if (!this.dispatching && this.following) {
        this.following = false;
        this.onFollow?.(false);
      }
    });
  }

  /** Draws the station view of `forecast`. */
  render(forecast: ForecastRecord, view: ModelView): StationRender {
    const started = performance.now();
    this.forecast = forecast;
    this.lanes = stationLanes(forecast, view);
    const rows: StationRow[] = [];
    this.lanes.forEach((lane, i) => {
      rows.push({ kind: 'queue', lane: i });
      for (const unit of lane.units) rows.push({ kind: 'unit', lane: i, unit });
    });
    const chrome = GRID.top + GRID.bottom;
    const top = this.el.getBoundingClientRect().top + window.scrollY;
    const fits = Math.floor((window.innerHeight - top - TABLE_PX - chrome) / Math.max(1, rows.length));
    const rowPx = Math.min(MAX_ROW_PX, Math.max(ROW_PX, fits));
    const height = Math.max(MIN_HEIGHT, rows.length * rowPx + chrome);
    if (this.el.style.height !== `${height}px`) this.el.style.height = `${height}px`;
    if (this.chart.getWidth() !== this.el.clientWidth || this.chart.getHeight() !== this.el.clientHeight) {
      this.chart.resize();
    }
    this.chart.setOption(this.option(forecast, view, rows), { replaceMerge: ['series'], lazyUpdate: false });
    if (this.following) this.fitTime();
    this.initialised = true;
    const units = this.lanes.flatMap((lane) => lane.units);
    return {
      ms: performance.now() - started,
      units: units.map((u) => u.key),
      jobs: units.reduce((n, u) => n + u.jobs.length, 0),
      overCapacity: units.some((u) => u.overCapacity),
      rowPx,
      outageKinds: [...new Set(units.flatMap((u) => u.outages.map((o) => o.kind)))],
    };
  }

  /** Opens at "now" again, now and with each forecast. */
  follow(): void {
    this.following = true;
    this.fitTime();
  }

  /** Fits the chart to its element (after a resize, or when it is shown). */
  resize(): void {
    this.chart.resize();
  }

  clear(): void {
    this.forecast = undefined;
    this.lanes = [];
    this.chart.clear();
    this.initialised = false;
  }

  /** The x pixel of the "now" line, as ECharts placed it. */
  nowPixel(): number | undefined {
    const asOf = nowOf(this.chart);
    return asOf === undefined ? undefined : (this.chart.convertToPixel({ xAxisIndex: 0 }, asOf) as number);
  }

  /**
   * Time from a little before "now" to the end of each unit's next dozen operations: what runs and
   * what comes next, readable however long the whole plan is (zoom out to see the rest).
   */
  private fitTime(): void {
    if (!this.forecast) return;
    const asOf = this.forecast.asOf;
    let end = asOf + 5 * 60_000;
    let first = asOf;
    for (const lane of this.lanes) {
      for (const unit of lane.units) {
        const ahead = unit.jobs.filter((job) => job.end > asOf);
        const last = ahead[Math.min(ahead.length, NEXT_JOBS) - 1];
        if (last) end = Math.max(end, last.end);
        for (const job of unit.jobs) first = Math.min(first, job.start);
      }
    }
    const start = Math.max(first, asOf - Math.max((end - asOf) * 0.4, 5 * 60_000));
    const margin = Math.max((end - start) * 0.03, 30_000);
    this.dispatching = true;
    try {
      this.chart.dispatchAction({
        type: 'dataZoom',
        dataZoomIndex: 0,
        startValue: start - margin,
        endValue: end + margin,
      });
    } finally {
      this.dispatching = false;
    }
  }

  private option(forecast: ForecastRecord, view: ModelView, rows: StationRow[]): echarts.EChartsCoreOption {
    const asOf = forecast.asOf;
    const lanes = this.lanes;
    const orders = new Map(forecast.orders.map((o) => [o.orderId, o]));
    let min = asOf;
    let max = asOf;
    // Jobs: [row, start, end, lane, job index]; queues: [row, start, end, count, piece index].
    const jobs: StationJob[] = [];
    const jobData: number[][] = [];
    const pieces: QueuePiece[] = [];
    const queueData: number[][] = [];
    const laneData: number[][] = [];
    // Outages: [row, from, to, lane, outage index].
    const outages: { outage: StationOutage; unit: UnitRow }[] = [];
    const outageData: number[][] = [];
    rows.forEach((row, r) => {
      if (row.kind === 'queue') {
        const lane = lanes[row.lane]!;
        // [first row, x, lane, first row, last row]: a station's queue row, then its units.
        laneData.push([r, asOf, row.lane, r, r + lane.units.length]);
        for (const count of lane.queue) {
          min = Math.min(min, count.start);
          max = Math.max(max, count.end);
          for (const piece of cutAt(count, asOf)) {
            pieces.push({ ...piece, lane: row.lane });
            queueData.push([r, piece.start, piece.end, piece.count, pieces.length - 1]);
          }
        }
        return;
      }
      for (const outage of row.unit.outages) {
        min = Math.min(min, outage.from);
        max = Math.max(max, outage.to);
        outages.push({ outage, unit: row.unit });
        outageData.push([r, outage.from, outage.to, row.lane, outages.length - 1]);
      }
      for (const job of row.unit.jobs) {
        min = Math.min(min, job.start);
        max = Math.max(max, job.end);
        jobs.push(job);
        jobData.push([r, job.start, job.end, row.lane, jobs.length - 1]);
      }
    });
    const margin = Math.max((max - min) * 0.03, 60_000);
    const labels = rows.map((_row, r) => String(r));
    const rich: Record<string, object> = {
      name: { fontSize: 12, fontWeight: 600, color: COLORS.text, fontFamily: 'inherit' },
      unit: { fontSize: 12, color: COLORS.text, fontFamily: 'inherit' },
      muted: { fontSize: 11, color: COLORS.muted, fontFamily: 'inherit' },
      gap: { width: 4 },
      over: tag(COLORS.late, true),
    };
    lanes.forEach((lane, i) => {
      rich[`s${i}`] = { width: 10, height: 10, borderRadius: 2, backgroundColor: lane.station.color };
    });
    const rowLabel = (value: string) => {
      const row = rows[Number(value)];
      if (!row) return '';
      const lane = lanes[row.lane]!;
      if (row.kind === 'queue') {
        return `{s${row.lane}|}{gap| }{name|${richText(lane.station.name)}}{gap| }{muted|queue}`;
      }
      const over = row.unit.overCapacity ? '{gap| }{over|over capacity}' : '';
      return `{gap| }{gap| }{unit|${richText(row.unit.label)}}${over}`;
    };

    const tooltip = (params: { value: number[]; seriesId?: string }) => {
      if (params.seriesId === 'jobs') {
        const row = rows[params.value[0]!];
        const job = jobs[params.value[4]!];
        if (!job || row?.kind !== 'unit') return '';
        return jobTooltip(job, row.unit, lanes[row.lane]!, orders.get(job.orderId), view, asOf);
      }
      if (params.seriesId === 'outages') {
        const drawn = outages[params.value[4]!];
        if (!drawn) return '';
        return outageTooltip(drawn.outage, drawn.unit, lanes[params.value[3]!]!, asOf);
      }
      if (params.seriesId === 'queues') {
        const piece = pieces[params.value[4]!];
        if (!piece) return '';
        const lane = lanes[piece.lane]!;
        const t = (ms: number) => formatTimeNear(ms, asOf);
        return (
          `<div class="tt"><div class="tt-head">${swatch(lane.station.color, true)}<b>${escapeHtml(lane.station.name)}</b> · queue</div>` +
          `<div><b>${piece.count}</b> order${piece.count === 1 ? '' : 's'} waiting, ${t(piece.start)} – ${t(piece.end)} ` +
          `<span class="tt-muted">(${formatDuration(piece.end - piece.start)}, ${piece.actual ? 'actual' : 'forecast'})</span></div>` +
          `<div class="tt-muted">At most ${lane.maxQueue} waiting at once</div></div>`
        );
      }
      return '';
    };

    return {
      animation: false,
      aria: {
        enabled: true,
        label: {
          description: `Station view: ${lanes.length} stations, each with its queue over time and one row per unit showing which order it runs when; the table below lists each station's utilisation and queue.`,
        },
      },
      textStyle: { fontFamily: 'inherit', color: COLORS.text },
      grid: { ...GRID, containLabel: false },
      tooltip: tooltipFrame(tooltip),
      xAxis: timeAxis(min - margin, max + margin),
      yAxis: {
        type: 'category',
        inverse: true,
        data: labels,
        axisTick: { show: false },
        axisLine: { lineStyle: { color: '#d0d5dd' } },
        axisLabel: { interval: 0, align: 'left', margin: GRID.left - 8, formatter: rowLabel, rich },
      },
      dataZoom: timeZoom(asOf, this.initialised),
      series: [
        {
          // Each station's rows on one ground, alternating, with a rule between stations.
          id: 'lanes',
          type: 'custom',
          z: 1,
          silent: true,
          encode: { x: 1, y: 0 },
          data: laneData,
          renderItem: (params: { coordSys: unknown }, api: Api) => {
            const grid = params.coordSys as { x: number; width: number };
            const band = (api.size!([0, 1]) as number[])[1]!;
            const top = api.coord([asOf, api.value(3)])[1]! - band / 2;
            const bottom = api.coord([asOf, api.value(4)])[1]! + band / 2;
            const lane = lanes[api.value(2) as number]!;
            const children: object[] = [
              {
                type: 'rect',
                shape: { x: grid.x, y: top, width: grid.width, height: bottom - top },
                style: { fill: (api.value(2) as number) % 2 === 0 ? '#ffffff' : '#f9fafb' },
              },
              {
                type: 'rect',
                shape: { x: grid.x, y: top, width: grid.width, height: 1 },
                style: { fill: '#d0d5dd' },
              },
            ];
            lane.units.forEach((unit, i) => {
              if (!unit.overCapacity) return;
              const y = api.coord([asOf, (api.value(3) as number) + 1 + i])[1]!;
              children.push({
                type: 'rect',
                shape: { x: grid.x, y: y - band / 2, width: grid.width, height: band },
                style: { fill: COLORS.lateRow },
              });
            });
            return { type: 'group', children };
          },
        },
        {
          // Each unit's time out of work across its row, under its operations.
          id: 'outages',
          type: 'custom',
          z: 2,
          clip: true,
          encode: { x: [1, 2], y: 0 },
          data: outageData,
          renderItem: (_params: unknown, api: Api) => {
            const { outage } = outages[api.value(4) as number]!;
            const from = api.coord([outage.from, api.value(0)]);
            const to = api.coord([outage.to, api.value(0)]);
            const band = (api.size!([0, 1]) as number[])[1]!;
            const height = band - 4;
            return {
              type: 'rect',
              shape: { x: from[0]!, y: from[1]! - height / 2, width: Math.max(to[0]! - from[0]!, 2), height },
              style: outageStyle(outage.kind),
            };
          },
        },
        {
          id: 'queues',
          type: 'custom',
          z: 2,
          clip: true,
          encode: { x: [1, 2], y: 0 },
          data: queueData,
          renderItem: (_params: unknown, api: Api) => {
            const piece = pieces[api.value(4) as number]!;
            const lane = lanes[piece.lane]!;
            const start = api.coord([piece.start, api.value(0)]);
            const end = api.coord([piece.end, api.value(0)]);
            const band = (api.size!([0, 1]) as number[])[1]!;
            const full = band - 8;
            const height = Math.max(3, (full * piece.count) / Math.max(1, lane.maxQueue));
            const width = Math.max(1, end[0]! - start[0]!);
            const bottom = start[1]! + band / 2 - 4;
            const children: object[] = [
              {
                type: 'rect',
                shape: { x: start[0]!, y: bottom - height, width, height },
                style: piece.actual
                  ? { fill: lane.station.color, opacity: 0.45 }
                  : { fill: hatch(lane.station.color), stroke: lane.station.color, lineWidth: 0.5 },
              },
            ];
            const text = String(piece.count);
            if (width >= 8 * text.length + 4) {
              children.push({
                type: 'text',
                style: {
                  text,
                  x: start[0]! + width / 2,
                  y: bottom - height / 2,
                  align: 'center',
                  verticalAlign: 'middle',
                  fill: COLORS.now,
                  stroke: '#ffffff',
                  lineWidth: 3,
                  font: '600 11px system-ui, sans-serif',
                },
              });
            }
            return { type: 'group', children };
          },
        },
        {
          id: 'jobs',
          type: 'custom',
          z: 3,
          clip: true,
          encode: { x: [1, 2], y: 0 },
          data: jobData,
          renderItem: (_params: unknown, api: Api) => {
            const job = jobs[api.value(4) as number]!;
            const lane = lanes[api.value(3) as number]!;
            const order = orders.get(job.orderId);
            const y = api.coord([job.start, api.value(0)])[1]!;
            const band = (api.size!([0, 1]) as number[])[1]!;
            const height = Math.min(22, band * 0.7);
            const x = (t: number) => api.coord([t, api.value(0)])[0]!;
            const children: object[] = job.parts.map((part) => ({
              type: 'rect',
              shape: {
                x: x(part.start),
                y: y - height / 2,
                width: Math.max(x(part.end) - x(part.start), 1.5),
                height,
                r: 2,
              },
              style: barStyle(lane.station.color, part.actual),
            }));
            const left = x(job.start);
            const width = x(job.end) - left;
            // A late order's operations carry a red stripe along their top edge.
            if (order?.late) {
              children.push({
                type: 'rect',
                shape: { x: left, y: y - height / 2 - 1, width: Math.max(width, 1.5), height: 3 },
                style: { fill: COLORS.late },
              });
            }
            if (width >= job.orderId.length * 6.5 + 8) {
              children.push({
                type: 'text',
                style: {
                  text: job.orderId,
                  x: left + width / 2,
                  y,
                  align: 'center',
                  verticalAlign: 'middle',
                  fill: COLORS.now,
                  stroke: '#ffffff',
                  lineWidth: 3,
                  font: '500 11px system-ui, sans-serif',
                },
              });
            }
            return { type: 'group', children };
          },
          markLine: nowLine(asOf),
        },
      ],
    };
  }
}

/** A queue count cut at `t`, so that what is forecast can be drawn hatched. */
function cutAt(count: QueueCount, t: number): (QueueCount & { actual: boolean })[] {
  if (count.end <= t) return [{ ...count, actual: true }];
  if (count.start >= t) return [{ ...count, actual: false }];
  return [
    { ...count, end: t, actual: true },
    { ...count, start: t, actual: false },
  ];
}

/** The tooltip of a unit's time out of work: why, which unit (or the whole station), from when to when. */
function outageTooltip(outage: StationOutage, unit: UnitRow, lane: StationLane, asOf: number): string {
  const t = (ms: number) => formatTimeNear(ms, asOf);
  const which =
    outage.unit === undefined
      ? `${escapeHtml(lane.station.name)} <span class="tt-muted">(every unit)</span>`
      : escapeHtml(unit.label);
  const color =
    outage.kind === 'down'
      ? COLORS.down
      : outage.kind === 'maintenance'
        ? COLORS.maintenance
        : COLORS.offShift;
  return (
    `<div class="tt"><div class="tt-head">${swatch(color)}<b>${OUTAGE_TEXT[outage.kind]}</b> · ${which}</div>` +
    `<div>${t(outage.from)} – ${t(outage.to)} <span class="tt-muted">(${formatDuration(outage.to - outage.from)})</span></div></div>`
  );
}

/** The tooltip of an operation on a unit: the order, the step, its times, the order's state. */
function jobTooltip(
  job: StationJob,
  unit: UnitRow,
  lane: StationLane,
  order: OrderForecast | undefined,
  view: ModelView,
  asOf: number,
): string {
  const t = (ms: number) => formatTimeNear(ms, asOf);
  const actual = job.parts.every((p) => p.actual)
    ? 'actual'
    : job.parts.some((p) => p.actual)
      ? 'actual, then forecast'
      : 'forecast';
  const lines = [
    `<div class="tt-head"><b>${escapeHtml(job.orderId)}</b> · ${escapeHtml(job.step)} on ${swatch(lane.station.color)}${escapeHtml(unit.label)}${unit.overCapacity ? ' <span class="tt-late">(over capacity)</span>' : ''}</div>`,
    `<div>${t(job.start)} – ${t(job.end)} <span class="tt-muted">(${formatDuration(job.end - job.start)}, ${actual})</span></div>`,
  ];
  if (order) {
    const group = delayGroup(order.delayCause);
    if (group !== DelayGroup.none) {
      const color = group === DelayGroup.knockOn ? COLORS.knockOn : COLORS.own;
      lines.push(`<div class="tt-cause" style="color:${color}">${escapeHtml(causeText(view, order))}</div>`);
    }
    const due = order.dueAt === undefined ? '' : ` · due ${t(order.dueAt)}`;
    const late = order.late ? ' · <span class="tt-late">late</span>' : '';
    lines.push(`<div>Order completes ${t(order.completedAt)}${due}${late}</div>`);
  }
  return `<div class="tt">${lines.join('')}</div>`;
}
