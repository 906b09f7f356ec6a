// Lambda: DynamoDB stream of order-state changes → the rolling accuracy record (forecast/observer.ts).
// A thin adapter: clients and logger are made once per container, and so is the cache of forecasts
// read from history.
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { DynamoDbAccuracyStore } from '../forecast/DynamoDbAccuracyStore.ts';
import { DynamoDbForecastHistory } from '../forecast/ForecastHistory.ts';
import { createObserverHandler } from '../forecast/observer.ts';
import { requireEnv } from './env.ts';

const logger = new Logger({ serviceName: 'observer' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});
const table = requireEnv('FORECASTS_TABLE', 'the forecasts table (history and the accuracy record)');

const observe = createObserverHandler({
  history: new DynamoDbForecastHistory(documents, table),
  accuracy: new DynamoDbAccuracyStore(documents, table),
  logger,
});

/** Every log line of an invocation carries its request id and whether it was a cold start. */
export const handler = async (
  event: DynamoDBStreamEvent,
  context: Context,
): Promise<DynamoDBBatchResponse> => {
  logger.addContext(context);
  return observe(event);
};
