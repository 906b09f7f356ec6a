// The twin's two local event-source mappings, Kinesis → ingest and the order-state table's stream →
// forecast, with the settings the CDK stack deploys and checkpoints in the data directory.
import { ForecastEventSource, IngestEventSource } from '../../contracts/resources.ts';
import type { PollerClients } from '../clients.ts';
import { Checkpoints } from '../pollers/Checkpoints.ts';
import { startDynamoDbStreamMapping, startKinesisMapping } from '../pollers/mappings.ts';
import type { MappingSettings } from '../pollers/ShardPoller.ts';
import type { Provisioned, ResourceNames } from '../provision.ts';
import type { TwinHandlers } from './handlers.ts';

/** A mapping's local settings from its shared definition (the CDK stack deploys the same). */
export function mappingSettings(
  source: typeof IngestEventSource | typeof ForecastEventSource,
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

/** Both mappings, running. */
export interface RunningPipeline {
  /** Records the ingest has taken off the stream: handled, or given up on and sent to the failure destination. */
  taken(): number;
  /** Stops polling; resolves once every poller has stopped. */
  stop(): Promise<void>;
}

/** Starts both mappings from their checkpoints in `checkpointsFile`. */
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
  log: (line: string) => void;
}): Promise<RunningPipeline> {
  const { clients, names, provisioned, handlers } = options;
  const checkpoints = await Checkpoints.open(options.checkpointsFile);
  const running = new AbortController();
  const common = {
    checkpoints,
    failures: handlers.failures,
    signal: running.signal,
    onError: (error: unknown) => options.log(`handler failed: ${(error as Error).message}`),
  };
  const kinesisMapping = startKinesisMapping({
    ...common,
    client: clients.kinesis,
    streamName: names.stream,
    streamArn: provisioned.streamArn,
    handler: handlers.ingest,
    settings: { ...mappingSettings(IngestEventSource), ...options.ingest },
  });
  const streamMapping = startDynamoDbStreamMapping({
    ...common,
    client: clients.dynamodbStreams,
    streamArn: provisioned.orderStateStreamArn,
    handler: handlers.forecast,
    settings: {
      ...mappingSettings(ForecastEventSource),
      ...(options.batchingWindowMs !== undefined && { batchingWindowMs: options.batchingWindowMs }),
    },
  });
  return {
    taken: () => kinesisMapping.stats.records + kinesisMapping.stats.exhausted,
    stop: async () => {
      running.abort();
      await Promise.all([kinesisMapping.done, streamMapping.done]);
    },
  };
}
