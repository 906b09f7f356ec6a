// Lambda: DynamoDB stream of order-state changes → the rolling accuracy record (forecast/observer.ts),
// the samples recalibration fits, and a recalibration when the forecasts drift.
// A thin adapter: clients and logger are made once per container, and so is the cache of forecasts
// read from history.
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoDbAccuracyStore } from '../forecast/DynamoDbAccuracyStore.ts';
import { DynamoDbCalibrationStore } from '../forecast/DynamoDbCalibrationStore.ts';
import { DynamoDbObservationStore } from '../forecast/DynamoDbObservationStore.ts';
import { DynamoDbForecastHistory } from '../forecast/ForecastHistory.ts';
import { plantModelEnv } from '../forecast/modelFile.ts';
import { createObserverHandler } from '../forecast/observer.ts';
import { dynamoDbPlantObserverStores } from '../forecast/plantObserverStores.ts';
import { calibrationHooks } from '../forecast/recalibration.ts';
import { orderFlowModel } from '../orderflow/index.ts';
import { alertSinkOf } from './alerts.ts';
import { requireEnv } from './env.ts';

const logger = new Logger({ serviceName: 'observer' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const table = requireEnv('FORECASTS_TABLE', 'the forecasts table (history and the accuracy record)');

/**
 * MODEL_FILE: the plant model file bundled with the function (the forecast's), which a recalibration
 * on drift fits; unset: the demo plant.
 */
const model = plantModelEnv('MODEL_FILE') ?? orderFlowModel;

/** Where drift and calibration alerts go: the forecasts table and the SNS topic ALERT_TOPIC_ARN names. */
const alerts = alertSinkOf(documents, table);

// What happened is recorded for recalibration, and a drift alert recalibrates.
const { onObservations, onDrift } = calibrationHooks({
  observations: new DynamoDbObservationStore(documents, table),
  calibrations: new DynamoDbCalibrationStore(documents, table),
  model,
  logger,
  alerts,
});

const observe = createObserverHandler(
  {
    history: new DynamoDbForecastHistory(documents, table),
    accuracy: new DynamoDbAccuracyStore(documents, table),
    logger,
    alerts,
    onObservations,
    onDrift,
  },
  dynamoDbPlantObserverStores(documents, table),
);

/** Every log line of an invocation carries its request id and whether it was a cold start. */
export const handler = async (
  event: DynamoDBStreamEvent,
  context: Context,
): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  return observe(event);
};
