// `twin accuracy`: how good the twin's forecasts were. Every order that has finished its routing, and
// every step that has ended, beside what the forecast in effect 5 minutes, a quarter of an hour, half
// an hour, an hour before said of it.
import { DEFAULT_PLANT } from '../../contracts/plants.ts';
import { formatPercent } from '../../dashboard/page/format.ts';
import type { Comparison, ErrorFigures, HorizonAccuracy } from '../../forecast/accuracy.ts';
import { type AccuracyReport, accuracyFromTables } from '../../forecast/accuracyFromTables.ts';
import { DEFAULT_HORIZONS_MS } from '../../forecast/observerSettings.ts';
import { createClients, destroyClients } from '../../local/clients.ts';
import { defineCommand, jsonText } from '../command.ts';
import { clock, dateTime, duration, table } from '../format.ts';
import { durationListOption, durationOption, MAX_DURATION, plantOption } from '../optionChecks.ts';
import { findTables, TABLE_OPTIONS, tableError } from '../tables.ts';

const DEFAULT_HORIZONS = DEFAULT_HORIZONS_MS.map((ms) => `${ms / 60_000}m`).join(',');

export const accuracyCommand = defineCommand({
  name: 'accuracy',
  summary:
    'How good the forecasts were: each finished order, and each step, beside what the forecasts said of it beforehand.',
  details: [
    'For every order that has finished every step of its routing, the forecast in effect some time before it',
    'finished (the latest made by then, from the forecast history) against when it really did: the mean error and',
    'its spread, whether the late orders were seen coming, and for Monte Carlo forecasts whether the P10–P90 range',
    "and the chances were right. Then the same for every step's end, per step of the model's routings. Which",
    'tables: as for twin reset (the twin that runs, --data-dir, --endpoint or --aws); in a twin of many plants,',
    'one plant at a time (--plant).',
    'Example: twin accuracy --horizons 10m,1h --plant plant-02',
  ].join('\n'),
  options: {
    ...TABLE_OPTIONS,
    horizons: {
      type: 'string',
      value: 'LIST',
      description: `how far ahead of the end to look, comma-separated durations (at most ${MAX_DURATION} each)`,
      default: DEFAULT_HORIZONS,
    },
    since: {
      type: 'string',
      value: 'D',
      description: `only what finished within D before the latest forecast, e.g. 24h, at most ${MAX_DURATION} (default: all in history)`,
    },
    plant: {
      type: 'string',
      value: 'ID',
      description: 'the plant whose forecasts to compare, in a twin of many plants (default: default)',
    },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run(values, io) {
    const horizonsMs = parseHorizons(values.horizons ?? DEFAULT_HORIZONS);
    const sinceMs = durationOption('since', values.since);
    const plantId = plantOption(values.plant);
    const tables = await findTables(values, 'compare');
    const clients = createClients(tables.endpoints);
    try {
      let lastShown = Date.now();
      const report = await accuracyFromTables(clients, {
        names: tables.names,
        horizonsMs,
        plantId,
        ...(sinceMs !== undefined && { sinceMs }),
        onRead: (read, total) => {
          const line = `reading the forecasts to compare: ${read} of ${total}`;
          if (io.interactive) io.err(`\r\x1b[K${line}`);
          else if (Date.now() - lastShown >= 10_000) {
            io.err(`${line}\n`);
            lastShown = Date.now();
          }
        },
      });
      if (io.interactive) io.err('\r\x1b[K');
      io.out(
        values.json
          ? jsonText(report, io)
          : accuracyText(
              report,
              plantId === DEFAULT_PLANT ? tables.where : `${tables.where}, plant ${plantId}`,
            ),
      );
      return 0;
    } catch (error) {
      throw tableError(error, tables);
    } finally {
      destroyClients(clients);
      await tables.stop?.();
    }
  },
});

/** `15m,30m,1h` in ms, each a positive duration, once each and in order. */
function parseHorizons(text: string): number[] {
  return [...new Set(durationListOption('horizons', text))].sort((a, b) => a - b);
}

const sameDay = (a: number, b: number) => dateTime(a).slice(0, 10) === dateTime(b).slice(0, 10);
/** A bias with its sign: + later, - earlier, none when it rounds to no second either way. */
const signed = (ms: number) => {
  const seconds = Math.round(ms / 1000);
  return seconds > 0 ? `+${duration(ms)}` : seconds < 0 ? duration(ms) : duration(0);
};
const share = (n: number, of: number) => `${n} of ${of} (${formatPercent(n / of)})`;

/** The report as `accuracyText` reads it: the data behind the summaries may be left out. */
export type AccuracyTextInput = Omit<AccuracyReport, 'comparisons' | 'stepComparisons' | 'steps'> &
  Partial<Pick<AccuracyReport, 'comparisons' | 'stepComparisons' | 'steps'>>;

/** A row's error columns: bias, mean error, 9 in 10 within, largest (dashes when nothing was compared). */
function errorColumns(figures: ErrorFigures, compared: number): string[] {
  if (compared === 0) return ['-', '-', '-', '-'];
  return [
    signed(figures.biasMs!),
    duration(figures.meanAbsErrorMs!),
    duration(figures.p90AbsErrorMs!),
    duration(figures.maxAbsErrorMs!),
  ];
}

/** The report as a terminal table, with what each column means. */
export function accuracyText(report: AccuracyTextInput, where: string): string {
  const { history } = report;
  const steps = report.steps ?? [];
  const lines = [
    `Forecast accuracy in ${where}` + (report.model ? ` (model ${report.model.name})` : ''),
    `${report.finishedOrders === 1 ? '1 order has' : `${report.finishedOrders} orders have`} finished every step` +
      (report.finishedSince === undefined ? '' : ` since ${dateTime(report.finishedSince)}`) +
      `; ${history.forecasts} forecasts in history` +
      (history.firstAsOf !== undefined
        ? `, ${dateTime(history.firstAsOf)} to ${sameDay(history.firstAsOf, history.lastAsOf!) ? clock(history.lastAsOf!) : dateTime(history.lastAsOf!)} (plant time); ${history.read} of them compared.`
        : '.'),
  ];
  if (history.forecasts === 0) {
    lines.push('No forecast in history: nothing to compare.');
    return lines.join('\n');
  }
  if (report.finishedOrders === 0 && steps.every((s) => s.orders === 0)) {
    lines.push('No order has finished a step yet: nothing to compare.');
    return lines.join('\n');
  }
  const rows = [
    ['ahead', 'orders', 'bias', 'mean error', '9 in 10 within', 'largest', 'late: called', 'were', 'both'],
  ];
  for (const h of report.horizons) {
    rows.push([
      duration(h.horizonMs),
      String(h.orders),
      ...errorColumns(h, h.orders),
      ...(h.late.orders === 0 ? ['-', '-', '-'] : [h.late.predicted, h.late.actual, h.late.both].map(String)),
    ]);
  }
  lines.push(
    '',
    "Completion (the end of an order's last step), forecast against actual, by how far ahead of it the forecast",
    'was made. bias: the mean of forecast − actual (+: the forecasts said later than it was); mean error: of its',
    'size. late: of the orders with a due date, how many the forecast called late, how many were, and both (late',
    'orders seen coming).',
    '',
    table(rows),
  );
  const misses = largestMisses(report.comparisons ?? []);
  if (misses.length > 0) {
    lines.push('', 'Largest misses (where to look first):');
    for (const c of misses) {
      const off = `${duration(Math.abs(c.errorMs))} ${c.errorMs < 0 ? 'later' : 'earlier'}`;
      lines.push(
        `  ${c.orderId}, ${duration(c.horizonMs)} ahead: forecast to finish ${clock(c.forecastEndAt)}, finished ${clock(c.actualEndAt)} (${off})`,
      );
    }
  }
  if (steps.length > 0) {
    const stepRows = [['step', 'ahead', 'orders', 'bias', 'mean error', '9 in 10 within', 'largest']];
    steps.forEach((s, i) => {
      stepRows.push([
        i > 0 && steps[i - 1]!.step === s.step ? '' : s.step,
        duration(s.horizonMs),
        String(s.orders),
        ...errorColumns(s, s.orders),
      ]);
    });
    lines.push(
      '',
      "Each step's end, forecast against actual, in the order of the model's routings (every step that has",
      'ended, of orders finished or not):',
      '',
      table(stepRows),
    );
  }
  const spreads = report.horizons.filter((h) => h.spread !== undefined);
  if (spreads.length > 0) {
    lines.push(
      '',
      'Monte Carlo forecasts (were their spread right: within P10–P90 for 8 orders in 10, before P50 for 5):',
    );
    for (const h of spreads) lines.push(`  ${duration(h.horizonMs)} ahead: ${spreadText(h.spread!)}`);
  }
  return lines.join('\n');
}

/** The comparisons furthest off, one per order (its worst), at most `count`, none that were exact. */
function largestMisses(comparisons: readonly Comparison[], count = 3): Comparison[] {
  const worst = new Map<string, Comparison>();
  for (const c of comparisons) {
    const seen = worst.get(c.orderId);
    if (Math.round(Math.abs(c.errorMs) / 1000) > 0 && (!seen || Math.abs(c.errorMs) > Math.abs(seen.errorMs)))
      worst.set(c.orderId, c);
  }
  return [...worst.values()].sort((a, b) => Math.abs(b.errorMs) - Math.abs(a.errorMs)).slice(0, count);
}

function spreadText(spread: Required<HorizonAccuracy>['spread']): string {
  const parts = [
    `within P10–P90 ${share(spread.withinP10P90, spread.orders)}`,
    `before P50 ${share(spread.belowP50, spread.orders)}`,
  ];
  const onTime = spread.onTime;
  if (onTime)
    parts.push(
      `on time ${onTime.actual} of ${onTime.orders} with a due date, where the chances added up to ${onTime.expected.toFixed(1)}`,
    );
  return parts.join('; ');
}
