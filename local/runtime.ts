// The embedded twin behind `npm start`: the local AWS emulators (or a given endpoint), the stream
// and tables provisioned from the shared definition, the ingest and forecast handlers run by the
// local event-source mappings, the dashboard server and the plant emulator, in one process.
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import type { Alert } from '../contracts/alerts.ts';
import { resourceNames } from '../contracts/index.ts';
import { DynamoDbAlertSource } from '../dashboard/alertSource.ts';
import { PortInUseError } from '../dashboard/errors.ts';
import { DynamoDbForecastSource } from '../dashboard/forecastSource.ts';
import { DynamoDbHistorySource } from '../dashboard/historySource.ts';
import { startDashboardServer } from '../dashboard/server.ts';
import type { EmulateResult } from '../emulator/emulate.ts';
import { checkScenario, defaultScenario, type ScenarioName } from '../emulator/scenarios.ts';
import { createLiveWhatIf, latestOrderEvent } from '../lambdas/dashboardWhatIf.ts';
import { orderFlowModel, type PlantModel } from '../orderflow/index.ts';
import type { Seed } from '../sim-core/index.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import {
  type AwsClients,
  createClients,
  createPollerClients,
  destroyClients,
  type Endpoints,
  type PollerClients,
} from './clients.ts';
import { type EmulatorName, type RunningEmulators, startEmulators } from './emulators/index.ts';
import type { ServiceStatus } from './pollers/ServiceWatch.ts';
import type { MappingSettings } from './pollers/ShardPoller.ts';
import { provision } from './provision.ts';
import { claimTwin, type TwinClaim } from './runningTwins.ts';
import { createTwinHandlers } from './twin/handlers.ts';
import { type PipelineService, type RunningPipeline, startPipeline } from './twin/pipeline.ts';
import { type RunningPlant, startPlant } from './twin/plant.ts';
import { restartLine, serviceLines, serviceProbes } from './twin/services.ts';

export { TwinAlreadyRunningError } from './runningTwins.ts';

export interface TwinOptions {
  /**
   * Keeps state (DynamoDB Local on disk), stream (kinesalite on LevelDB), checkpoints and the
   * failure file across restarts. Without it: emulators in memory, the rest in a temporary folder.
   */
  dataDir?: string;
  /** Use these endpoints (LocalStack, or AWS when empty strings) instead of starting the emulators. */
  endpoints?: Endpoints;
  /** Dashboard port (0: any free port). */
  port?: number;
  /**
   * The emulator's scenario, or none (events come from elsewhere); default: demo on the demo plant,
   * else steady. One that does not fit the model is a ScenarioError before anything starts.
   */
  scenario?: ScenarioName | 'none';
  speed?: number;
  /** The scenario's seed: any integer (default 1). */
  seed?: Seed;
  duration?: number;
  rate?: number;
  /** Plants the emulator runs side by side (default 1; see `emulate`'s `plants`). */
  plants?: number;
  /** The forecast mapping's batching window (ms). */
  batchingWindowMs?: number;
  /** Settings of the Kinesis → ingest mapping. */
  ingest?: Partial<MappingSettings>;
  /** The plant: the forecast's model and the emulator's (default: the demo plant, orderflow/models/order-flow.json). */
  model?: PlantModel;
  /** A Monte Carlo forecast of this many draws on every batch of changes (default: deterministic only). */
  replications?: number;
  /**
   * Wall time (ms) for the twin's recommendations after a forecast with orders late or at risk
   * (default 500; 0: none).
   */
  recommendBudgetMs?: number;
  logLevel?: LogLevel;
  /** Where the handlers' and the runtime's log lines go (default: stderr). */
  log?: (line: string) => void;
  /**
   * Builds the SDK clients the twin uses, once its endpoints are known (default: `createClients` for
   * the handlers, the dashboard and the plant emulator, `createPollerClients` for the pollers): to
   * add middleware of one's own, say. The twin destroys them when it stops.
   */
  clients?: (endpoints: Endpoints) => { handlers: AwsClients; pollers: PollerClients };
}

/** The plants forecast, and the sums of their latest forecasts' counts (at risk: of those that have it). */
export interface PlantTotals {
  count: number;
  activeOrders: number;
  ordersLate: number;
  ordersAtRisk?: number;
}

