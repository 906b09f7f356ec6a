// `twin calibrate`: the model's durations and supplier slip re-estimated from what really happened in
// a twin (the samples its observer recorded; for a twin that ran before, its finished orders), shown
// beside the model's, with what applying them would change in the forecast of the live state; with
// --apply, stored as the calibration the live twin's forecasts use.
import { readLatestForecast } from '../../contracts/forecastItem.ts';
import { DynamoDbCalibrationStore } from '../../forecast/DynamoDbCalibrationStore.ts';
import { DynamoDbObservationStore } from '../../forecast/DynamoDbObservationStore.ts';
import { liveSnapshot } from '../../forecast/liveSnapshot.ts';
import { valuesOf } from '../../forecast/ObservationStore.ts';
import { seriesOfFinished } from '../../forecast/recalibration.ts';
import { createClients, destroyClients } from '../../local/clients.ts';
import {
  type Calibration,
  calibrate,
  DEFAULT_MIN_SAMPLES,
  type KeyFit,
} from '../../orderflow/calibration/calibrate.ts';
import { forecast } from '../../orderflow/index.ts';
import { modelHash } from '../../orderflow/model/modelHash.ts';
import type { Forecast } from '../../orderflow/types.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { defineCommand, intOption, jsonText } from '../command.ts';
import { CliError } from '../errors.ts';
import { loadPlantModel } from '../files.ts';
import { dateTime, duration, table } from '../format.ts';
import { findTables, TABLE_OPTIONS, tableError } from '../tables.ts';

export const calibrateCommand = defineCommand({
  name: 'calibrate',
  summary:
    "Re-estimate the model's durations and supplier slip from what really happened, beside the model's values, and what applying them would change.",
  details: [
    'Fits every operation step (per product) and the suppliers’ slip against their ETAs to the samples the twin',
    'recorded (a rolling window: the last 500 of each, of the last 30 days), or, for a twin that ran before it',
    'recorded them, to its finished orders. Each fit takes the family (fixed, uniform, triangular, exponential,',
    'normal, lognormal) closest to the samples by the Kolmogorov–Smirnov statistic; a key with at least',
    '--min-samples samples replaces the model’s value. Then the live state is forecast with the model as it is',
    'and as calibrated. --apply stores the calibration: the live twin forecasts with it from its next forecast',
    '(give --model the file the twin runs). Which tables: as for twin accuracy.',
    'Example: twin calibrate --model examples/models/flow-shop.json --apply',
  ].join('\n'),
  options: {
    ...TABLE_OPTIONS,
    model: {
      type: 'string',
      value: 'FILE',
      description:
        'plant model file the twin runs (default: the demo plant, orderflow/models/order-flow.json)',
    },
    'min-samples': {
      type: 'string',
      value: 'N',
      description: `samples a key needs before its fit replaces the model's value (at least 2)`,
      default: String(DEFAULT_MIN_SAMPLES),
    },
    apply: { type: 'boolean', description: 'store the calibration: the live twin uses it (reason manual)' },
    history: {
      type: 'string',
      value: 'N',
      description: 'list the N latest calibrations the twin made (latest first) instead, and change nothing',
    },
    json: { type: 'boolean', description: 'print JSON' },
  },
  async run(values, io) {
    const minSamples = intOption('min-samples', values['min-samples'], 2)!;
    const history = intOption('history', values.history, 1);
    if (history !== undefined && values.apply) throw new CliError('give --history or --apply, not both');
    const model = await loadPlantModel(values.model);
    const tables = await findTables(values, 'calibrate');
    const clients = createClients(tables.endpoints);
    try {
      const table = tables.names.forecastsTable;
      if (history !== undefined) {
        const made = await new DynamoDbCalibrationStore(clients.documentClient, table).history(history);
        io.out(values.json ? jsonText(made, io) : historyText(made, tables.where));
        return 0;
      }
      const states = new DynamoDbStateStore(clients.dynamodb, tables.names.orderStateTable);
      const calibrations = new DynamoDbCalibrationStore(clients.documentClient, table);
      let series = await new DynamoDbObservationStore(clients.documentClient, table).series();
      let samplesFrom: SamplesFrom = 'observations';
      if (series.size === 0) {
        series = seriesOfFinished(await states.listFinished());
        samplesFrom = 'finished orders';
      }
      const { calibration, model: calibrated } = calibrate(model, valuesOf(series), {
        reason: 'manual',
        fittedAt: Date.now(),
        minSamples,
      });
      const [orders, plant, inUse, latestForecast] = await Promise.all([
        states.listActive(),
        states.plantState(),
        calibrations.latest(),
        readLatestForecast(clients.documentClient, table),
      ]);
      const version = modelHash(model);
      // The model the twin runs, as its latest forecast names it: the model itself, or its calibration's.
      const runs = latestForecast?.model;
      const otherModel =
        runs !== undefined &&
        runs.hash !== version &&
        !(inUse !== undefined && runs.hash === inUse.modelVersion && inUse.baseModel.version === version);
      const latest = orders.reduce<number | undefined>((t, o) => Math.max(t ?? 0, o.updatedAt), undefined);
      // As `twin snapshot` takes "now": the later of the wall clock and the latest event, or the latest
      // event of a stopped twin.
      const asOf = tables.stop !== undefined ? (latest ?? Date.now()) : Math.max(Date.now(), latest ?? 0);
      const snapshot = liveSnapshot(asOf, orders, plant);
      const impact = {
        asOf,
        before: summary(forecast(snapshot, model)),
        after: summary(forecast(snapshot, calibrated)),
      };
      let stored: 'saved' | 'stale' | undefined;
      if (values.apply && otherModel) {
        throw new CliError(
          `the twin runs model ${runs!.name} (version ${runs!.hash}), not ${model.name} (version ${version}): give --model the file the twin runs (a calibration applies to the model it was made from)`,
        );
      }
      if (values.apply) {
        if (calibration.applied === 0) {
          throw new CliError(
            `nothing to apply: no key has ${minSamples} samples yet (lower --min-samples, or let the twin run longer)`,
          );
        }
        stored = await calibrations.save(calibration);
      }
      const report: CalibrationReport = {
        where: tables.where,
        model: { name: model.name, version },
        ...(otherModel && { twinModel: { name: runs!.name, version: runs!.hash } }),
        samplesFrom,
        calibration,
        impact,
        ...(inUse !== undefined && {
          inUse: { id: inUse.id, fittedAt: inUse.fittedAt, reason: inUse.reason, baseModel: inUse.baseModel },
        }),
        ...(stored !== undefined && { stored }),
      };
      io.out(values.json ? jsonText(report, io) : calibrationText(report));
      return 0;
    } catch (error) {
      throw tableError(error, tables);
    } finally {
      destroyClients(clients);
      await tables.stop?.();
    }
  },
});

