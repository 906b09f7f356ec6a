// The order view on Apache ECharts: one row per order, a bar per routing step and queue wait coloured
// by its station (waits half as tall), delay and due-date marks, a "now" line, time zoom and pan
// (dataZoom on x), and scrolling rows (dataZoom on y) so 500 orders stay quick.

import type { CustomSeriesRenderItemAPI, CustomSeriesRenderItemParams } from 'echarts';
import type { ForecastRecord, StepKind, StepSpan } from '../../contracts/forecastRecord.ts';
import {
  barStyle,
  COLORS,
  echarts,
  nowLine,
  nowOf,
  richText,
  swatch,
  tag,
  timeAxis,
  timeZoom,
  tooltipFrame,
} from './chart.ts';
import { escapeHtml, formatDuration, formatPercent, formatSigned, formatTimeNear } from './format.ts';
import {
  causeText,
  DelayGroup,
  type ModelView,
  positionText,
  type Row,
  spanColor,
  stepText,
  timeExtent,
} from './model.ts';

const KINDS: readonly StepKind[] = ['material', 'queue', 'operation'];

/** Pixels per row: the chart grows with the rows until the window is full, then rows scroll. */
export const ROW_PX = 30;
/** A few rows get taller, up to this. */
const MAX_ROW_PX = 46;
/** The plot area's margins; `top` is where the first row starts. */
export const GRID = { top: 34, bottom: 46, left: 200, right: 34 } as const;
const MIN_HEIGHT = 180;

type Api = CustomSeriesRenderItemAPI;
type Params = CustomSeriesRenderItemParams & {
  coordSys: { x: number; y: number; width: number; height: number };
};

function groupColor(group: DelayGroup): string {
  return group === DelayGroup.knockOn ? COLORS.knockOn : COLORS.own;
}

/** The tooltip of a row: where the order stands, every step with its times, delays, due date. */
export function rowTooltip(row: Row, asOf: number, view: ModelView, hovered?: StepSpan): string {
  const o = row.order;
  const t = (ms: number) => formatTimeNear(ms, asOf);
  const lines: string[] = [];
  const lateness =
    o.latenessMs === undefined
      ? ''
      : o.late
        ? `<span class="tt-late">late by ${formatDuration(o.latenessMs)}</span>`
        : `<span class="tt-ok">${formatDuration(o.latenessMs)} early</span>`;
  lines.push(
    `<div class="tt-head"><b>${escapeHtml(o.orderId)}</b> · ${escapeHtml(o.product)} · ${escapeHtml(positionText(view, o.position))}${lateness ? ` · ${lateness}` : ''}</div>`,
  );
  if (row.group !== DelayGroup.none) {
    lines.push(
      `<div class="tt-cause" style="color:${groupColor(row.group)}">${escapeHtml(causeText(view, o))} (${formatSigned(o.delayMs)} vs plan)</div>`,
    );
  }
  lines.push('<table class="tt-steps">');
  // One line per step and kind (a span cut at asOf is one step).
  const groups = new Map<string, StepSpan[]>();
  for (const span of row.steps) {
    const key = spanKey(span);
    groups.set(key, [...(groups.get(key) ?? []), span]);
  }
  const hoveredKey = hovered && spanKey(hovered);
  for (const [key, parts] of groups) {
    const first = parts[0]!;
    const start = Math.min(...parts.map((p) => p.start));
    const end = Math.max(...parts.map((p) => p.end));
    const actual = parts.every((p) => p.actual)
      ? 'actual'
      : parts.some((p) => p.actual)
        ? 'actual, then forecast'
        : 'forecast';
    lines.push(
      `<tr class="${key === hoveredKey ? 'tt-hovered' : ''}"><td>${swatch(spanColor(view, first), first.kind !== 'operation')}${escapeHtml(stepText(view, first))}</td><td>${t(start)} – ${t(end)}</td><td class="tt-muted">${formatDuration(end - start)}, ${actual}</td></tr>`,
    );
  }
  lines.push('</table>');
  if (row.etaSlipMs > 0 && o.initialEta !== undefined && o.eta !== undefined) {
    lines.push(
      `<div>First ETA ${t(o.initialEta)} → ETA ${t(o.eta)} <span style="color:${COLORS.own}">(${formatSigned(row.etaSlipMs)})</span></div>`,
    );
  }
  if (o.delayMs > 0) {
    lines.push(`<div>Planned end ${t(o.plannedCompletedAt)} → forecast end ${t(o.completedAt)}</div>`);
  } else {
    lines.push(`<div>Forecast end ${t(o.completedAt)}</div>`);
  }
  if (o.completedAtP10 !== undefined && o.completedAtP90 !== undefined) {
    lines.push(
      `<div>Likely end ${t(o.completedAtP10)} – ${t(o.completedAtP90)} <span class="tt-muted">(8 in 10 draws; median ${t(o.completedAtP50 ?? o.completedAt)})</span></div>`,
    );
  }
  if (o.dueAt !== undefined) lines.push(`<div>Due ${t(o.dueAt)}</div>`);
  if (o.onTimeProbability !== undefined) {
    lines.push(`<div>Chance to end by the due date: <b>${formatPercent(o.onTimeProbability)}</b></div>`);
  }
  return `<div class="tt">${lines.join('')}</div>`;
}

