// The pipeline's side of recalibration, in memory: the observer's hook records samples, recalibrate
// stores a calibration and raises one alert (none without enough samples), and the forecast's cache
// takes the latest calibration's model once per calibration, and never one made of another model.
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it, vi } from 'vitest';
import { InMemoryAlertSink } from '../../contracts/alerts.ts';
import { InMemoryCalibrationStore } from '../../forecast/CalibrationStore.ts';
import { InMemoryForecastStore } from '../../forecast/ForecastStore.ts';
import { latestEventClock, runForecast } from '../../forecast/forecastHandler.ts';
import { InMemoryObservationStore } from '../../forecast/ObservationStore.ts';
import {
  CalibrationCache,
  calibrationText,
  recalibrate,
  recordObservations,
  seriesOfFinished,
} from '../../forecast/recalibration.ts';
import { sampleKeyText } from '../../orderflow/calibration/calibrate.ts';
import { orderFlowModel, parsePlantModel } from '../../orderflow/index.ts';
import { modelHash } from '../../orderflow/model/modelHash.ts';
import { InMemoryStateStore } from '../../state/InMemoryStateStore.ts';
import { calibrationAt } from './calibrationStores.contract.ts';

const logger = new Logger({ serviceName: 'calibration', logLevel: 'SILENT' });
const MIN = 60_000;
const production = sampleKeyText({ kind: 'duration', step: 'production' });

/** Observations of `n` orders whose production took `minutes`, and whose material came 1 minute late. */
const observed = (n: number, minutes: number, from = 0) => ({
  steps: Array.from({ length: n }, (_, i) => ({
    orderId: `o${from + i}`,
    step: 'production',
    startedAt: i * 20 * MIN,
    finishedAt: i * 20 * MIN + minutes * MIN,
  })),
  arrivals: Array.from({ length: n }, (_, i) => ({
    orderId: `o${from + i}`,
    supplier: 'acme',
    initialEta: i * 20 * MIN - 5 * MIN,
    eta: i * 20 * MIN - MIN,
    arrivedAt: i * 20 * MIN,
  })),
});

describe('recordObservations and recalibrate', () => {
  it('records durations and slips, and the same observations twice only once', async () => {
    const observations = new InMemoryObservationStore();
    const record = recordObservations(observations);
    await record(observed(3, 12));
    await record(observed(3, 12));
    await record({ steps: [], arrivals: [] });

    const series = await observations.series();
    expect(series.get(production)!.values).toEqual([12 * MIN, 12 * MIN, 12 * MIN]);
    expect(series.get(sampleKeyText({ kind: 'slip', supplier: 'acme' }))!.values).toEqual([MIN, MIN, MIN]);
    expect(series.get(sampleKeyText({ kind: 'initial-slip', supplier: 'acme' }))!.values).toEqual([
      5 * MIN,
      5 * MIN,
      5 * MIN,
    ]);
  });

  it('stores nothing and alerts nobody while no key has enough samples; then one calibration, one alert', async () => {
    const observations = new InMemoryObservationStore();
    const calibrations = new InMemoryCalibrationStore();
    const alerts = new InMemoryAlertSink();
    const deps = {
      observations,
      calibrations,
      model: orderFlowModel,
      logger,
      alerts,
      reason: 'schedule' as const,
    };
    await recordObservations(observations)(observed(29, 12));

    expect(await recalibrate({ ...deps, now: () => 1 })).toBeUndefined();
    expect(await calibrations.latest()).toBeUndefined();
    expect(alerts.alerts).toEqual([]);

    await recordObservations(observations)(observed(1, 12, 29));
    const calibration = (await recalibrate({ ...deps, now: () => 2, plantId: 'plant-1' }))!;

    expect(calibration.applied).toBe(2);
    expect(calibration.fits.filter((f) => f.applied).map((f) => f.label)).toEqual([
      'production',
      'slip (all suppliers)',
    ]);
    expect(await calibrations.latest()).toEqual(calibration);
    expect(alerts.alerts).toEqual([
      {
        kind: 'calibration',
        id: `calibration#${calibration.id}`,
        // Plant time: the newest sample (order o28 finished at 572 min).
        asOf: 28 * 20 * MIN + 12 * MIN,
        raisedAt: 2,
        plantId: 'plant-1',
        calibrationId: calibration.id,
        reason: 'schedule',
        text: calibrationText(calibration),
      },
    ]);
    expect(alerts.alerts[0]!.text).toBe(
      'the model was recalibrated (schedule): production: 10.0 min → 12.0 min (+20 %, n 30); slip (all suppliers): 0.00 min → 1.00 min (n 30)',
    );
  });

  it('takes the durations of finished orders where no samples were recorded', () => {
    const series = seriesOfFinished([
      { orderId: 'a', finishedAt: 9, steps: { production: { startedAt: 2, finishedAt: 9 } } },
      {
        orderId: 'b',
        finishedAt: 5,
        product: 'p',
        steps: { cut: { finishedAt: 5 }, weld: { startedAt: 1 } },
      },
    ]);
    expect([...series]).toEqual([[production, { values: [7], times: [9], ids: ['["a","production"]'] }]]);
  });
});

