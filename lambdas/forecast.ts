// Lambda: DynamoDB stream of order-state changes → forecast → forecasts table, and lateness alerts. A thin adapter:
// clients and logger are made once per container; nothing else survives between invocations.

import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoDbAlertSink } from '../forecast/DynamoDbAlertSink.ts';
import { DynamoDbAlertStateStore } from '../forecast/DynamoDbAlertStateStore.ts';
import { DynamoDbForecastStore } from '../forecast/DynamoDbForecastStore.ts';
import { createForecastHandler, latestEventClock, wallClock } from '../forecast/forecastHandler.ts';
import { plantModelEnv } from '../forecast/modelFile.ts';
import { modelParametersEnv } from '../forecast/modelParameters.ts';
import { orderFlowModel } from '../orderflow/index.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
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
 * ALERT_TOPIC_ARN: the SNS topic the alerts go to besides the forecasts table (the dashboard's list).
 * This build has no SNS client among its dependencies (@aws-sdk/client-sns): it says so once per
 * container and keeps the alerts in the table.
 */
const alertTopicArn = process.env.ALERT_TOPIC_ARN || undefined;
if (alertTopicArn !== undefined) {
  logger.warn('alerts go to the forecasts table only: this build cannot publish to SNS', { alertTopicArn });
}

/** Where the twin's alerts go on AWS: the forecasts table (the dashboard's list). */
const alerts = new DynamoDbAlertSink(documents, forecastsTable);

const forecast = createForecastHandler({
  states: new DynamoDbStateStore(dynamodb, requireEnv('ORDER_STATE_TABLE')),
  forecasts: new DynamoDbForecastStore(documents, forecastsTable),
  alerts,
  alertState: new DynamoDbAlertStateStore(documents, forecastsTable),
  logger,
  model,
  parameters,
  ...(replications !== undefined && { replications }),
  ...(recommendBudgetMs !== undefined && { recommendBudgetMs }),
  clock: process.env.FORECAST_CLOCK === 'latest-event' ? latestEventClock : wallClock,
});

/** Every log line of an invocation carries its request id and whether it was a cold start. */
export const handler = async (
  event: DynamoDBStreamEvent,
  context: Context,
): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  return forecast(event);
};
