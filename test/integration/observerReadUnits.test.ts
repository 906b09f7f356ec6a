// The observer's reads as DynamoDB bills them, against the cost model's (lib/costModel.ts): the
// observer wired as its Lambda wires it, on DynamoDB Local, over a history of the demo plant's
// forecasts of 200 orders made every 8.6 s for an hour (a plant of 10,000 events a day), with a step
// finishing every 30 s. Each command asks for its consumed capacity, which DynamoDB Local reckons by item size
// as DynamoDB does.
import { Logger } from '@aws-lambda-powertools/logger';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { syntheticSnapshot } from '../../bench/workloads.ts';
import { encodeForecast } from '../../contracts/forecastItem.ts';
import type { ForecastRecord } from '../../contracts/forecastRecord.ts';
import { DynamoDbAccuracyStore } from '../../forecast/DynamoDbAccuracyStore.ts';
import { DynamoDbCalibrationStore } from '../../forecast/DynamoDbCalibrationStore.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { DynamoDbObservationStore } from '../../forecast/DynamoDbObservationStore.ts';
import { DynamoDbForecastHistory } from '../../forecast/ForecastHistory.ts';
import { createObserverHandler } from '../../forecast/observer.ts';
import { calibrationHooks } from '../../forecast/recalibration.ts';
import { DEFAULT_INPUTS, observerReadUnits } from '../../lib/costModel.ts';
import { stackCostSettings } from '../../lib/costSettings.ts';
import { forecast, orderFlowModel } from '../../orderflow/index.ts';
import { resolveModel } from '../../orderflow/model/resolveModel.ts';
import { stepAttribute } from '../../state/stepAttributes.ts';
import { useEmulators } from '../support/emulators.ts';

const MIN = 60_000;
const FORECAST_EVERY_MS = 8_600;
const BATCH_EVERY_MS = 30_000;
const HISTORY_MS = 65 * MIN;

describe("the observer's read units on DynamoDB Local", () => {
  const env = useEmulators('kinesalite');

  it('stay within the cost model’s count per comparing batch, and near it', async () => {
    const { documentClient } = env.clients;
    const table = env.names.forecastsTable;
    const logger = new Logger({ serviceName: 'observer', logLevel: 'SILENT' });
    const snapshot = syntheticSnapshot(200);
    const made = forecast(snapshot, orderFlowModel, {});
    const t0 = snapshot.asOf;
    const store = new DynamoDbForecastStore(documentClient, table);
    const recordAt = (t: number): ForecastRecord => ({
      ...made,
      asOf: t,
      generatedAt: Date.now(),
      stateVersion: { latestEventAt: t, activeOrders: 200 },
      timings: { readMs: 0, simulateMs: 0 },
    });
    // An hour and more: the longest horizon's.
    for (let t = t0; t <= t0 + HISTORY_MS; t += FORECAST_EVERY_MS) await store.save(recordAt(t));

    // Read units of GetItem and Query, counted from the SDK's responses.
    let readUnits = 0;
    documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } })
          .ConsumedCapacity;
        if (/^(Get|Query)/.test(context.commandName ?? '')) readUnits += consumed?.CapacityUnits ?? 0;
        return result;
      },
      { step: 'initialize', name: 'testConsumedCapacity' },
    );
    const observe = createObserverHandler({
      history: new DynamoDbForecastHistory(documentClient, table),
      accuracy: new DynamoDbAccuracyStore(documentClient, table),
      logger,
      ...calibrationHooks({
        observations: new DynamoDbObservationStore(documentClient, table),
        calibrations: new DynamoDbCalibrationStore(documentClient, table),
        model: orderFlowModel,
        logger,
      }),
    });
    const step = resolveModel(orderFlowModel).products[0]!.routing.find((s) => s.kind === 'operation')!.step;
    const finished = (at: number): DynamoDBRecord => {
      const before = { orderId: made.orders[0]!.orderId, [stepAttribute(step, 'startedAt')]: at - MIN };
      const after = { ...before, [stepAttribute(step, 'finishedAt')]: at };
      return {
        eventName: 'MODIFY',
        dynamodb: { OldImage: marshall(before), NewImage: marshall(after) },
      } as never;
    };
    // After an hour of batches, the longest horizon looks back over what the shortest learned.
    const perBatch: number[] = [];
    for (let at = t0 + MIN; at <= t0 + HISTORY_MS; at += BATCH_EVERY_MS) {
      const before = readUnits;
      await observe({ Records: [finished(at)] });
      perBatch.push(readUnits - before);
    }
    documentClient.middlewareStack.remove('testConsumedCapacity');

    const forecastBytes = (await encodeForecast(recordAt(t0))).reduce((n, chunk) => n + chunk.length, 0);
    const model = observerReadUnits(
      { forecastBytes, accuracyRecordBytes: DEFAULT_INPUTS.accuracyRecordBytes },
      stackCostSettings(),
      BATCH_EVERY_MS / FORECAST_EVERY_MS,
    );
    const modelled = model.plantBatch + model.comparingBatch + model.sample;
    const warm = perBatch.slice(-10);
    console.log(
      `observer read units per comparing batch (${forecastBytes} B forecasts): first ${perBatch[0]}, ` +
        `last ten ${warm.join(' · ')}; model ${modelled}`,
    );
    for (const units of warm) {
      expect(units).toBeLessThanOrEqual(modelled);
      expect(units).toBeGreaterThan(modelled / 1.5);
    }
  });
});
