// What the order view and the station view draw alike: ECharts' parts they use, the colours of the
// marks, the hatch of forecast parts, the time axis with its zoom, the tooltip's frame and the "now" line.
import { CustomChart } from 'echarts/charts';
import {
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { formatTimeNear } from './format.ts';

echarts.use([
  CustomChart,
  GridComponent,
  TooltipComponent,
  DataZoomComponent,
  MarkLineComponent,
  AriaComponent,
  CanvasRenderer,
]);

export { echarts };

/** The colours of the marks, shared with the legend (styles.css uses the same values). */
export const COLORS = {
  own: '#f08c00',
  knockOn: '#d62728',
  late: '#b4123a',
  lateRow: 'rgba(214, 39, 40, 0.08)',
  due: '#344054',
  spread: '#6941c6',
  now: '#101828',
  text: '#344054',
  muted: '#667085',
  grid: '#eaecf0',
  /** A station's unit out of work: down (a failure), in maintenance, off shift. */
  down: '#d92d20',
  maintenance: '#f5a623',
  offShift: '#98a2b3',
} as const;

const hatches = new Map<string, object>();
/** A diagonal hatch of `color` on a pale ground: how forecast (not yet happened) parts are drawn. */
export function hatch(color: string): object {
  let pattern = hatches.get(color);
  if (pattern) return pattern;
  const size = 8;
  const scale = Math.max(1, Math.round(window.devicePixelRatio || 1));
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size * scale;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, size, size);
  ctx.globalAlpha = 0.28;
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, size, size);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.6;
  ctx.beginPath();
  for (const offset of [-size, 0, size]) {
    ctx.moveTo(offset, size);
    ctx.lineTo(offset + size, 0);
  }
  ctx.stroke();
  pattern = { type: 'pattern', image: canvas, repeat: 'repeat', scaleX: 1 / scale, scaleY: 1 / scale };
  hatches.set(color, pattern);
  return pattern;
}

/** A bar's fill: solid for what happened, hatched for the forecast. */
export function barStyle(color: string, actual: boolean): object {
  return actual
    ? { fill: color, stroke: color, lineWidth: 1 }
    : { fill: hatch(color), stroke: color, lineWidth: 1 };
}

/** The tooltip's frame (its content is each view's). */
export function tooltipFrame(formatter: unknown): object {
  return {
    trigger: 'item',
    confine: true,
    enterable: false,
    transitionDuration: 0,
    className: 'gantt-tooltip',
    borderColor: '#d0d5dd',
    extraCssText: 'box-shadow: 0 4px 12px rgba(16, 24, 40, 0.12);',
    padding: [8, 10],
    formatter,
  };
}

/** The time axis on top. */
export function timeAxis(min: number, max: number): object {
  return {
    type: 'time',
    position: 'top',
    min,
    max,
    axisLine: { show: false },
    axisTick: { show: false },
    axisLabel: { color: COLORS.muted, hideOverlap: true },
    splitLine: { show: true, lineStyle: { color: COLORS.grid } },
  };
}

/** Zooming and panning time: a slider under the chart, Ctrl+wheel and dragging in it. */
export function timeZoom(asOf: number, initialised: boolean): object[] {
  return [
    {
      id: 'time-slider',
      type: 'slider',
      xAxisIndex: 0,
      filterMode: 'none',
      bottom: 8,
      height: 22,
      ...(initialised ? {} : { start: 0, end: 100 }),
      labelFormatter: (value: number) => formatTimeNear(value, asOf),
      borderColor: '#d0d5dd',
      fillerColor: 'rgba(76, 120, 168, 0.15)',
      dataBackground: { lineStyle: { opacity: 0 }, areaStyle: { opacity: 0 } },
    },
    {
      id: 'time-inside',
      type: 'inside',
      xAxisIndex: 0,
      filterMode: 'none',
      zoomOnMouseWheel: 'ctrl',
      moveOnMouseWheel: 'shift',
      moveOnMouseMove: true,
      preventDefaultMouseMove: true,
    },
  ];
}

/** The "now" line at the forecast's time, labelled under the plot. */
export function nowLine(asOf: number): object {
  return {
    silent: true,
    symbol: ['none', 'none'],
    animation: false,
    lineStyle: { color: COLORS.now, width: 2, type: 'solid' },
    label: {
      formatter: `now ${formatTimeNear(asOf, asOf)}`,
      position: 'end',
      distance: 4,
      color: '#fff',
      backgroundColor: COLORS.now,
      padding: [2, 5],
      borderRadius: 3,
      fontSize: 11,
    },
    data: [{ xAxis: asOf }],
  };
}

/** Where a chart holds its "now" line (the forecast's asOf). */
export function nowOf(chart: echarts.ECharts): number | undefined {
  const option = chart.getOption() as { series?: { markLine?: { data?: { xAxis?: number }[] } }[] };
  return option.series?.find((s) => s.markLine)?.markLine?.data?.[0]?.xAxis;
}

/** A row label's tag (late, at risk, own delay, knock-on, over capacity). */
export const tag = (color: string, filled: boolean) => ({
  color: filled ? '#fff' : color,
  backgroundColor: filled ? color : '#fff',
  borderColor: color,
  borderWidth: 1,
  borderRadius: 3,
  padding: [2, 4],
  fontSize: 10,
  fontWeight: 600 as const,
});

/** A colour swatch in HTML (legend, tooltip, tables); `wait` makes it thin, as waits are drawn. */
export function swatch(color: string, wait = false): string {
  return `<i class="sw${wait ? ' sw-wait' : ''}" style="background:${color}"></i>`;
}

/** Text put into an ECharts rich-text label: its braces and bars would start a style. */
export function richText(text: string): string {
  return text.replace(/[{}|]/g, ' ');
}
