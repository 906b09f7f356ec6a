// Lambda: DynamoDB stream of order-state changes → forecast → forecasts table. A thin adapter:
// clients and logger are made once per container; nothing else survives between invocations.

import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { withoutCallLog } from '../contracts/sdkClients.ts';
import { DynamoDbForecastStore } from '../forecast/DynamoDbForecastStore.ts';
import { createForecastHandler, latestEventClock, wallClock } from '../forecast/forecastHandler.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { requireEnv, wholeNumberEnv } from './env.ts';

const logger = new Logger({ serviceName: 'forecast' });
const documents = DynamoDBDocumentClient.from(withoutCallLog(new DynamoDBClient({})), {
  marshallOptions: { removeUndefinedValues: true },
});

function parameters(): Record<string, number | string> {
  const text = process.env.MODEL_PARAMETERS;
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`environment variable MODEL_PARAMETERS is not JSON: ${text.slice(0, 80)}`);
  }
}

/** FORECAST_REPLICATIONS: a Monte Carlo forecast of that many draws; unset: the deterministic forecast. */
const replications = wholeNumberEnv('FORECAST_REPLICATIONS', 1);

export const handler = createForecastHandler({
  states: new DynamoDbStateStore(documents, requireEnv('ORDER_STATE_TABLE')),
  forecasts: new DynamoDbForecastStore(documents, requireEnv('FORECASTS_TABLE')),
  logger,
  parameters: parameters(),
  ...(replications !== undefined && { replications }),
  clock: process.env.FORECAST_CLOCK === 'latest-event' ? latestEventClock : wallClock,
});
