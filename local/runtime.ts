// The embedded twin behind `npm start`: the local AWS emulators (or a given endpoint), the stream
// and tables provisioned from the shared definition, the ingest and forecast handlers run by the
// local event-source mappings, the dashboard server and the plant emulator, in one process.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogLevel } from '@aws-lambda-powertools/logger/types';
import { type ForecastRecord, resourceNames } from '../contracts/index.ts';
import { ForecastEventSource, IngestEventSource } from '../contracts/resources.ts';
import { PortInUseError } from '../dashboard/errors.ts';
import { DynamoDbForecastSource } from '../dashboard/forecastSource.ts';
import { startDashboardServer } from '../dashboard/server.ts';
import { type EmulateResult, emulate } from '../emulator/emulate.ts';
import { KinesisPublisher } from '../emulator/publisher.ts';
import type { ScenarioName } from '../emulator/scenarios.ts';
import { DynamoDbForecastStore } from '../forecast/DynamoDbForecastStore.ts';
import type { ForecastStore, SaveOutcome } from '../forecast/ForecastStore.ts';
import { createForecastHandler, latestEventClock, wallClock } from '../forecast/forecastHandler.ts';
import { type FailureSink, FileFailureSink, type RejectedRecord } from '../ingest/FailureSink.ts';
import { createIngestHandler } from '../ingest/ingestHandler.ts';
import type { ModelDefinition } from '../sim-core/index.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { createClients, createPollerClients, destroyClients, type Endpoints } from './clients.ts';
import { type RunningEmulators, startEmulators } from './emulators.ts';
import { Checkpoints } from './pollers/Checkpoints.ts';
import { startDynamoDbStreamMapping, startKinesisMapping } from './pollers/mappings.ts';
import type { MappingSettings } from './pollers/ShardPoller.ts';
import { provision } from './provision.ts';
import {
  collidingTwin,
  listRunningTwins,
  registerTwin,
  runningTwinOf,
  twinLockFile,
} from './runningTwins.ts';

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
  /** The emulator's scenario, or none (events come from elsewhere). */
  scenario?: ScenarioName | 'none';
  speed?: number;
  seed?: number;
  duration?: number;
  rate?: number;
  /** The forecast mapping's batching window (ms). */
  batchingWindowMs?: number;
  /** Settings of the Kinesis → ingest mapping. */
  ingest?: Partial<MappingSettings>;
  /** The forecast's model (default: the demo plant, sim-core/models/order-flow.json). */
  model?: ModelDefinition;
  /** A Monte Carlo forecast of this many draws on every batch of changes (default: deterministic only). */
  replications?: number;
  logLevel?: LogLevel;
  /** Where the handlers' and the runtime's log lines go (default: stderr). */
  log?: (line: string) => void;
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
  failures: number;
  eventsPublished: number;
  publishRetries: number;
}