export interface TwinStatus {
  eventsIn: number;
  /** Order-state changes the forecast's mapping read from the table's stream and handed over (a retried batch counts again). */
  changesIn: number;
  forecastsWritten: number;
  lastForecast?: {
    asOf: number;
    generatedAt: number;
    activeOrders: number;
    ordersLate: number;
    /** Monte Carlo forecasts only. */
    ordersAtRisk?: number;
  };
  /**
   * With forecasts of more than one plant: their number, and the sums over each plant's latest
   * forecast (the last forecast alone tells of one plant).
   */
  plants?: PlantTotals;
  failures: number;
  /** Alerts raised (lateness, drift, calibration), and the latest one. */
  alerts?: number;
  lastAlert?: {
    kind: Alert['kind'];
    text: string;
    asOf: number;
    raisedAt: number;
    /** Its plant, when not the default one. */
    plantId?: string;
  };
  eventsPublished: number;
  publishRetries: number;
  /** Kinesis and DynamoDB as the pipeline last found them: answering, unreachable, or without the twin's stream or tables. */
  services: Record<PipelineService, ServiceStatus>;
}

/** One emulator the twin runs, as it is now (a restarted one has a new process on the same port). */
export interface EmulatorProcess {
  name: EmulatorName;
  port: number;
  pid: number;
}

export interface RunningTwin {
  dashboardUrl: string;
  dataDir: string;
  endpoints: Endpoints;
  status(): TwinStatus;
  /** The emulators the twin runs (none when it uses given endpoints). */
  emulators(): EmulatorProcess[];
  /**
   * Stops the emulator, then (once it has sent what it produced, and the ingest has read it, for at
   * most 5 s) everything else.
   */
  stop(): Promise<void>;
  /** Stops only the plant emulator (the pipeline keeps running). */
  stopEmulator(): Promise<void>;
  /**
   * Settles when the plant emulator's scenario has run out by itself (every event sent): its
   * events and plant time. Undefined when no scenario runs, when it was stopped or when it failed.
   */
  scenarioOver: Promise<EmulateResult | undefined>;
}

/** How long a stop waits for the ingest to take in what the plant emulator published. */
const DRAIN_MS = 5_000;

/**
 * Refuses a second twin on the same data directory or dashboard port, before anything starts; then makes
 * sure the data directory exists (a temporary one when none is given).
 */
