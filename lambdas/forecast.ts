// Lambda: DynamoDB stream of order-state changes → forecast → forecasts table, and lateness alerts. A thin adapter:
// clients and logger are made once per container; nothing else survives between invocations.

import { fileURLToPath } from 'node:url';
import { isMainThread, workerData } from 'node:worker_threads';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoDbAlertStateStore } from '../forecast/DynamoDbAlertStateStore.ts';
import { DynamoDbCalibrationStore } from '../forecast/DynamoDbCalibrationStore.ts';
import { DynamoDbForecastStore } from '../forecast/DynamoDbForecastStore.ts';
import { createForecastHandler, latestEventClock, wallClock } from '../forecast/forecastHandler.ts';
import { plantModelEnv } from '../forecast/modelFile.ts';
import { modelParametersEnv } from '../forecast/modelParameters.ts';
import { ReplicationPool, WORKER_ROLE } from '../forecast/threads/ReplicationPool.ts';
import { serveReplications } from '../forecast/threads/replicationWorker.ts';
import { orderFlowModel } from '../orderflow/index.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { alertSinkOf } from './alerts.ts';
import { requireEnv, wholeNumberEnv } from './env.ts';

const logger = new Logger({ serviceName: 'forecast' });
// The state store speaks the low-level client's attribute values; the forecast store, plain objects.
const dynamodb = new DynamoDBClient({});
const documents = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true },
});

/**
 * MODEL_FILE: the plant model file bundled with the function (the stack's `twin:model`, else the demo
 * plant's), read and checked at the start; unset: the demo plant.
 */
const model = plantModelEnv('MODEL_FILE') ?? orderFlowModel;

/** MODEL_PARAMETERS: overrides of the model's parameters (JSON), checked at the start. */
const parameters = modelParametersEnv('MODEL_PARAMETERS', model);

/** FORECAST_REPLICATIONS: a Monte Carlo forecast of that many draws; unset: the deterministic forecast. */
const replications = wholeNumberEnv('FORECAST_REPLICATIONS', 1);

/**
 * FORECAST_RECOMMEND_BUDGET_MS: wall time for the twin's recommendations after a forecast with orders
 * late or at risk (0: none); unset: DEFAULT_RECOMMEND_BUDGET_MS.
 */
const recommendBudgetMs = wholeNumberEnv('FORECAST_RECOMMEND_BUDGET_MS', 0);

const forecastsTable = requireEnv('FORECASTS_TABLE');

/**
 * Where the twin's alerts go on AWS: the forecasts table (the dashboard's list) and the SNS topic
 * ALERT_TOPIC_ARN names.
 */
const alerts = alertSinkOf(documents, forecastsTable);

/**
 * FORECAST_THREADS: threads for a Monte Carlo forecast's replications, this one included (the stack
 * sets one per vCPU of the function's memory); the others are worker threads started from this
 * very file, which serve replications instead of invocations.
 */
const threads = wholeNumberEnv('FORECAST_THREADS', 1) ?? 1;
if (!isMainThread && workerData?.role === WORKER_ROLE) serveReplications();
const pool =
  isMainThread && threads > 1 ? new ReplicationPool(threads - 1, fileURLToPath(import.meta.url)) : undefined;

const forecast = createForecastHandler({
  states: new DynamoDbStateStore(dynamodb, requireEnv('ORDER_STATE_TABLE')),
  forecasts: new DynamoDbForecastStore(documents, forecastsTable),
  // The latest calibration (one GetItem per forecast): its model, once per calibration per container.
  calibrations: new DynamoDbCalibrationStore(documents, forecastsTable),
  alerts,
  alertState: new DynamoDbAlertStateStore(documents, forecastsTable),
  logger,
  model,
  parameters,
  ...(replications !== undefined && { replications }),
  ...(recommendBudgetMs !== undefined && { recommendBudgetMs }),
  clock: process.env.FORECAST_CLOCK === 'latest-event' ? latestEventClock : wallClock,
  ...(pool !== undefined && { pool }),
});

/** Every log line of an invocation carries its request id and whether it was a cold start. */
export const handler = async (
  event: DynamoDBStreamEvent,
  context: Context,
): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  return forecast(event);
};