export interface RunningTwin {
  dashboardUrl: string;
  dataDir: string;
  endpoints: Endpoints;
  status(): TwinStatus;
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

/** A mapping's local settings from its shared definition (the CDK stack deploys the same). */
function mappingSettings(source: typeof IngestEventSource | typeof ForecastEventSource): MappingSettings {
  return {
    batchSize: source.batchSize,
    batchingWindowMs: source.batchingWindowSeconds * 1_000,
    maxRetries: source.retryAttempts,
    bisectOnError: source.bisectBatchOnError,
    maxRecordAgeMs: source.maxRecordAgeHours * 3_600_000,
    // Locally, a read every 100 ms while records flow keeps latency low. A shard that stays empty
    // is read less and less often, so that an idle twin leaves the machine alone: down to twice a
    // second for Kinesis (Lambda: about once a second; slower would make the first event after a
    // quiet spell wait up to that long) and to Lambda's pace for DynamoDB Streams (4 times a second).
    pollIntervalMs: 100,
    idlePollIntervalMs: source === IngestEventSource ? 500 : 250,
    maxBackoffMs: 5_000,
  };
}

/** Another twin runs with this data directory. */
export class TwinAlreadyRunningError extends Error {
  override name = 'TwinAlreadyRunningError';
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

/** Starts the whole twin; resolves once it runs. */
export async function startTwin(options: TwinOptions = {}): Promise<RunningTwin> {
  const port = options.port ?? 8080;
  const other = collidingTwin(await listRunningTwins(), { dataDir: options.dataDir, port });
  if (other) {
    throw new TwinAlreadyRunningError(
      options.dataDir !== undefined && resolve(other.dataDir) === resolve(options.dataDir)
        ? `a twin already runs with ${options.dataDir} (process ${other.pid}): its dashboard is ${other.dashboardUrl}`
        : `a twin already runs on port ${port} (process ${other.pid}, data in ${other.dataDir}): its dashboard is ${other.dashboardUrl}`,
    );
  }
  await assertPortFree(port);
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'order-flow-twin-')));
  await mkdir(dataDir, { recursive: true });
  const lockFile = twinLockFile(dataDir);
  // A twin registered elsewhere (another temporary directory) still leaves its lock here.
  const locked = await runningTwinOf(dataDir);
  if (locked && locked.pid !== process.pid) {
    throw new TwinAlreadyRunningError(
      `a twin already runs with ${dataDir} (process ${locked.pid}): its dashboard is ${locked.dashboardUrl}`,
    );
  }

  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await Promise.resolve(step()).catch(() => undefined);
  };
  try {
    let emulators: RunningEmulators | undefined;
    let endpoints = options.endpoints;
    if (endpoints === undefined) {
      log('starting kinesalite and DynamoDB Local ...');
      // Only a given data directory keeps the emulators' data on disk: in memory, DynamoDB Local
      // writes several times faster.
      emulators = await startEmulators({
        kinesis: 'kinesalite',
        ...(options.dataDir !== undefined && { dataDir: join(dataDir, 'emulators') }),
      });
      cleanups.push(() => emulators!.stop());
      endpoints = emulators.endpoints;
    }
    const clients = createClients(endpoints);
    cleanups.push(() => destroyClients(clients));
    const pollerClients = createPollerClients(endpoints);
    cleanups.push(() => destroyClients(pollerClients));
    const names = resourceNames();
    // On AWS the CDK stack owns the stream and tables: use them, never create them.
    const onAws = endpoints.kinesis === undefined && endpoints.dynamodb === undefined;
    const provisioned = await provision(clients, names, { create: !onAws });

    const logger = new Logger({ serviceName: 'twin', logLevel: options.logLevel ?? 'WARN' });
    const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
    const failureFile = join(dataDir, 'failures.jsonl');
    const status: TwinStatus = {
      eventsIn: 0,
      changesIn: 0,
      forecastsWritten: 0,
      failures: 0,
      eventsPublished: 0,
      publishRetries: 0,
    };
    const failures: FailureSink = {
      send: async (record: RejectedRecord) => {
        status.failures++;
        await new FileFailureSink(failureFile).send(record);
      },
    };
    const forecastStore = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
    const forecasts: ForecastStore = {
      save: async (record: ForecastRecord): Promise<SaveOutcome> => {
        const outcome = await forecastStore.save(record);
        if (outcome === 'saved') {
          status.forecastsWritten++;
          status.lastForecast = {
            asOf: record.asOf,
            generatedAt: record.generatedAt,
            activeOrders: record.orders.length,
            ordersLate: record.kpis.ordersLate,
            ...(record.kpis.ordersAtRisk !== undefined && { ordersAtRisk: record.kpis.ordersAtRisk }),
          };
        }
        return outcome;
      },
      latest: () => forecastStore.latest(),
    };
    const speed = options.speed ?? 60;
    const ingest = createIngestHandler({ store: states, failures, logger });
    const forecastHandler = createForecastHandler({
      states,
      forecasts,
      logger,
      ...(options.model && { model: options.model }),
      ...(options.replications !== undefined && { replications: options.replications }),
      // At any speed but real time, the plant's clock runs ahead of the wall clock: "now" is the latest event.
      clock: speed === 1 ? wallClock : latestEventClock,
    });

    const checkpoints = await Checkpoints.open(join(dataDir, 'checkpoints.json'));
    const pipeline = new AbortController();
    const common = {
      checkpoints,
      failures,
      signal: pipeline.signal,
      onError: (error: unknown) => log(`handler failed: ${(error as Error).message}`),
    };
    const kinesisMapping = startKinesisMapping({
      ...common,
      client: pollerClients.kinesis,
      streamName: names.stream,
      streamArn: provisioned.streamArn,
      handler: async (event) => {
        const response = await ingest(event);
        status.eventsIn += event.Records.length - response.batchItemFailures.length;
        return response;
      },
      settings: { ...mappingSettings(IngestEventSource), ...options.ingest },
    });
    const streamMapping = startDynamoDbStreamMapping({
      ...common,
      client: pollerClients.dynamodbStreams,
      streamArn: provisioned.orderStateStreamArn,
      handler: async (event) => {
        status.changesIn += event.Records.length;
        return forecastHandler(event);
      },
      settings: {
        ...mappingSettings(ForecastEventSource),
        ...(options.batchingWindowMs !== undefined && { batchingWindowMs: options.batchingWindowMs }),
      },
    });
    cleanups.push(async () => {
      pipeline.abort();
      await Promise.all([kinesisMapping.done, streamMapping.done]);
    });

    const dashboard = await startDashboardServer({
      forecasts: new DynamoDbForecastSource(clients.documentClient, names.forecastsTable),
      port,
    });
    cleanups.push(() => dashboard.close());

    await writeFile(
      lockFile,
      JSON.stringify({ pid: process.pid, dashboardUrl: dashboard.url, endpoints, dataDir }, null, 2),
    );
    cleanups.push(() => rm(lockFile, { force: true }));
    const unregister = await registerTwin({ dashboardUrl: dashboard.url, port, dataDir, endpoints });
    cleanups.push(unregister);

    const emulatorStop = new AbortController();
    let emulatorDone: Promise<EmulateResult | undefined> = Promise.resolve(undefined);
    let publisher: KinesisPublisher | undefined;
    if ((options.scenario ?? 'demo') !== 'none') {
      publisher = new KinesisPublisher(clients.kinesis, names.stream);
      emulatorDone = emulate({
        scenario: (options.scenario ?? 'demo') as ScenarioName,
        publisher,
        speed,
        seed: options.seed ?? 1,
        duration: options.duration ?? 8 * 3_600_000,
        rate: options.rate ?? 100,
        signal: emulatorStop.signal,
      }).catch((error: Error) => {
        log(`emulator stopped: ${error.message}`);
        return undefined;
      });
    }
    const scenarioOver = emulatorDone.then((result) => (emulatorStop.signal.aborted ? undefined : result));
    const stopEmulator = async () => {
      emulatorStop.abort();
      await emulatorDone;
    };
    /**
     * Once the emulator has stopped, gives the ingest a moment (at most `ms`) to take in what it
     * published, so that a stop leaves nothing of this run's events unread in the stream.
     */
    const drainPublished = async (ms: number) => {
      const until = Date.now() + ms;
      const taken = () => kinesisMapping.stats.records + kinesisMapping.stats.exhausted;
      while (publisher && taken() < publisher.stats.sent && Date.now() < until) await delay(50);
    };
    let stopping: Promise<void> | undefined;
    return {
      dashboardUrl: dashboard.url,
      dataDir,
      endpoints,
      // What was published is read live: the publisher sends in the background.
      status: () => ({
        ...status,
        eventsPublished: publisher?.stats.sent ?? 0,
        publishRetries: publisher?.stats.retries ?? 0,
      }),
      stopEmulator,
      scenarioOver,
      stop: () => {
        stopping ??= stopEmulator()
          .then(() => drainPublished(5_000))
          .then(cleanup);
        return stopping;
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
