// Lambda: the dashboard API behind a function URL or an HTTP API (payload 2.0). A thin adapter: the
// client and logger are made once per container; the work is in dashboard/api.ts.
//
// Environment: FORECASTS_TABLE (required); DASHBOARD_TOKEN, the token every API request must carry
// (required unless DASHBOARD_AUTH=iam, i.e. the function URL itself demands IAM-signed requests);
// DASHBOARD_PAGE_DIR, a folder with the built page to serve as well (optional).
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createDashboardHandler } from '../dashboard/api.ts';
import { DynamoDbForecastSource } from '../dashboard/forecastSource.ts';
import { fromHttpApiEvent, toHttpApiResult } from '../dashboard/httpApiEvent.ts';
import { requireEnv } from './env.ts';

const logger = new Logger({ serviceName: 'dashboard-api' });
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}));

// Not readable by the world by default: without IAM auth in front, a token is required.
const token =
  process.env.DASHBOARD_AUTH === 'iam'
    ? process.env.DASHBOARD_TOKEN
    : requireEnv('DASHBOARD_TOKEN', 'the dashboard token (or set DASHBOARD_AUTH=iam behind IAM auth)');

const dashboard = createDashboardHandler({
  forecasts: new DynamoDbForecastSource(documents, requireEnv('FORECASTS_TABLE')),
  token,
  pageDir: process.env.DASHBOARD_PAGE_DIR,
  logger,
});

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> =>
  toHttpApiResult(await dashboard(fromHttpApiEvent(event)));