describe('the forecast’s calibration cache', () => {
  it('gives the model as it is without a calibration, then the latest calibration’s, made once per calibration', async () => {
    const store = new InMemoryCalibrationStore();
    const cache = new CalibrationCache(store);
    expect(await cache.modelFor(orderFlowModel)).toEqual({ model: orderFlowModel });

    const first = calibrationAt(1_000, 12);
    await store.save(first);
    const a = await cache.modelFor(orderFlowModel);
    const again = await cache.modelFor(orderFlowModel);

    expect(modelHash(a.model)).toBe(first.modelVersion);
    expect(a.calibration).toEqual({ id: first.id, fittedAt: 1_000, modelVersion: first.modelVersion });
    expect(again.model).toBe(a.model);

    const second = calibrationAt(2_000, 13);
    await store.save(second);
    expect(modelHash((await cache.modelFor(orderFlowModel)).model)).toBe(second.modelVersion);
  });

  it('keeps the model as it is, with a warning, when the latest calibration is of another model', async () => {
    const store = new InMemoryCalibrationStore();
    const warn = vi.fn();
    const cache = new CalibrationCache(store, { warn } as unknown as Logger);
    await store.save(calibrationAt(1_000));
    const other = parsePlantModel({ ...orderFlowModel, name: 'another-plant' });

    expect(await cache.modelFor(other)).toEqual({ model: other });
    expect(warn).toHaveBeenCalledWith(
      'the latest calibration is of another model: the model is taken as it is',
      expect.objectContaining({
        calibratedModel: { name: 'order-flow', version: modelHash(orderFlowModel) },
      }),
    );
  });
});

describe('a forecast with calibrations', () => {
  it('runs the latest calibration’s model and names the calibration in its record', async () => {
    const states = new InMemoryStateStore();
    await states.apply({ type: 'OrderAccepted', eventId: 'a', orderId: 'x', at: 0 });
    await states.apply({ type: 'MaterialArrived', eventId: 'b', orderId: 'x', at: 0 });
    await states.apply({ type: 'StepStarted', eventId: 'c', orderId: 'x', at: 0, step: 'production' });
    const calibrations = new InMemoryCalibrationStore();
    const forecasts = new InMemoryForecastStore();
    const run = () => runForecast({ states, forecasts, logger, calibrations, clock: latestEventClock });

    const before = await run();
    const calibration = calibrationAt(1_000, 13, 30);
    await calibrations.save(calibration);
    const after = await run();

    expect(before.record.calibration).toBeUndefined();
    expect(before.record.orders[0]!.completedAt).toBe(10 * MIN);
    expect(after.record.calibration).toEqual({
      id: calibration.id,
      fittedAt: 1_000,
      modelVersion: calibration.modelVersion,
    });
    expect(after.record.model.hash).toBe(calibration.modelVersion);
    // The fitted mean of 13 minutes and 2 s (the samples are 13 min + 0 to 4 s).
    expect(after.record.orders[0]!.completedAt).toBe(Math.round(calibration.fits[0]!.fit.mean));
  });
});
