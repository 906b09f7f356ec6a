// `twin start` (`npm start`): the whole twin on this machine, no Docker: emulators, pipeline,
// dashboard and the plant emulator, with a live status line until Ctrl-C.

import { MAX_EMULATED_PLANTS } from '../../contracts/plants.ts';
import { DashboardError, PortInUseError } from '../../dashboard/errors.ts';
import {
  checkScenario,
  defaultScenario,
  SCENARIOS,
  ScenarioError,
  type ScenarioName,
} from '../../emulator/scenarios.ts';
import { MAX_LAMBDA_REPLICATIONS } from '../../forecast/forecastHandler.ts';
import { EmulatorError } from '../../local/emulators/index.ts';
import { ProvisionError } from '../../local/provision.ts';
import { startTwin, TwinAlreadyRunningError, type TwinStatus } from '../../local/runtime.ts';
import { orderFlowModel } from '../../orderflow/index.ts';
import { defineCommand, seedOption, shownLimit } from '../command.ts';
import { isConnectionError } from '../connectionError.ts';
import { endpointFromEnv, endpointOption } from '../endpointOption.ts';
import { CliError } from '../errors.ts';
import { loadForecastModel } from '../files.ts';
import { duration as formatDuration } from '../format.ts';
import {
  dataDirOption,
  durationOption,
  MAX_DURATION,
  MIN_SPEED,
  plantsOption,
  portOption,
  rangedNumberOption,
} from '../optionChecks.ts';

/** The live status line: what flowed, the latest forecast, the alerts raised, and a service that does not answer or lost its data. */
export function statusLine(s: TwinStatus, now = Date.now()): string {
  const latest = s.lastForecast;
  // Of many plants, the sums over each plant's latest forecast; of one, its latest forecast's.
  const counts = s.plants ?? latest;
  const last =
    latest && counts
      ? `${s.plants ? `${s.plants.count} plants, ` : ''}last ${formatDuration(now - latest.generatedAt)} ago, ${counts.activeOrders} active, ${counts.ordersLate} late` +
        (counts.ordersAtRisk === undefined ? '' : `, ${counts.ordersAtRisk} at risk`)
      : 'none yet';
  const services = (['kinesis', 'dynamodb'] as const)
    .map((service) => {
      const { state, since } = s.services[service];
      const title = service === 'kinesis' ? 'Kinesis' : 'DynamoDB';
      if (state === 'unreachable')
        return ` · ${title} unreachable for ${formatDuration(now - since)}, retrying`;
      if (state === 'gone')
        return ` · ${title} lost the twin's ${service === 'kinesis' ? 'event stream' : 'order state'}: restart the twin`;
      return '';
    })
    .join('');
  const alerts = s.alerts
    ? ` · alerts ${s.alerts}${s.lastAlert ? ` (latest: ${s.lastAlert.plantId ? `${s.lastAlert.plantId}: ` : ''}${s.lastAlert.text})` : ''}`
    : '';
  return `events published ${s.eventsPublished} · in ${s.eventsIn} · forecasts ${s.forecastsWritten} (${last}) · failures ${s.failures}${alerts}${services}`;
}