const spanKey = (span: Pick<StepSpan, 'kind' | 'step'>) => `${span.kind}\u0000${span.step}`;

/** The y-axis label of a row: the order id (and product, when the model has several), and tags for late and delayed orders. */
function rowLabel(row: Row | undefined, showProduct: boolean): string {
  if (!row) return '';
  const tags: string[] = [];
  if (row.late) tags.push('{late|LATE}');
  if (row.atRisk) tags.push('{risk|at risk}');
  if (row.group === DelayGroup.own) tags.push('{own|own delay}');
  if (row.order.delayCause === 'downtime') tags.push('{down|downtime}');
  else if (row.group === DelayGroup.knockOn) tags.push('{knock|knock-on}');
  const product = showProduct ? `{gap| }{product|${richText(row.order.product)}}` : '';
  return `{id|${richText(row.orderId)}}${product}${tags.length ? `{gap| }${tags.join('{gap| }')}` : ''}`;
}

export interface GanttRender {
  ms: number;
  rows: number;
  /** Height of a row, px. */
  rowPx: number;
  /** First and last row in view. */
  window: [number, number];
  /** Bars drawn: one per span of every row (a span cut at "now" is two). */
  segments: number;
}

/** The Gantt chart in one element; re-rendered with each forecast, keeping the user's zoom and scroll. */
export class Gantt {
  private readonly chart: echarts.ECharts;
  private rows: Row[] = [];
  private forecast: ForecastRecord | undefined;
  private yStart = 0;
  private inView = 0;
  private rowPx = ROW_PX;
  private initialised = false;
  /** Until the user scrolls or zooms, each forecast opens at the orders in progress, time fitted to them. */
  private following = true;
  private dispatching = false;

  /** Called when the rows in view change (scrolling), with the first and last row in view. */
  onWindow: ((window: [number, number]) => void) | undefined;
  /** Called when following "now" is switched on or off. */
  onFollow: ((following: boolean) => void) | undefined;

