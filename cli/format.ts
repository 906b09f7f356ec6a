// Human-readable tables and times for the terminal.
import { AT_RISK_LATE_CHANCE } from '../contracts/forecastRecord.ts';
import { formatPercent } from '../dashboard/page/format.ts';
import { parameterText } from '../dashboard/page/model.ts';
import {
  type Forecast,
  type OrderForecast,
  type PlantModel,
  type Position,
  TIME_UNITS,
  type TimeUnit,
} from '../orderflow/index.ts';

/** `08:31:05` in UTC (the header carries the date). */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** `2026-11-23 08:31:05Z`. */
export function dateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** `12 min`, `1 h 5 min`, `2 h`, `40 s`; negative values keep their sign. */
export function duration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${sign}${s} s`;
  if (s < 600 && s % 60 !== 0) return `${sign}${Math.floor(s / 60)} min ${s % 60} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${sign}${m} min`;
  return `${sign}${Math.floor(m / 60)} h${m % 60 === 0 ? '' : ` ${m % 60} min`}`;
}

/** Pads columns to their widest cell. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The model as the forecast ran it: each product's routing with its times, and the stations. */
function modelLines(f: Forecast, model: PlantModel | undefined): string[] {
  const unit = f.model.timeUnit in TIME_UNITS ? (f.model.timeUnit as TimeUnit) : undefined;
  const p = f.model.parameters;
  const value = (v: unknown): unknown =>
    typeof v === 'object' && v !== null && 'param' in v ? p[(v as { param: string }).param] : v;
  const lines = f.model.products.map((product) => {
    const defined = model?.products.find((d) => d.id === product.id);
    const steps = product.routing.map((step, i) => {
      const d = defined?.routing[i];
      const time =
        d === undefined
          ? ''
          : ` ${parameterText(value(d.kind === 'material' ? d.leadTime : d.duration), unit)}`;
      return `${step.step}${time}${step.station === undefined ? '' : ` at ${step.station}`}`;
    });
    return `  ${product.id}: ${steps.join(' → ')}`;
  });
  if (f.model.stations.length > 0) {
    const stations = f.model.stations.map(
      (s) => `${s.id} (${s.capacity} unit${s.capacity === 1 ? '' : 's'}, ${s.queueRule})`,
    );
    lines.push(`  stations: ${stations.join(', ')}`);
  }
  const slip = value(model?.etaSlip);
  if (slip !== undefined && slip !== 0) lines.push(`  ETA slip ${parameterText(slip, unit)}`);
  return lines;
}

/** Where an order stands, in words. */
function positionText(position: Position): string {
  switch (position.kind) {
    case 'not-started':
      return 'not started';
    case 'material':
      return 'material';
    case 'queue':
      return `queued for ${position.step}`;
    case 'operation':
      return `in ${position.step}`;
    case 'completed':
      return 'completed';
  }
}

/** An order's routing step as a table cell: a material step's end, an operation's start and end. */
function stepCell(o: OrderForecast, step: string): string {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  let material = false;
  for (const span of o.steps) {
    if (span.step !== step || span.kind === 'queue') continue;
    material = span.kind === 'material';
    start = Math.min(start, span.start);
    end = Math.max(end, span.end);
  }
  if (end === Number.NEGATIVE_INFINITY) return '-';
  return material ? clock(end) : `${clock(start)}–${clock(end)}`;
}

/**
 * The forecast as a table, with KPIs and warnings; `model`, when given, adds each step's time to the
 * header. One column per routing step (a material step: its end; an operation: start–end).
 */
export function forecastTable(f: Forecast, model?: PlantModel): string {
  const lines: string[] = [];
  const mc = f.monteCarlo;
  lines.push(`Forecast as of ${dateTime(f.asOf)} · model ${f.model.name}`, ...modelLines(f, model));
  if (mc) {
    lines.push(
      `Monte Carlo: ${mc.replications} draws of the future (seed ${mc.seed}); "completes" is at the means, ` +
        `"P10–P90" the range 8 draws in 10 fall in, "on time" the share of draws that complete by the due date`,
    );
  }
  lines.push('');
  const stepNames = [...new Set(f.model.products.flatMap((p) => p.routing.map((s) => s.step)))];
  const products = f.model.products.length > 1;
  if (f.orders.length === 0) {
    lines.push('No active orders.');
  } else {
    const rows = [
      [
        'order',
        ...(products ? ['product'] : []),
        'position',
        ...stepNames,
        'completes',
        'due',
        'lateness',
        'delay',
        'cause',
        ...(mc ? ['P10–P90', 'on time'] : []),
      ],
    ];
    for (const o of f.orders) {
      rows.push([
        o.orderId,
        ...(products ? [o.product] : []),
        positionText(o.position),
        ...stepNames.map((step) => stepCell(o, step)),
        clock(o.completedAt),
        o.dueAt === undefined ? '-' : clock(o.dueAt),
        o.latenessMs === undefined ? '-' : o.late ? `LATE ${duration(o.latenessMs)}` : 'on time',
        o.delayMs > 0 ? `+${duration(o.delayMs)}` : '-',
        o.delayStation === undefined ? o.delayCause : `${o.delayCause} (${o.delayStation})`,
        ...(mc
          ? [
              `${clock(o.completedAtP10!)}–${clock(o.completedAtP90!)}`,
              o.onTimeProbability === undefined ? '-' : formatPercent(o.onTimeProbability),
            ]
          : []),
      ]);
    }
    lines.push(table(rows));
  }
  const k = f.kpis;
  lines.push(
    '',
    `${k.activeOrders} active · the last completes in ${duration(k.makespanMs)} · ` +
      `${k.ordersLate} late${k.ordersLate ? ` (mean ${duration(k.meanLatenessMs)})` : ''} · ${k.ordersDelayed} delayed` +
      (k.ordersAtRisk === undefined
        ? ''
        : ` · ${k.ordersAtRisk} at risk (on time at the means, late in ${formatPercent(AT_RISK_LATE_CHANCE)} of the draws or more)`),
  );
  if (f.stations.length > 0) {
    lines.push(
      f.stations
        .map(
          (s) =>
            `${s.station}: utilisation ${(100 * s.utilisation).toFixed(0)} %, longest queue ${s.maxQueue}`,
        )
        .join(' · '),
    );
  }
  for (const w of f.warnings) lines.push(`warning: ${w.message}`);
  return lines.join('\n');
}
