// Lambda: the dashboard behind a function URL or an HTTP API (payload 2.0). A thin adapter: the client,
// logger and app are made once per container; the work is in dashboard/app.ts.
//
// Environment: FORECASTS_TABLE (required); the token every API request must carry, one of
//   DASHBOARD_TOKEN_SECRET  the ARN or name of a Secrets Manager secret that holds it (on AWS): read at
//                           the first request and again once DASHBOARD_TOKEN_MAX_AGE seconds (default
//                           300) have passed, so a new value is picked up without a deploy;
//   DASHBOARD_TOKEN         the token itself (local use);
// required unless DASHBOARD_AUTH=iam, i.e. the function URL itself demands IAM-signed requests;
// DASHBOARD_PAGE_DIR, a folder with the built page to serve as well (optional).
// What-if on the live state (POST /api/whatif, /api/recommend), when ORDER_STATE_TABLE is set: it reads
// the work in process from that table (Query only) and runs the forecast's model, MODEL_FILE (else
// the demo plant) with MODEL_PARAMETERS, taking "now" as FORECAST_CLOCK says (wall, latest-event).
import { Logger } from '@aws-lambda-powertools/logger';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { handle, type LambdaEvent } from 'hono/aws-lambda';
import { DynamoDbAlertSource } from '../dashboard/alertSource.ts';
import { createDashboardApp, type DashboardToken } from '../dashboard/app.ts';
import { DynamoDbForecastSource } from '../dashboard/forecastSource.ts';
import { DynamoDbHistorySource } from '../dashboard/historySource.ts';
import type { LiveWhatIf } from '../dashboard/liveWhatIf.ts';
import { plantModelEnv } from '../forecast/modelFile.ts';
import { modelParametersEnv } from '../forecast/modelParameters.ts';
import { orderFlowModel } from '../orderflow/index.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { createLiveWhatIf, latestOrderEvent } from './dashboardWhatIf.ts';
import { requireEnv, wholeNumberEnv } from './env.ts';

const logger = new Logger({ serviceName: 'dashboard-api' });
const dynamodb = new DynamoDBClient({});
const documents = DynamoDBDocumentClient.from(dynamodb);

/** The token from Secrets Manager, through Powertools' cache (the secret is fetched once per max age). */
function secretToken(secretId: string, maxAge: number): DashboardToken {
  return async () => {
    const value = await getSecret(secretId, { maxAge });
    if (typeof value !== 'string' || value === '') {
      throw new Error(
        `secret ${secretId} (DASHBOARD_TOKEN_SECRET) holds no token: its value must be a non-empty string`,
      );
    }
    return value;
  };
}

/** Where the token comes from; not readable by the world by default: without IAM auth, a token is required. */
function dashboardToken(): DashboardToken | undefined {
  const secretId = process.env.DASHBOARD_TOKEN_SECRET;
  if (secretId) {
    if (process.env.DASHBOARD_TOKEN) {
      throw new Error(
        'environment variables DASHBOARD_TOKEN_SECRET and DASHBOARD_TOKEN are both set: set one',
      );
    }
    return secretToken(secretId, wholeNumberEnv('DASHBOARD_TOKEN_MAX_AGE', 0) ?? 300);
  }
  if (process.env.DASHBOARD_AUTH === 'iam') return process.env.DASHBOARD_TOKEN || undefined;
  return requireEnv(
    'DASHBOARD_TOKEN',
    'the dashboard token (or DASHBOARD_TOKEN_SECRET, a Secrets Manager secret that holds it; or set DASHBOARD_AUTH=iam behind IAM auth)',
  );
}

/** What-if on the live state, when the function may read it (ORDER_STATE_TABLE). */
function liveWhatIf(): LiveWhatIf | undefined {
  const tableName = process.env.ORDER_STATE_TABLE;
  if (!tableName) return undefined;
  const model = plantModelEnv('MODEL_FILE') ?? orderFlowModel;
  return createLiveWhatIf({
    states: new DynamoDbStateStore(dynamodb, tableName),
    tableName,
    model,
    parameters: modelParametersEnv('MODEL_PARAMETERS', model),
    ...(process.env.FORECAST_CLOCK === 'latest-event' && { clock: latestOrderEvent }),
  });
}

const forecastsTable = requireEnv('FORECASTS_TABLE');
const app = createDashboardApp({
  forecasts: new DynamoDbForecastSource(documents, forecastsTable),
  // The accuracy record and forecast history are in the same table (GetItem and Query, as above).
  history: new DynamoDbHistorySource(documents, forecastsTable),
  // The recent alerts are items of the forecasts table (a Query, as for the forecast).
  alerts: new DynamoDbAlertSource(documents, forecastsTable),
  token: dashboardToken(),
  pageDir: process.env.DASHBOARD_PAGE_DIR,
  logger,
  whatIf: liveWhatIf(),
});
const answer = handle(app);

/** Answers one request; its log lines carry the request id and whether the container was cold. */
export const handler = async (event: LambdaEvent, context: Context) => {
  logger.addContext(context);
  return answer(event, context);
};