type SamplesFrom = 'observations' | 'finished orders';

/** What a forecast says in a few figures: late orders, their mean lateness, mean time to completion, makespan. */
export interface ForecastSummary {
  activeOrders: number;
  ordersLate: number;
  meanLatenessMs: number;
  /** Mean over the active orders of their completion − asOf. */
  meanCompletionMs: number;
  makespanMs: number;
  lateOrders: string[];
}

function summary(f: Forecast): ForecastSummary {
  const n = f.orders.length;
  return {
    activeOrders: f.kpis.activeOrders,
    ordersLate: f.kpis.ordersLate,
    meanLatenessMs: f.kpis.meanLatenessMs,
    meanCompletionMs: n === 0 ? 0 : f.orders.reduce((s, o) => s + (o.completedAt - f.asOf), 0) / n,
    makespanMs: f.kpis.makespanMs,
    lateOrders: f.orders.filter((o) => o.late).map((o) => o.orderId),
  };
}

export interface CalibrationReport {
  where: string;
  model: { name: string; version: string };
  /** The model the twin's latest forecast ran, when it is not `model` (nor its calibration). */
  twinModel?: { name: string; version: string };
  samplesFrom: SamplesFrom;
  calibration: Calibration;
  /** The live state forecast with the model as it is (before) and as calibrated (after). */
  impact: { asOf: number; before: ForecastSummary; after: ForecastSummary };
  /** The calibration the live twin uses now, if any. */
  inUse?: { id: string; fittedAt: number; reason: string; baseModel: { name: string; version: string } };
  /** With --apply: whether it is now the latest (stale: a later one was stored meanwhile). */
  stored?: 'saved' | 'stale';
}

const change = (fit: KeyFit) => {
  const was = fit.modelMeanMs;
  if (was === undefined || was === 0) return '-';
  const pct = Math.round((fit.fit.mean / was - 1) * 100);
  return `${pct > 0 ? '+' : ''}${pct} %`;
};

