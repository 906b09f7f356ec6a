// Human-readable tables and times for the terminal.
import { formatPercent } from '../dashboard/page/format.ts';
import { AT_RISK_LATE_CHANCE, type Forecast } from '../orderflow/index.ts';

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

/** A time parameter of a model: `10 min`, or a distribution such as `triangular(min 8 min, mode 9 min, max 13 min)`. */
function timeParameter(value: unknown): string {
  if (typeof value === 'number') return duration(value);
  if (typeof value !== 'object' || value === null || !('dist' in value)) return JSON.stringify(value);
  const { dist, ...rest } = value as { dist: string } & Record<string, unknown>;
  // Every field is a time but the empirical distribution's weights.
  const time = (key: string, v: unknown): string =>
    Array.isArray(v)
      ? `[${v.map((x) => time(key, x)).join(', ')}]`
      : typeof v === 'number' && key !== 'weights'
        ? duration(v)
        : String(v);
  const fields = Object.entries(rest).map(([key, v]) => `${key} ${time(key, v)}`);
  return `${dist}(${fields.join(', ')})`;
}

/** The forecast as a table, with KPIs and warnings. */
export function forecastTable(f: Forecast): string {
  const p = f.model.parameters;
  const lines: string[] = [];
  const mc = f.monteCarlo;
  lines.push(
    `Forecast as of ${dateTime(f.asOf)} · model ${f.model.name}: material lead time ${timeParameter(p.materialLeadTime)}, ` +
      `production ${timeParameter(p.productionTime)}, ${p.lines} line(s), queue ${p.queueRule}` +
      (p.etaSlip === undefined || p.etaSlip === 0 ? '' : `, ETA slip ${timeParameter(p.etaSlip)}`),
  );
  if (mc) {
    lines.push(
      `Monte Carlo: ${mc.replications} draws of the future (seed ${mc.seed}); "production end" is at the means, ` +
        `"P10–P90" the range 8 draws in 10 fall in, "on time" the share of draws that end by the due date`,
    );
  }
  lines.push('');
  if (f.orders.length === 0) {
    lines.push('No active orders.');
  } else {
    const rows = [
      [
        'order',
        'status',
        'material ready',
        'production start',
        'production end',
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
        o.status,
        clock(o.materialReadyAt),
        clock(o.productionStartAt),
        clock(o.productionEndAt),
        o.dueAt === undefined ? '-' : clock(o.dueAt),
        o.latenessMs === undefined ? '-' : o.late ? `LATE ${duration(o.latenessMs)}` : 'on time',
        o.delayMs > 0 ? `+${duration(o.delayMs)}` : '-',
        o.delayCause,
        ...(mc
          ? [
              `${clock(o.productionEndP10!)}–${clock(o.productionEndP90!)}`,
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
    `${k.activeOrders} active · last production ends in ${duration(k.makespanMs)} · line utilisation ${(100 * k.lineUtilisation).toFixed(0)} % · ` +
      `${k.ordersLate} late${k.ordersLate ? ` (mean ${duration(k.meanLatenessMs)})` : ''} · ${k.ordersDelayed} delayed` +
      (k.ordersAtRisk === undefined
        ? ''
        : ` · ${k.ordersAtRisk} at risk (on time at the means, late in ${formatPercent(AT_RISK_LATE_CHANCE)} of the draws or more)`),
  );
  for (const w of f.warnings) lines.push(`warning: ${w.message}`);
  return lines.join('\n');
}