  constructor(private readonly el: HTMLElement) {
    this.chart = echarts.init(el, undefined, { renderer: 'canvas' });
    // A scrollable region takes focus, so that keyboard users can scroll its rows (keydown below).
    el.tabIndex = 0;
    // Plain wheel scrolls the rows; Ctrl+wheel zooms and Shift+wheel pans time (ECharts' own handlers).
    el.addEventListener(
      'wheel',
      (event) => {
        if (event.ctrlKey || event.shiftKey || event.metaKey || this.rows.length <= this.inView) return;
        event.preventDefault();
        event.stopPropagation();
        const steps = Math.sign(event.deltaY) * Math.max(1, Math.round(Math.abs(event.deltaY) / this.rowPx));
        this.setFollowing(false);
        this.scrollTo(this.yStart + steps);
      },
      { capture: true, passive: false },
    );
    el.addEventListener('keydown', (event) => {
      const page = Math.max(1, this.inView - 1);
      const moves: Record<string, number> = {
        ArrowDown: 1,
        ArrowUp: -1,
        PageDown: page,
        PageUp: -page,
        Home: -this.rows.length,
        End: this.rows.length,
      };
      const move = moves[event.key];
      if (move === undefined) return;
      event.preventDefault();
      this.setFollowing(false);
      this.scrollTo(this.yStart + move);
    });
    this.chart.on('datazoom', () => {
      if (!this.dispatching) this.setFollowing(false);
      const zoom = (this.chart.getOption().dataZoom as { startValue?: number }[] | undefined)?.[2];
      if (zoom?.startValue !== undefined && zoom.startValue !== this.yStart) {
        this.yStart = zoom.startValue;
        this.onWindow?.(this.window());
      }
    });
  }

  /**
   * Draws `rows` of `forecast`; returns how long it took. `extent`: the time axis's span, when it must
   * be another's too (two forecasts compared); default: the forecast's own.
   */
  render(
    forecast: ForecastRecord,
    rows: Row[],
    view: ModelView,
    extent?: [number, number],
    /** Keep the rows and time in view as they are (a variant of the forecast shown), even when following. */
    keepWindow = false,
  ): GanttRender {
    const started = performance.now();
    this.forecast = forecast;
    this.rows = rows;
    this.layout();
    const follow = this.following && !keepWindow;
    if (follow) this.yStart = this.presentRow(forecast.asOf);
    const option = this.option(forecast, rows, view, extent);
    this.chart.setOption(option, {
      replaceMerge: ['series'],
      lazyUpdate: false,
    });
    if (follow) this.fitTime();
    this.initialised = true;
    return {
      ms: performance.now() - started,
      rows: rows.length,
      rowPx: this.rowPx,
      window: this.window(),
      segments: ((option.series as { id: string; data: unknown[] }[])[1]?.data ?? []).length,
    };
  }

  /** Follows "now" again: scrolls to the orders in progress and fits time to them, now and with each forecast. */
  follow(): void {
    this.setFollowing(true);
    if (!this.forecast) return;
    this.scrollTo(this.presentRow(this.forecast.asOf));
    this.fitTime();
  }