async function claimDataDir(
  given: string | undefined,
  port: number,
): Promise<{ dataDir: string; claim: TwinClaim }> {
  const dataDir = given ?? (await mkdtemp(join(tmpdir(), 'order-flow-twin-')));
  let claim: TwinClaim | undefined;
  try {
    claim = await claimTwin({ dataDir, port });
    await assertPortFree(port);
    await mkdir(dataDir, { recursive: true });
    return { dataDir, claim };
  } catch (error) {
    await claim?.release();
    if (given === undefined) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * At stop, removes the temporary data folder of a twin started without one, unless the ingest gave
 * up on records: failures.jsonl is then their only copy, so the folder stays and the log says where.
 * (The emulators kept the state in memory: nothing else in it outlives the twin.)
 */
export async function releaseTemporaryDataDir(dataDir: string, log: (line: string) => void): Promise<void> {
  const failures = join(dataDir, 'failures.jsonl');
  const size = await stat(failures).then(
    (file) => file.size,
    () => 0,
  );
  if (size > 0) log(`kept ${failures}: records that could not be applied`);
  else await rm(dataDir, { recursive: true, force: true });
}

/** Fails at once, before any emulator starts, when something listens on the dashboard's port. */
async function assertPortFree(port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, { cause: error }) : error),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** The given endpoints, else kinesalite and DynamoDB Local started for this twin, and kept running. */
async function startOrReuseEmulators(
  options: TwinOptions,
  dataDir: string,
  log: (line: string) => void,
  exited: (service: PipelineService) => void,
): Promise<{ endpoints: Endpoints; emulators?: RunningEmulators }> {
  if (options.endpoints !== undefined) return { endpoints: options.endpoints };
  log('starting kinesalite and DynamoDB Local ...');
  // Only a given data directory keeps the emulators' data on disk: in memory, DynamoDB Local writes faster.
  const emulators = await startEmulators({
    kinesis: 'kinesalite',
    ...(options.dataDir !== undefined && { dataDir: join(dataDir, 'emulators') }),
    keepRunning: (event) => {
      if (event.kind === 'exited') exited(event.emulator === 'dynamodb-local' ? 'dynamodb' : 'kinesis');
      log(restartLine(event, options.dataDir === undefined));
    },
  });
  return { endpoints: emulators.endpoints, emulators };
}

/**
 * Once the plant emulator has stopped, gives the ingest a moment (at most `ms`) to take in what it
 * published, so that a stop leaves nothing of this run's events unread in the stream.
 */
async function drainPublished(plant: RunningPlant, pipeline: RunningPipeline, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (pipeline.taken() < plant.published().sent && Date.now() < until) await delay(50);
}

/** Undoes what started, in the reverse order; a step that fails does not keep the others from running. */
async function runInReverse(steps: (() => unknown)[]): Promise<void> {
  for (const step of steps.splice(0).reverse()) {
    await (async () => step())().catch(() => undefined);
  }
}

/** Starts the whole twin; resolves once it runs. */
export async function startTwin(options: TwinOptions = {}): Promise<RunningTwin> {
  const scenario = options.scenario ?? defaultScenario(options.model ?? orderFlowModel);
  if (scenario !== 'none') checkScenario(scenario, options.model ?? orderFlowModel);
  const port = options.port ?? 8080;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { dataDir, claim } = await claimDataDir(options.dataDir, port);
  const stopSteps: (() => unknown)[] = [
    ...(options.dataDir === undefined ? [() => releaseTemporaryDataDir(dataDir, log)] : []),
    () => claim.release(),
  ];
  try {
    // An emulator that exits is down for the pipeline at once (once the pipeline runs).
    let serviceDown = (_service: PipelineService) => {};
    const emulators = await startOrReuseEmulators(options, dataDir, log, (service) => serviceDown(service));
    const running = emulators.emulators;
    if (running) stopSteps.push(() => running.stop());
    const { endpoints } = emulators;
    const built = options.clients?.(endpoints);
    const clients = built?.handlers ?? createClients(endpoints);
    stopSteps.push(() => destroyClients(clients));
    const pollerClients = built?.pollers ?? createPollerClients(endpoints);
    stopSteps.push(() => destroyClients(pollerClients));

    const names = resourceNames();
    // On AWS the CDK stack owns the stream and tables: use them, never create them.
    const onAws = endpoints.kinesis === undefined && endpoints.dynamodb === undefined;
    const provisioned = await provision(clients, names, { create: !onAws });

    const speed = options.speed ?? 60;
    const handlers = createTwinHandlers({
      clients,
      names,
      failureFile: join(dataDir, 'failures.jsonl'),
      alertFile: join(dataDir, 'alerts.jsonl'),
      speed,
      model: options.model,
      replications: options.replications,
      recommendBudgetMs: options.recommendBudgetMs,
      logLevel: options.logLevel,
    });
    const pipeline = await startPipeline({
      clients: pollerClients,
      names,
      provisioned,
      handlers,
      checkpointsFile: join(dataDir, 'checkpoints.json'),
      ingest: options.ingest,
      batchingWindowMs: options.batchingWindowMs,
      probes: serviceProbes(clients, names),
      onServiceChange: (() => {
        const line = serviceLines({
          embedded: options.endpoints === undefined,
          inMemory: options.dataDir === undefined,
          endpoints,
          names,
        });
        return (service, status, previous) => log(line(service, status, previous));
      })(),
      log,
    });
    serviceDown = (service) => pipeline.serviceDown(service);
    stopSteps.push(() => pipeline.stop());

    const dashboard = await startDashboardServer({
      forecasts: new DynamoDbForecastSource(clients.documentClient, names.forecastsTable),
      history: new DynamoDbHistorySource(clients.documentClient, names.forecastsTable),
      alerts: new DynamoDbAlertSource(clients.documentClient, names.forecastsTable),
      port,
      // What-if on the live state, with the forecast's model and "now" (see createTwinHandlers).
      whatIf: createLiveWhatIf({
        states: new DynamoDbStateStore(clients.dynamodb, names.orderStateTable),
        tableName: names.orderStateTable,
        model: options.model ?? orderFlowModel,
        ...(speed !== 1 && { clock: latestOrderEvent }),
      }),
    });
    stopSteps.push(() => dashboard.close());
    await claim.announce({ dashboardUrl: dashboard.url, endpoints });

    const plant = startPlant({
      kinesis: clients.kinesis,
      stream: names.stream,
      model: options.model,
      scenario,
      speed,
      seed: options.seed ?? 1,
      duration: options.duration ?? 8 * 3_600_000,
      rate: options.rate ?? 100,
      plants: options.plants ?? 1,
      log,
    });
    let stopping: Promise<void> | undefined;
    return {
      dashboardUrl: dashboard.url,
      dataDir,
      endpoints,
      status: () => {
        const { sent, retries } = plant.published();
        return {
          ...handlers.counts,
          eventsIn: pipeline.ingested(),
          eventsPublished: sent,
          publishRetries: retries,
          services: pipeline.services(),
        };
      },
      emulators: () =>
        running
          ? [running.emulators.kinesis, running.emulators.dynamodb].map(({ name, port, pid }) => ({
              name,
              port,
              pid,
            }))
          : [],
      stopEmulator: () => plant.stop(),
      scenarioOver: plant.scenarioOver,
      stop: () => {
        stopping ??= plant
          .stop()
          .then(() => drainPublished(plant, pipeline, DRAIN_MS))
          .then(() => runInReverse(stopSteps));
        return stopping;
      },
    };
  } catch (error) {
    await runInReverse(stopSteps);
    throw error;
  }
}
