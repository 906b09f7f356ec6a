// The emulated plant works 20 % slower than the model believes. Its events run through the twin's
// reducer in virtual time, and each batch of state changes through the observer of the order state's
// stream, as in the live twin: on day one the twin forecasts every 5 minutes, the observer's rolling
// accuracy record shows the forecasts' bias, drift is raised, and the twin recalibrates on it. It
// recalibrates once more after the day, and over the next day forecasts every few minutes with the
// model as it was and as recalibrated. The fitted duration is within 5 % of the plant's true mean,
// and the forecasts' error falls (the figures are printed, before and after).

import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { summariseAccuracy } from '../../contracts/accuracyRecord.ts';
import type { DriftAlert } from '../../contracts/alerts.ts';
import type { OrderEvent } from '../../contracts/events.ts';
import type { ForecastRecord } from '../../contracts/forecastRecord.ts';
import { startPlant } from '../../emulator/plant.ts';
import { scenario } from '../../emulator/scenarios.ts';
import { InMemoryAccuracyStore } from '../../forecast/AccuracyStore.ts';
import { actualOrders, forecastAccuracy, type PastForecast, pastForecast } from '../../forecast/accuracy.ts';
import { InMemoryCalibrationStore } from '../../forecast/CalibrationStore.ts';
import { InMemoryForecastHistory } from '../../forecast/ForecastHistory.ts';
import { liveSnapshot } from '../../forecast/liveSnapshot.ts';
import { InMemoryObservationStore } from '../../forecast/ObservationStore.ts';
import { observeBatch } from '../../forecast/observer.ts';
import { calibrationHooks, recalibrate } from '../../forecast/recalibration.ts';
import { calibratedModel } from '../../orderflow/calibration/calibrate.ts';
import { scaleSpec, specMean } from '../../orderflow/calibration/fit.ts';
import { forecast, type PlantModel, parsePlantModel, resolveModel } from '../../orderflow/index.ts';
import { TIME_UNITS } from '../../orderflow/model/plantModel.ts';
import { orderFlowModel } from '../../orderflow/models/index.ts';
import { Environment } from '../../sim-core/index.ts';
import type { DistributionSpec } from '../../sim-core/random/Random.ts';
import type { StoredOrderState } from '../../state/applyEvent.ts';
import { toDomainEvent } from '../../state/events.ts';
import { InMemoryStateStore } from '../../state/InMemoryStateStore.ts';
import { flattenSteps } from '../../state/stepAttributes.ts';

const logger = new Logger({ serviceName: 'calibration', logLevel: 'SILENT' });
const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5);
const SLOWER = 1.2;
const HORIZONS = [15 * MIN, 30 * MIN, 60 * MIN];

/** `model` with every operation `factor` times as long (each duration, or the parameter it names, scaled). */
function slower(model: PlantModel, factor: number): PlantModel {
  const next = structuredClone(model);
  for (const product of next.products) {
    for (const step of product.routing) {
      if (step.kind !== 'operation') continue;
      const d = step.duration as DistributionSpec | { param: string };
      const spec =
        typeof d === 'object' && 'param' in d ? (model.parameters[d.param] as DistributionSpec) : d;
      step.duration = scaleSpec(spec, factor);
    }
  }
  return next;
}

/** The mean of every operation of `model`, in ms, by step. */
function operationMeans(model: PlantModel): Map<string, number> {
  const means = new Map<string, number>();
  for (const step of model.products.flatMap((p) => p.routing)) {
    if (step.kind !== 'operation') continue;
    const d = step.duration as DistributionSpec | { param: string };
    const spec = typeof d === 'object' && 'param' in d ? (model.parameters[d.param] as DistributionSpec) : d;
    means.set(step.step, specMean(spec)! * TIME_UNITS[model.timeUnit]);
  }
  return means;
}

