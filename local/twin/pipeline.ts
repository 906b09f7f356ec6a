// The twin's local event-source mappings, Kinesis → ingest and the order-state table's stream →
// forecast and → observer (two mappings on one stream, as on AWS), with the settings the CDK stack
// deploys and checkpoints in the data directory.
import { ForecastEventSource, IngestEventSource, ObserverEventSource } from '../../contracts/resources.ts';
import type { PollerClients } from '../clients.ts';
import { Checkpoints } from '../pollers/Checkpoints.ts';
import { startDynamoDbStreamMapping, startKinesisMapping } from '../pollers/mappings.ts';
import { type ServiceState, type ServiceStatus, ServiceWatch } from '../pollers/ServiceWatch.ts';
import type { MappingSettings } from '../pollers/ShardPoller.ts';
import type { Provisioned, ResourceNames } from '../provision.ts';
import type { TwinHandlers } from './handlers.ts';

/** A mapping's local settings from its shared definition (the CDK stack deploys the same). */
export function mappingSettings(
  source: typeof IngestEventSource | typeof ForecastEventSource | typeof ObserverEventSource,
): MappingSettings {
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

/** The services the pipeline stands on. */
export type PipelineService = 'kinesis' | 'dynamodb';

/** The mappings, running. */
export interface RunningPipeline {
  /** Records the ingest has taken off the stream: handled, or given up on and sent to the failure destination. */
  taken(): number;
  /** Records the ingest has handled (applied, found already applied, or rejected itself), each counted once. */
  ingested(): number;
  /** How Kinesis and DynamoDB (with its streams) are, as the pipeline last found them. */
  services(): Record<PipelineService, ServiceStatus>;
  /** Tells the pipeline that a service is down (its emulator exited), before any call of its fails. */
  serviceDown(service: PipelineService): void;
  /** Stops polling; resolves once every poller has stopped. */
  stop(): Promise<void>;
}

/** Starts the mappings from their checkpoints in `checkpointsFile`. */
export async function startPipeline(options: {
  clients: PollerClients;
  names: ResourceNames;
  provisioned: Provisioned;
  handlers: TwinHandlers;
  checkpointsFile: string;
  /** Overrides of the Kinesis → ingest mapping's settings. */
  ingest?: Partial<MappingSettings> | undefined;
  /** The forecast mapping's batching window (ms). */
  batchingWindowMs?: number | undefined;
  /**
   * One cheap call per service, asked after a failure: does it answer, and are the twin's stream and
   * tables still there? (see ServiceWatch.ts). Without them, every failure counts as a retry.
   */
  probes?: Record<PipelineService, () => Promise<ServiceState>> | undefined;
  /** Hears when a service stops answering, answers again, or has lost the twin's resources. */
  onServiceChange?:
    | ((service: PipelineService, status: ServiceStatus, previous: ServiceStatus) => void)
    | undefined;
  log: (line: string) => void;
}): Promise<RunningPipeline> {
  const { clients, names, provisioned, handlers, probes } = options;
  const checkpoints = await Checkpoints.open(options.checkpointsFile);
  const running = new AbortController();
  const watch = (service: PipelineService) =>
    probes &&
    new ServiceWatch(service, probes[service], {
      signal: running.signal,
      onChange: (status, previous) => options.onServiceChange?.(service, status, previous),
    });
  const kinesis = watch('kinesis');
  const dynamodb = watch('dynamodb');
  const common = {
    checkpoints,
    failures: handlers.failures,
    signal: running.signal,
    onError: (error: unknown) => options.log(`handler failed: ${(error as Error).message}`),
  };
  /** Which service a mapping's reads and its handler's calls depend on. */
  const heldBy = (read: ServiceWatch | undefined, invoke: ServiceWatch | undefined) =>
    read && invoke && { outage: (during: 'read' | 'invoke') => (during === 'read' ? read : invoke).heldUp() };
  // The ingest reads Kinesis and writes DynamoDB; the forecast reads and writes DynamoDB.
  const kinesisMapping = startKinesisMapping({
    ...common,
    ...heldBy(kinesis, dynamodb),
    client: clients.kinesis,
    streamName: names.stream,
    streamArn: provisioned.streamArn,
    handler: handlers.ingest,
    settings: { ...mappingSettings(IngestEventSource), ...options.ingest },
  });
  const streamMapping = startDynamoDbStreamMapping({
    ...common,
    ...heldBy(dynamodb, dynamodb),
    client: clients.dynamodbStreams,
    streamArn: provisioned.orderStateStreamArn,
    handler: handlers.forecast,
    settings: {
      ...mappingSettings(ForecastEventSource),
      ...(options.batchingWindowMs !== undefined && { batchingWindowMs: options.batchingWindowMs }),
    },
  });
  // Its own checkpoints: it reads every change at its own pace, whatever the forecast does.
  const observerMapping = startDynamoDbStreamMapping({
    ...common,
    ...heldBy(dynamodb, dynamodb),
    name: 'observer',
    client: clients.dynamodbStreams,
    streamArn: provisioned.orderStateStreamArn,
    handler: handlers.observer,
    settings: mappingSettings(ObserverEventSource),
  });
  return {
    taken: () => kinesisMapping.stats.records,
    ingested: () => kinesisMapping.stats.records - kinesisMapping.stats.exhausted,
    serviceDown: (service) => (service === 'kinesis' ? kinesis : dynamodb)?.down(),
    services: () => {
      const up: ServiceStatus = { state: 'up', since: 0, outages: 0, probes: 0 };
      return { kinesis: kinesis?.status ?? up, dynamodb: dynamodb?.status ?? up };
    },
    stop: async () => {
      running.abort();
      await Promise.all([kinesisMapping.done, streamMapping.done, observerMapping.done]);
    },
  };
}
