// `twin dashboard`: serves the forecast dashboard (the Gantt page and its API) from a forecasts table,
// and what-if on the live state of the order-state table beside it.
import { resourceNames } from '../../contracts/resources.ts';
import { DynamoDbAlertSource } from '../../dashboard/alertSource.ts';
import { PageBuildError, PortInUseError } from '../../dashboard/errors.ts';
import { DynamoDbForecastSource } from '../../dashboard/forecastSource.ts';
import { startDashboardServer } from '../../dashboard/server.ts';
import { createLiveWhatIf, latestOrderEvent } from '../../lambdas/dashboardWhatIf.ts';
import { createDocumentClient, createDynamoDbClient } from '../../local/clients.ts';
import { orderFlowModel } from '../../orderflow/index.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { defineCommand } from '../command.ts';
import { endpointFromEnv, endpointOption } from '../endpointOption.ts';
import { CliError } from '../errors.ts';
import { loadForecastModel } from '../files.ts';
import { hostOption } from '../hostOption.ts';
import { awsNameOption, portOption } from '../optionChecks.ts';
import { untilStopped } from '../untilStopped.ts';

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

export const dashboardCommand = defineCommand({
  name: 'dashboard',
  summary:
    'Serve the forecast dashboard: the Gantt of every active order, refreshed as new forecasts arrive.',
  details:
    'Builds the page, then serves it and its API (GET /api/forecast; POST /api/whatif and /api/recommend\n' +
    'on the live state of --state-table, read only, with the --model the forecast runs) until Ctrl+C.\n' +
    'Page options in the address: ?poll=SECONDS (default 5), ?stale=SECONDS (warn after, default 120),\n' +
    '?auto=off (start with auto-refresh off). With DASHBOARD_TOKEN set, the API needs that token:\n' +
    'open the printed address, which carries it (?token=…).\n' +
    'Example: twin dashboard --endpoint http://127.0.0.1:8000 --table forecasts',
  options: {
    port: {
      type: 'string',
      value: 'N',
      description: 'port to listen on, 0 to 65535 (0: any free port)',
      default: '8080',
    },
    host: {
      type: 'string',
      value: 'ADDRESS',
      description: 'address of this machine to listen on (0.0.0.0: every interface, e.g. in a container)',
      default: '127.0.0.1',
    },
    endpoint: {
      type: 'string',
      value: 'URL',
      description:
        'DynamoDB endpoint, an http(s) URL, e.g. DynamoDB Local (default: AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL, else AWS)',
    },
    table: {
      type: 'string',
      value: 'NAME',
      description: 'the forecasts table',
      default: resourceNames().forecastsTable,
    },
    'state-table': {
      type: 'string',
      value: 'NAME',
      description: 'the order-state table that what-if reads the live state from (never writes)',
      default: resourceNames().orderStateTable,
    },
    model: {
      type: 'string',
      value: 'FILE',
      description: "the plant's model file that the forecast runs, for what-if (default: the demo plant)",
    },
  },
  async run(values, io) {
    const port = portOption('port', values.port!);
    // Without --endpoint the AWS SDK takes these variables as the endpoint: checked as if given.
    const endpoint =
      endpointOption('endpoint', values.endpoint) ??
      endpointFromEnv('AWS_ENDPOINT_URL_DYNAMODB') ??
      endpointFromEnv('AWS_ENDPOINT_URL');
    const table = awsNameOption('table', values.table!, 'table name', { min: 3, max: 255 });
    const stateTable = awsNameOption('state-table', values['state-table']!, 'table name', {
      min: 3,
      max: 255,
    });
    const host = await hostOption('host', values.host!);
    const model = values.model === undefined ? orderFlowModel : await loadForecastModel(values.model);
    const documents = createDocumentClient({ endpoint: values.endpoint });
    const dynamodb = createDynamoDbClient({ endpoint: values.endpoint });
    const token = process.env.DASHBOARD_TOKEN || undefined;
    let server: Awaited<ReturnType<typeof startDashboardServer>>;
    try {
      server = await startDashboardServer({
        forecasts: new DynamoDbForecastSource(documents, table),
        alerts: new DynamoDbAlertSource(documents, table),
        whatIf: createLiveWhatIf({
          states: new DynamoDbStateStore(dynamodb, stateTable),
          tableName: stateTable,
          model,
          // A plant run faster than the wall clock (the emulator) has its events ahead of it: "now" is
          // then the latest event, as the forecast takes it there.
          clock: (orders) => Math.max(Date.now(), latestOrderEvent(orders)),
        }),
        port,
        host,
        token,
        logger: {
          error: (message, details) => {
            const error = details.error as Error | undefined;
            io.err(`twin dashboard: ${message}${error ? `: ${error.name}: ${error.message}` : ''}\n`);
          },
        },
      });
    } catch (error) {
      documents.destroy();
      dynamodb.destroy();
      if (error instanceof PortInUseError) {
        throw new CliError(`port ${error.port} is in use: stop what uses it, or choose another with --port`);
      }
      if (error instanceof PageBuildError) throw new CliError(error.message, 1);
      throw error;
    }
    const address = token === undefined ? server.url : `${server.url}?token=${encodeURIComponent(token)}`;
    if (token === undefined && !isLoopback(values.host!)) {
      io.err(
        `twin dashboard: listening on ${values.host} without DASHBOARD_TOKEN: whoever reaches this port can read the forecast\n`,
      );
    }
    io.out(`Dashboard: ${address}`);
    io.out(
      `Forecasts from table "${table}" on ${endpoint ?? 'AWS'}${token === undefined ? '' : ' (token required)'}. Ctrl+C stops it.`,
    );
    await untilStopped();
    await server.close();
    documents.destroy();
    dynamodb.destroy();
    return 0;
  },
});