  /** Zooms time to [min, max] (two forecasts compared on one axis, say); stops following "now". */
  showTime(min: number, max: number): void {
    this.setFollowing(false);
    this.dispatching = true;
    try {
      this.chart.dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, startValue: min, endValue: max });
    } finally {
      this.dispatching = false;
    }
  }

  /** The row drawn at `y` (px from the chart's top), if any. */
  rowAt(y: number): Row | undefined {
    const index = this.chart.convertFromPixel({ yAxisIndex: 0 }, y) as number | undefined;
    if (index === undefined || !Number.isFinite(index)) return undefined;
    return this.rows[Math.round(index)];
  }

  /** The middle of row `orderId` (px from the chart's top), if it is drawn. */
  rowY(orderId: string): number | undefined {
    const index = this.rows.findIndex((r) => r.orderId === orderId);
    if (index < 0) return undefined;
    return this.chart.convertToPixel({ yAxisIndex: 0 }, index) as number;
  }

  /** The time window in view, as ECharts holds it. */
  timeWindow(): [number, number] | undefined {
    const zoom = (
      this.chart.getOption().dataZoom as { startValue?: number; endValue?: number }[] | undefined
    )?.[0];
    return zoom?.startValue === undefined || zoom.endValue === undefined
      ? undefined
      : [zoom.startValue, zoom.endValue];
  }

  private setFollowing(following: boolean): void {
    if (following === this.following) return;
    this.following = following;
    this.onFollow?.(following);
  }

  /** Zooms time to the rows in view and "now": readable bars however long the whole plan is. */
  private fitTime(): void {
    if (!this.forecast) return;
    const [first, last] = this.window();
    let min = this.forecast.asOf;
    let max = this.forecast.asOf;
    for (const row of this.rows.slice(first, last + 1)) {
      for (const span of row.steps) {
        min = Math.min(min, span.start);
        max = Math.max(max, span.end);
      }
      // The likely end belongs to the forecast: it widens the window.
      if (row.order.completedAtP90 !== undefined) max = Math.max(max, row.order.completedAtP90);
      // Due dates and plans may lie days ahead: they do not widen the window (zoom out to see them).
    }
    const margin = Math.max((max - min) * 0.04, 60_000);
    this.dispatching = true;
    try {
      this.chart.dispatchAction({
        type: 'dataZoom',
        dataZoomIndex: 0,
        startValue: min - margin,
        endValue: max + margin,
      });
    } finally {
      this.dispatching = false;
    }
  }

  /** The row to open at when the rows scroll: a little above the first order not finished by now. */
  private presentRow(asOf: number): number {
    if (this.rows.length <= this.inView) return 0;
    const current = this.rows.findIndex((row) => row.order.completedAt >= asOf);
    return Math.max(0, Math.min(current - 2, this.rows.length - this.inView));
  }

  /** Fits the chart to the window (call on resize). */
  resize(): void {
    if (!this.forecast) return;
    this.layout();
    this.chart.setOption({ dataZoom: this.yZoom() });
    this.onWindow?.(this.window());
  }

  /** The x pixel of the "now" line, as ECharts placed it. */
  nowPixel(): number | undefined {
    const asOf = nowOf(this.chart);
    return asOf === undefined ? undefined : (this.chart.convertToPixel({ xAxisIndex: 0 }, asOf) as number);
  }

  /** Where the "now" line is drawn (the forecast's asOf, as ECharts holds it). */
  nowValue(): number | undefined {
    return nowOf(this.chart);
  }

  /** The first and last row in view. */
  window(): [number, number] {
    return [this.yStart, Math.min(this.rows.length, this.yStart + this.inView) - 1];
  }

  /** Scrolls so that row `first` is at the top. */
  scrollTo(first: number): void {
    const max = Math.max(0, this.rows.length - this.inView);
    const start = Math.min(max, Math.max(0, first));
    if (start === this.yStart) return;
    this.yStart = start;
    this.chart.setOption({ dataZoom: this.yZoom() });
    this.onWindow?.(this.window());
  }

  clear(): void {
    this.forecast = undefined;
    this.rows = [];
    this.chart.clear();
    this.initialised = false;
  }

  private layout(): void {
    const top = this.el.getBoundingClientRect().top + window.scrollY;
    const available = Math.max(MIN_HEIGHT + 120, window.innerHeight - top - 12);
    const chrome = GRID.top + GRID.bottom;
    const fits = Math.floor((available - chrome) / Math.max(1, this.rows.length));
    this.rowPx = Math.min(MAX_ROW_PX, Math.max(ROW_PX, fits));
    const height = Math.max(MIN_HEIGHT, Math.min(this.rows.length * this.rowPx + chrome, available));
    this.inView = Math.max(1, Math.floor((height - chrome) / this.rowPx));
    this.yStart = Math.min(this.yStart, Math.max(0, this.rows.length - this.inView));
    if (this.el.style.height !== `${height}px`) this.el.style.height = `${height}px`;
    if (this.chart.getWidth() !== this.el.clientWidth || this.chart.getHeight() !== this.el.clientHeight) {
      this.chart.resize();
    }
  }

  private yZoom() {
    const scrolls = this.rows.length > this.inView;
    return [
      {},
      {},
      {
        show: scrolls,
        startValue: this.yStart,
        endValue: Math.min(this.rows.length, this.yStart + this.inView) - 1,
      },
    ];
  }

  private option(
    forecast: ForecastRecord,
    rows: Row[],
    view: ModelView,
    extent?: [number, number],
  ): echarts.EChartsCoreOption {
    const asOf = forecast.asOf;
    const [min, max] = extent ?? timeExtent(forecast);
    // [row, start, end, colour, actual, kind, span index in the row]
    const colors: string[] = [];
    const colorIndex = new Map<string, number>();
    const bars: number[][] = [];
    rows.forEach((row, i) => {
      row.steps.forEach((span, k) => {
        const color = spanColor(view, span);
        let c = colorIndex.get(color);
        if (c === undefined) {
          c = colors.push(color) - 1;
          colorIndex.set(color, c);
        }
        bars.push([i, span.start, span.end, c, span.actual ? 1 : 0, KINDS.indexOf(span.kind), k]);
      });
    });
    const byId = new Map(rows.map((row) => [row.orderId, row]));
    const showProduct = (forecast.model?.products?.length ?? 0) > 1;
    const marks = rows.map((row, i) => [i, row.order.plannedCompletedAt, row.order.completedAt]);
    const scrolls = rows.length > this.inView;
    const tooltip = (params: { value: number[]; seriesId?: string }) => {
      const row = rows[params.value[0]!];
      if (!row) return '';
      const hovered = params.seriesId === 'steps' ? row.steps[params.value[6]!] : undefined;
      return rowTooltip(row, asOf, view, hovered);
    };

    const option: echarts.EChartsCoreOption = {
      animation: false,
      aria: {
        enabled: true,
        label: {
          description: `Gantt chart of ${rows.length} active orders: one row per order, a bar for each step and each wait, coloured by station; the table below the chart lists the same data.`,
        },
      },
      textStyle: { fontFamily: 'inherit', color: COLORS.text },
      grid: { ...GRID, containLabel: false },
      tooltip: tooltipFrame(tooltip),
      xAxis: timeAxis(min, max),
      yAxis: {
        type: 'category',
        inverse: true,
        data: rows.map((r) => r.orderId),
        axisTick: { show: false },
        axisLine: { lineStyle: { color: '#d0d5dd' } },
        splitArea: { show: true, areaStyle: { color: ['#ffffff', '#f9fafb'] } },
        axisLabel: {
          interval: 0,
          // The index ECharts passes counts the rows in view, not all rows: look the row up by id.
          formatter: (orderId: string) => rowLabel(byId.get(orderId), showProduct),
          rich: {
            id: { fontSize: 12, color: COLORS.text, fontFamily: 'inherit' },
            product: { fontSize: 11, color: COLORS.muted, fontFamily: 'inherit' },
            gap: { width: 4 },
            late: tag(COLORS.late, true),
            own: tag(COLORS.own, false),
            knock: tag(COLORS.knockOn, false),
            down: tag(COLORS.down, false),
            risk: tag(COLORS.spread, false),
          },
        },
      },
      dataZoom: [
        ...timeZoom(asOf, this.initialised),
        {
          id: 'rows-slider',
          type: 'slider',
          yAxisIndex: 0,
          filterMode: 'filter',
          show: scrolls,
          right: 8,
          width: 14,
          zoomLock: true,
          showDetail: false,
          brushSelect: false,
          startValue: this.yStart,
          endValue: Math.min(rows.length, this.yStart + this.inView) - 1,
          borderColor: '#d0d5dd',
          fillerColor: 'rgba(52, 64, 84, 0.18)',
          handleSize: 0,
          dataBackground: { lineStyle: { opacity: 0 }, areaStyle: { opacity: 0 } },
        },
      ],
      series: [
        {
          id: 'rows',
          type: 'custom',
          z: 1,
          encode: { x: 1, y: 0 },
          data: rows.map((row, i) => [i, asOf, row.late ? 1 : 0]),
          renderItem: (params: Params, api: Api) => {
            const y = api.coord([asOf, api.value(0)])[1]!;
            const band = (api.size!([0, 1]) as number[])[1]!;
            const late = api.value(2) === 1;
            return {
              type: 'rect',
              shape: { x: params.coordSys.x, y: y - band / 2, width: params.coordSys.width, height: band },
              style: { fill: late ? COLORS.lateRow : 'rgba(0,0,0,0)' },
            };
          },
        },
        {
          id: 'steps',
          type: 'custom',
          z: 2,
          clip: true,
          encode: { x: [1, 2], y: 0 },
          data: bars,
          renderItem: (_params: Params, api: Api) => {
            const y = api.value(0);
            const start = api.coord([api.value(1), y]);
            const end = api.coord([api.value(2), y]);
            const band = (api.size!([0, 1]) as number[])[1]!;
            // Operations are full bars; waits (material, queue) are half as tall, in front of them.
            const full = Math.min(22, band * 0.56);
            const height = KINDS[api.value(5) as number] === 'operation' ? full : Math.max(4, full * 0.5);
            const color = colors[api.value(3) as number]!;
            return {
              type: 'rect',
              shape: {
                x: start[0]!,
                y: start[1]! - height / 2,
                width: Math.max(end[0]! - start[0]!, 1.5),
                height,
                r: 2,
              },
              style: barStyle(color, api.value(4) === 1),
            };
          },
        },
        {
          id: 'marks',
          type: 'custom',
          z: 3,
          clip: true,
          encode: { x: [1, 2], y: 0 },
          data: marks,
          renderItem: (_params: Params, api: Api) => {
            const row = rows[api.value(0) as number]!;
            const o = row.order;
            const y = api.coord([asOf, api.value(0)])[1]!;
            const band = (api.size!([0, 1]) as number[])[1]!;
            const barHalf = Math.min(22, band * 0.56) / 2;
            const x = (t: number) => api.coord([t, api.value(0)])[0]!;
            const children: object[] = [];
            const slipLine = (from: number, to: number, color: string, dy: number) => {
              children.push(
                {
                  type: 'rect',
                  shape: { x: x(from), y: y + dy, width: Math.max(2, x(to) - x(from)), height: 3 },
                  style: { fill: color },
                },
                {
                  type: 'rect',
                  shape: { x: x(from) - 1, y: y + dy - 3, width: 2, height: 9 },
                  style: { fill: color },
                },
              );
            };
            if (row.etaSlipMs > 0 && o.initialEta !== undefined && o.eta !== undefined) {
              slipLine(o.initialEta, o.eta, COLORS.own, -barHalf - 5);
            }
            if (o.delayMs > 0 && row.group !== DelayGroup.none) {
              slipLine(o.plannedCompletedAt, o.completedAt, groupColor(row.group), barHalf + 2);
            }
            if (
              o.completedAtP10 !== undefined &&
              o.completedAtP90 !== undefined &&
              o.completedAtP90 > o.completedAtP10
            ) {
              // The likely end: a whisker through the bar from P10 to P90, with end caps.
              const [from, to] = [x(o.completedAtP10), x(o.completedAtP90)];
              const cap = Math.min(9, barHalf * 2);
              children.push(
                {
                  type: 'rect',
                  shape: { x: from, y: y - 1, width: to - from, height: 2 },
                  style: { fill: COLORS.spread },
                },
                {
                  type: 'rect',
                  shape: { x: from - 1, y: y - cap / 2, width: 2, height: cap },
                  style: { fill: COLORS.spread },
                },
                {
                  type: 'rect',
                  shape: { x: to - 1, y: y - cap / 2, width: 2, height: cap },
                  style: { fill: COLORS.spread },
                },
              );
            }
            if (o.dueAt !== undefined) {
              const dx = x(o.dueAt);
              const color = row.late ? COLORS.late : COLORS.due;
              children.push(
                {
                  type: 'rect',
                  shape: { x: dx - 1, y: y - band / 2 + 3, width: 2, height: band - 6 },
                  style: { fill: color },
                },
                {
                  type: 'polygon',
                  shape: {
                    points: [
                      [dx - 5, y - band / 2 + 2],
                      [dx + 5, y - band / 2 + 2],
                      [dx, y - band / 2 + 8],
                    ],
                  },
                  style: { fill: color },
                },
              );
            }
            return { type: 'group', children };
          },
          markLine: nowLine(asOf),
        },
      ],
    };
    return option;
  }
}
