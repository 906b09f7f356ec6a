// Lambda: the dashboard behind a function URL or an HTTP API (payload 2.0). A thin adapter: the client,
// logger and app are made once per container; the work is in dashboard/app.ts.
//
// Environment: FORECASTS_TABLE (required); DASHBOARD_TOKEN, the token every API request must carry
// (required unless DASHBOARD_AUTH=iam, i.e. the function URL itself demands IAM-signed requests);
// DASHBOARD_PAGE_DIR, a folder with the built page to serve as well (optional).
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { createDashboardApp } from '../dashboard/app.ts';
import { DynamoDbForecastSource } from '../dashboard/forecastSource.ts';
import { requireEnv } from './env.ts';

const logger = new Logger({ serviceName: 'dashboard-api' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

// Not readable by the world by default: without IAM auth in front, a token is required.
const token =
  process.env.DASHBOARD_AUTH === 'iam'
    ? process.env.DASHBOARD_TOKEN
    : requireEnv('DASHBOARD_TOKEN', 'the dashboard token (or set DASHBOARD_AUTH=iam behind IAM auth)');

const app = createDashboardApp({
  forecasts: new DynamoDbForecastSource(documents, requireEnv('FORECASTS_TABLE')),
  token,
  pageDir: process.env.DASHBOARD_PAGE_DIR,
  logger,
});
const answer = handle(app);

/** Answers one request; its log lines carry the request id and whether the container was cold. */
export const handler = async (event: LambdaEvent, context: Context) => {
  logger.addContext(context);
  return answer(event, context);
};