export const startCommand = defineCommand({
  name: 'start',
  summary:
    'Run the twin: local Kinesis and DynamoDB, the ingest and forecast pipeline, the dashboard and the plant emulator.',
  details: [
    'Starts kinesalite and DynamoDB Local (Java 17+) as child processes, unless an endpoint is given.',
    'Ctrl-C stops everything cleanly. With --data-dir the state, the stream and the checkpoints survive a restart.',
    'The model file (--model) is the plant: the forecast runs it, and so does the plant emulator.',
    'Example: npm start -- --scenario steady --speed 120 --data-dir .twin',
    'Example: npm start -- --model examples/models/flow-shop.json',
    'Example: npm start -- --scenario breakdowns (stations that fail and are repaired, a maintenance planned ahead)',
    'Example: npm start -- --model examples/order-flow-uncertain.json --replications 200',
  ].join('\n'),
  options: {
    'data-dir': {
      type: 'string',
      value: 'DIR',
      description: 'keep state across restarts in this directory (default: a temporary folder)',
    },
    endpoint: {
      type: 'string',
      value: 'URL',
      description:
        'use a running LocalStack (or AWS) at this http(s) URL instead of starting emulators (default: AWS_ENDPOINT_URL)',
    },
    aws: {
      type: 'boolean',
      description:
        'use the stream and tables in AWS (default credentials and region; deploy the stack first)',
    },
    'kinesis-endpoint': {
      type: 'string',
      value: 'URL',
      description: 'Kinesis endpoint, an http(s) URL, when it differs from --endpoint',
    },
    'dynamodb-endpoint': {
      type: 'string',
      value: 'URL',
      description: 'DynamoDB endpoint, an http(s) URL, when it differs from --endpoint',
    },
    port: {
      type: 'string',
      value: 'N',
      description: 'dashboard port, 0 to 65535 (0: any free port)',
      default: '8080',
    },
    scenario: {
      type: 'string',
      value: 'S',
      description: `plant emulator scenario: ${SCENARIOS.join(', ')} or none (default: demo on the demo plant, else steady)`,
    },
    speed: {
      type: 'string',
      value: 'X',
      description: `plant time per wall-clock time, at least ${MIN_SPEED}`,
      default: '60',
    },
    seed: { type: 'string', value: 'N', description: 'seed of the scenario: any integer', default: '1' },
    duration: {
      type: 'string',
      value: 'D',
      description: `how long orders keep arriving, in plant time (90s, 45m, 8h; at most ${MAX_DURATION})`,
      default: '8h',
    },
    plants: {
      type: 'string',
      value: 'N',
      description: `plants the emulator runs side by side, plant-01 … (1 to ${MAX_EMULATED_PLANTS}); the dashboard shows each, and all at a glance`,
      default: '1',
    },
    model: {
      type: 'string',
      value: 'FILE',
      description:
        "the plant's model file, for the forecast and the plant emulator (default: the demo plant, orderflow/models/order-flow.json)",
    },
    replications: {
      type: 'string',
      value: 'N',
      description: `Monte Carlo forecasts of N draws, 1 to ${shownLimit(MAX_LAMBDA_REPLICATIONS)}, as on AWS: each order gets the spread of its end and its chance to be on time`,
    },
    'log-level': {
      type: 'string',
      value: 'LEVEL',
      description: "handlers' log level: DEBUG, INFO, WARN, ERROR",
      default: 'WARN',
    },
  },
  async run(values, io) {
    const asked = values.scenario as ScenarioName | 'none' | undefined;
    if (asked !== undefined && asked !== 'none' && !SCENARIOS.includes(asked)) {
      throw new CliError(
        `--scenario must be one of ${SCENARIOS.join(', ')} or none, got "${values.scenario}"`,
      );
    }
    const duration = durationOption('duration', values.duration)!;
    if (
      values.aws &&
      [values.endpoint, values['kinesis-endpoint'], values['dynamodb-endpoint']].some((e) => e !== undefined)
    )
      throw new CliError('give either --aws or an endpoint, not both');
    const given = {
      kinesis: endpointOption('kinesis-endpoint', values['kinesis-endpoint']),
      dynamodb: endpointOption('dynamodb-endpoint', values['dynamodb-endpoint']),
    };
    // AWS_ENDPOINT_URL is read (and checked) only where it would be used.
    const endpoint =
      endpointOption('endpoint', values.endpoint) ??
      (values.aws || (given.kinesis && given.dynamodb) ? undefined : endpointFromEnv('AWS_ENDPOINT_URL'));
    const kinesis = given.kinesis ?? endpoint;
    const dynamodb = given.dynamodb ?? endpoint;
    if ((kinesis === undefined) !== (dynamodb === undefined)) {
      throw new CliError('give both --kinesis-endpoint and --dynamodb-endpoint (or --endpoint for both)');
    }
    const level = values['log-level']!.toUpperCase();
    if (!['DEBUG', 'INFO', 'WARN', 'ERROR'].includes(level))
      throw new CliError(`--log-level must be DEBUG, INFO, WARN or ERROR, got "${values['log-level']}"`);
    const port = portOption('port', values.port!);
    const speed = rangedNumberOption('speed', values.speed, { min: MIN_SPEED })!;
    const seed = seedOption('seed', values.seed!);
    const plants = plantsOption(values.plants)!;
    // The live forecast runs the Lambda's handler, which takes as many draws as a deploy may ask for.
    const replications = rangedNumberOption('replications', values.replications, {
      min: 1,
      max: MAX_LAMBDA_REPLICATIONS,
      whole: true,
    });
    const dataDir = dataDirOption('data-dir', values['data-dir']);
    const model = values.model === undefined ? undefined : await loadForecastModel(values.model);
    const scenario = asked ?? defaultScenario(model ?? orderFlowModel);
    if (scenario !== 'none') {
      try {
        checkScenario(scenario, model ?? orderFlowModel);
      } catch (error) {
        if (error instanceof ScenarioError) throw new CliError(error.message);
        throw error;
      }
    }

    // The embedded emulators' "starting ..." line comes from startTwin, once it knows no other twin runs.
    if (values.aws) io.err('using Kinesis and DynamoDB in AWS (default credentials and region)\n');
    else if (kinesis) io.err(`using Kinesis at ${kinesis} and DynamoDB at ${dynamodb}\n`);
    let twin: Awaited<ReturnType<typeof startTwin>>;
    try {
      twin = await startTwin({
        ...(dataDir !== undefined && { dataDir }),
        ...(kinesis && dynamodb && { endpoints: { kinesis, dynamodb } }),
        ...(values.aws && { endpoints: {} }),
        port,
        scenario,
        speed,
        seed,
        duration,
        plants,
        logLevel: level as 'WARN',
        ...(model && { model }),
        ...(replications !== undefined && { replications }),
        log: (line) => io.err(`${io.interactive ? '\r\x1b[K' : ''}${line}\n`),
      });
    } catch (error) {
      if (error instanceof PortInUseError) {
        throw new CliError(
          `port ${error.port} is busy: another program listens there; start with --port N (0: any free port)`,
        );
      }
      if (
        error instanceof TwinAlreadyRunningError ||
        error instanceof EmulatorError ||
        error instanceof DashboardError ||
        error instanceof ProvisionError
      )
        throw new CliError(error.message);
      const e = error as Error & { code?: string };
      const where = values.aws ? 'AWS' : `${kinesis} / ${dynamodb}`;
      if (isConnectionError(e))
        throw new CliError(
          `cannot reach Kinesis or DynamoDB at ${where} (${e.code ?? e.name}): is it running?`,
        );
      if (e.name === 'CredentialsProviderError' || e.name === 'UnrecognizedClientException')
        throw new CliError(`AWS refused the credentials (${e.name}: ${e.message.split('\n')[0]})`);
      throw error;
    }

    io.out(`The twin is running. Dashboard: ${twin.dashboardUrl}`);
    io.out(
      `Data: ${twin.dataDir} (failures.jsonl holds records that could not be applied, alerts.jsonl the alerts). Ctrl-C stops.`,
    );
    // A scenario that runs out leaves an empty plant on the dashboard: say so, and what keeps it busy.
    void twin.scenarioOver.then((over) => {
      if (!over) return;
      const more =
        scenario === 'demo'
          ? 'for a plant that keeps going: npm start -- --scenario steady'
          : 'Ctrl-C stops it';
      io.err(
        `${io.interactive ? '\r\x1b[K' : ''}the ${scenario} scenario is over: ${over.events} events, ${formatDuration(over.end - over.start)} of plant time. The twin keeps running; ${more}.\n` +
          'How good its forecasts were: npx twin accuracy\n',
      );
    });
    let lastPrinted = 0;
    const timer = setInterval(() => {
      const s = twin.status();
      if (io.interactive) io.err(`\r\x1b[K${statusLine(s)}`);
      else if (Date.now() - lastPrinted > 10_000) {
        io.err(`${statusLine(s)}\n`);
        lastPrinted = Date.now();
      }
    }, 1_000);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    clearInterval(timer);
    io.err(`${io.interactive ? '\r\x1b[K' : ''}stopping ... (Ctrl-C again stops at once)\n`);
    await twin.stop();
    io.err(`stopped: ${statusLine(twin.status())}\n`);
    return 0;
  },
});