/** The report as text: the fits beside the model's values, then what applying them changes. */
export function calibrationText(report: CalibrationReport): string {
  const { calibration: c, impact } = report;
  const lines = [
    `Calibration of model ${report.model.name} (version ${report.model.version}) from ${report.samplesFrom === 'observations' ? 'the samples recorded' : 'the finished orders'} in ${report.where}`,
  ];
  if (report.twinModel) {
    lines.push(
      `Careful: the twin's latest forecast ran model ${report.twinModel.name} (version ${report.twinModel.version}), not this one:`,
      'give --model the file the twin runs (a calibration applies to the model it was made from).',
    );
  }
  if (report.samplesFrom === 'finished orders') {
    lines.push(
      '(no samples recorded yet: the durations of the finished orders’ steps; slips need recorded samples)',
    );
  }
  if (c.fits.length === 0) {
    lines.push('No step has finished with a known start, and no material has arrived: nothing to fit yet.');
    return lines.join('\n');
  }
  const rows = [['key', 'n', 'model', 'fitted', 'change', 'family', 'KS D (5 % bound)', 'applied']];
  for (const fit of c.fits) {
    rows.push([
      fit.label,
      String(fit.n),
      fit.modelMeanMs === undefined ? '-' : duration(fit.modelMeanMs),
      duration(fit.fit.mean),
      change(fit),
      fit.fit.family,
      `${fit.fit.ksD.toFixed(3)} (${fit.fit.ksCritical.toFixed(3)})`,
      fit.applied ? 'yes' : `no: ${fit.note ?? ''}`,
    ]);
  }
  lines.push(
    '',
    'Means of the fitted distributions beside the model’s. KS D: the largest gap between the samples’ and the',
    'fit’s distribution (beyond the bound, the family describes the samples poorly: its mean still serves).',
    `A key replaces the model’s value from ${c.minSamples} samples.`,
    '',
    table(rows),
  );
  const { before, after } = impact;
  lines.push(
    '',
    `What applying it would change: the live state as of ${dateTime(impact.asOf)} (${before.activeOrders} active orders),`,
    `forecast with the model as it is and as calibrated (version ${c.modelVersion}):`,
    '',
    table([
      ['', 'model', 'calibrated'],
      ['late orders', String(before.ordersLate), String(after.ordersLate)],
      ['mean lateness of the late', duration(before.meanLatenessMs), duration(after.meanLatenessMs)],
      ['mean time to completion', duration(before.meanCompletionMs), duration(after.meanCompletionMs)],
      ['all done in', duration(before.makespanMs), duration(after.makespanMs)],
    ]),
  );
  const newlyLate = after.lateOrders.filter((o) => !before.lateOrders.includes(o));
  const noLongerLate = before.lateOrders.filter((o) => !after.lateOrders.includes(o));
  if (newlyLate.length > 0) lines.push(`late with the calibration: ${listed(newlyLate)}`);
  if (noLongerLate.length > 0) lines.push(`on time with the calibration: ${listed(noLongerLate)}`);
  lines.push('');
  if (report.inUse) {
    lines.push(
      `The live twin used calibration ${report.inUse.id} (${report.inUse.reason}, made ${dateTime(report.inUse.fittedAt)}).`,
    );
  }
  if (report.stored === 'saved') {
    lines.push(`Stored as calibration ${c.id}: the live twin forecasts with it from its next forecast.`);
  } else if (report.stored === 'stale') {
    lines.push(`Stored in history as ${c.id}; a later calibration was stored meanwhile and stays in use.`);
  } else if (c.applied > 0) {
    lines.push('Not applied: run again with --apply to have the live twin use it.');
  } else {
    lines.push(`Nothing to apply yet: no key has ${c.minSamples} samples.`);
  }
  return lines.join('\n');
}

/** Up to 8 ids, then how many more. */
const listed = (ids: readonly string[]) =>
  ids.length <= 8 ? ids.join(', ') : `${ids.slice(0, 8).join(', ')} and ${ids.length - 8} more`;

/** The calibrations made, latest first: when, why, from which model, and what each changed. */
export function historyText(calibrations: readonly Calibration[], where: string): string {
  if (calibrations.length === 0) return `No calibration in ${where} yet.`;
  const rows = [['made', 'reason', 'model', 'version', 'changes']];
  for (const c of calibrations) {
    const applied = c.fits.filter((f) => f.applied);
    rows.push([
      dateTime(c.fittedAt),
      c.reason,
      c.baseModel.name,
      c.modelVersion,
      applied.length === 0
        ? '-'
        : applied.map((f) => `${f.label} ${duration(f.fit.mean)} (${change(f)})`).join('; '),
    ]);
  }
  return [
    `Calibrations in ${where}, latest first (the first is the latest, which the forecasts use):`,
    '',
    table(rows),
  ].join('\n');
}