/** An order state change as the stream of the order state table carries it. */
function streamRecord(before: StoredOrderState | undefined, after: StoredOrderState): DynamoDBRecord {
  const image = (s: StoredOrderState) => marshall(flattenSteps(s), { removeUndefinedValues: true }) as never;
  return {
    eventName: before ? 'MODIFY' : 'INSERT',
    dynamodb: { ...(before && { OldImage: image(before) }), NewImage: image(after) },
  };
}

const flowShop = parsePlantModel(
  JSON.parse(readFileSync(new URL('../../examples/models/flow-shop.json', import.meta.url), 'utf8')),
);

describe('recalibration of a plant 20 % slower than its model', () => {
  it.each([
    { name: 'the demo plant', model: orderFlowModel },
    { name: 'the flow shop', model: flowShop },
  ])(
    'fits the true durations within 5 percent and forecasts closer to what happens: $name',
    async ({ name, model }) => {
      const truth = slower(model, SLOWER);
      const resolved = resolveModel(truth);
      const env = new Environment(T0);
      const events: OrderEvent[] = [];
      const orders = scenario('steady', resolved, {
        start: T0,
        seed: 28,
        duration: 2 * DAY,
        rate: 1,
        speed: Number.POSITIVE_INFINITY,
      }).orders;
      startPlant(env, resolved, orders, { event: (e) => events.push(e as OrderEvent) });

      const states = new InMemoryStateStore();
      const observations = new InMemoryObservationStore();
      const calibrations = new InMemoryCalibrationStore();
      // The observer as the live twin wires it: the samples recorded, a recalibration on drift.
      let clock = T0;
      const hooks = calibrationHooks({ observations, calibrations, model, logger, now: () => clock });
      const history: ForecastRecord[] = [];
      const accuracy = new InMemoryAccuracyStore();
      const drifts: DriftAlert[] = [];
      const observer = {
        history: new InMemoryForecastHistory(history),
        accuracy,
        logger,
        horizonsMs: HORIZONS,
        now: () => clock,
        onObservations: hooks.onObservations,
        onDrift: async (alert: DriftAlert) => {
          drifts.push(alert);
          await hooks.onDrift();
        },
      };
      /** The plant's events so far through the reducer, and their changes to the observer. */
      const ingest = async () => {
        const changes: DynamoDBRecord[] = [];
        for (const event of events.splice(0)) {
          const domain = toDomainEvent(event);
          const before = await states.get(domain.orderId);
          if ((await states.apply(domain)) !== 'applied') continue;
          changes.push(streamRecord(before, (await states.get(domain.orderId))!));
        }
        await observeBatch(observer, changes);
      };
      const snapshotAt = async (asOf: number) =>
        liveSnapshot(asOf, await states.listActive(), await states.plantState());

      // Day one: the twin watches, and forecasts every 5 minutes with the model it has.
      for (let t = T0 + 5 * MIN; t <= T0 + DAY; t += 5 * MIN) {
        env.run({ until: t });
        clock = t;
        await ingest();
        const snapshot = await snapshotAt(t);
        history.push({
          ...forecast(snapshot, model),
          generatedAt: t,
          stateVersion: { latestEventAt: t, activeOrders: snapshot.orders.length },
          timings: { readMs: 0, simulateMs: 0 },
        });
      }
      // The rolling record shows the bias: the forecasts said earlier than the plant did.
      const day1 = summariseAccuracy((await accuracy.read())!.record);
      const lines = ['', `Recalibration of ${name}, 20 % slower than its model (steady scenario, seed 28):`];
      lines.push("  the accuracy record after day one (every step's end), by horizon:");
      for (const h of day1.horizons.filter((h) => h.steps.comparisons > 0)) {
        lines.push(
          `    ${h.horizonMs / MIN} min ahead, ${h.steps.comparisons} comparisons: bias ${(h.steps.biasMs! / MIN).toFixed(2)} min, ` +
            `MAPE ${(h.steps.mape! * 100).toFixed(1)} %`,
        );
        expect(h.steps.biasMs!).toBeLessThan(0);
      }
      // Most steps end within the hour they are forecast for: the short horizons have the comparisons.
      expect(day1.horizons[0]!.steps.comparisons).toBeGreaterThan(20);
      // Drift was raised, and the twin recalibrated on it once it had the samples.
      expect(drifts.length).toBeGreaterThan(0);
      const onDrift = await calibrations.latest();
      expect(onDrift?.reason).toBe('drift');
      lines.push(
        `  drift raised ${drifts.length}× (first: ${drifts[0]!.text}); recalibrated on drift at ` +
          `${((onDrift!.fittedAt - T0) / 3_600_000).toFixed(1)} h`,
      );
      const calibration = (await recalibrate({
        observations,
        calibrations,
        model,
        logger,
        reason: 'drift',
        now: () => T0 + DAY,
      }))!;
      const calibrated = calibratedModel(model, calibration)!;

      // Day two: every 5 minutes, a forecast with each model from the same snapshot.
      const before: PastForecast[] = [];
      const after: PastForecast[] = [];
      let summary: Parameters<typeof actualOrders>[1] | undefined;
      for (let t = T0 + DAY + 5 * MIN; t <= T0 + 2 * DAY; t += 5 * MIN) {
        env.run({ until: t });
        await ingest();
        const snapshot = await snapshotAt(t);
        const plain = forecast(snapshot, model);
        summary ??= plain.model;
        before.push(pastForecast(plain));
        after.push(pastForecast(forecast(snapshot, calibrated)));
      }
      env.run();
      await ingest();
      const actual = actualOrders(await states.listFinished(), summary!);
      const was = forecastAccuracy(before, actual, HORIZONS);
      const now = forecastAccuracy(after, actual, HORIZONS);

      // The fitted durations: within 5 % of the plant's true means.
      const trueMeans = operationMeans(truth);
      const modelMeans = operationMeans(model);
      const durations = calibration.fits.filter((f) => f.kind === 'duration');
      expect(durations.length).toBe(trueMeans.size);
      for (const fit of durations) {
        const trueMean = trueMeans.get(fit.step!)!;
        lines.push(
          `  ${fit.label}: model ${(modelMeans.get(fit.step!)! / MIN).toFixed(2)} min, plant ${(trueMean / MIN).toFixed(2)} min, ` +
            `fitted ${(fit.fit.mean / MIN).toFixed(2)} min (${fit.fit.family}, n ${fit.n}, KS D ${fit.fit.ksD.toFixed(3)}, ` +
            `${(((fit.fit.mean - trueMean) / trueMean) * 100).toFixed(1)} % off the truth)`,
        );
        expect(fit.applied).toBe(true);
        expect(Math.abs(fit.fit.mean / trueMean - 1)).toBeLessThan(0.05);
      }

      // The forecasts' error over day two, at each horizon: smaller with the recalibrated model.
      lines.push(
        '  forecast error of the completion over the next day (mean absolute, and bias), before → after:',
      );
      for (const [i, h] of was.entries()) {
        const a = now[i]!;
        lines.push(
          `    ${h.horizonMs / MIN} min ahead, ${h.orders} orders: ${(h.meanAbsErrorMs! / MIN).toFixed(2)} → ` +
            `${(a.meanAbsErrorMs! / MIN).toFixed(2)} min; bias ${(h.biasMs! / MIN).toFixed(2)} → ${(a.biasMs! / MIN).toFixed(2)} min`,
        );
        // An order spends about an hour in this plant: fewer are forecast an hour before they finish.
        expect(h.orders).toBeGreaterThan(20);
        expect(a.orders).toBe(h.orders);
        expect(a.meanAbsErrorMs!).toBeLessThan(h.meanAbsErrorMs!);
        // The model said earlier than the plant did: the bias was negative, and is smaller now.
        expect(h.biasMs!).toBeLessThan(0);
        expect(Math.abs(a.biasMs!)).toBeLessThan(Math.abs(h.biasMs!));
      }
      console.log(lines.join('\n'));
    },
    60_000,
  );
});
