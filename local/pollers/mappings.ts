// The local event-source mappings: Kinesis → ingest and DynamoDB stream → forecast (and observer), run in process
// with Lambda's semantics (see ShardPoller.ts), checkpoints persisted, exhausted records sent to
// the failure destination.
import { setTimeout as delay } from 'node:timers/promises';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type {
  DynamoDBBatchResponse,
  DynamoDBStreamEvent,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
} from 'aws-lambda';
import type { FailureSink, RejectedRecord } from '../../ingest/FailureSink.ts';
import { recordData } from '../../ingest/failureMessages.ts';
import type { Checkpoints } from './Checkpoints.ts';
import {
  DynamoDbStreamShardReader,
  dynamoDbStreamShards,
  KinesisShardReader,
  kinesisShards,
} from './readers.ts';
import { type MappingSettings, pollShard, type ShardPollerHooks, type ShardReader } from './ShardPoller.ts';

/** What a mapping has done so far. */
export interface MappingStats {
  batches: number;
  /** Records done with (checkpointed): handled, or given up on. A retried record counts once. */
  records: number;
  failedInvocations: number;
  exhausted: number;
}

export interface RunningMapping {
  stats: MappingStats;
  /** Resolves when every shard poller has stopped (after the signal aborts, or the shards closed). */
  done: Promise<void>;
}

interface Common {
  settings: MappingSettings;
  checkpoints: Checkpoints;
  failures: FailureSink;
  signal: AbortSignal;
  /**
   * The mapping's name, when more than one reads a stream (the forecast's and the observer's on the
   * order-state stream): each keeps its own checkpoints. Unnamed: the checkpoints of the first.
   */
  name?: string;
  /** After a failed read or invocation: waits while the service it depends on is down (see ShardPollerHooks.outage). */
  outage?: (during: 'read' | 'invoke') => Promise<boolean>;
  onError?: (error: unknown) => void;
}

const freshStats = (): MappingStats => ({ batches: 0, records: 0, failedInvocations: 0, exhausted: 0 });

/**
 * What both mappings do around a shard: poll it from its checkpoint, invoke the handler with each
 * batch (the readers give records in Lambda's event shape), count, checkpoint, and send an
 * exhausted record to the failure destination.
 */
function pollMappedShard<R>(
  options: Common,
  stats: MappingStats,
  streamArn: string,
  reader: ShardReader<R> & { shardId: string },
  invoke: (records: R[]) => Promise<{ batchItemFailures?: { itemIdentifier: string }[] } | undefined>,
  describe: (record: R) => Pick<RejectedRecord, 'partitionKey' | 'data' | 'dataEncoding'>,
): Promise<void> {
  const key = `${options.name === undefined ? '' : `${options.name}@`}${streamArn}/${reader.shardId}`;
  const hooks: ShardPollerHooks<R> = {
    invoke: async (records) => {
      stats.batches++;
      const response = await invoke(records.map((r) => r.record));
      const failed = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      if (failed.length > 0) stats.failedInvocations++;
      return { failed };
    },
    checkpoint: async (sequenceNumber, records) => {
      await options.checkpoints.set(key, sequenceNumber);
      stats.records += records;
    },
    exhausted: async ({ record, sequenceNumber }, reason) => {
      stats.exhausted++;
      await options.failures.send({
        reason,
        sequenceNumber,
        ...describe(record),
        rejectedAt: new Date().toISOString(),
      });
    },
    ...(options.outage && { outage: options.outage }),
    onError: (error) => {
      stats.failedInvocations++;
      options.onError?.(error);
    },
  };
  return pollShard(reader, options.checkpoints.get(key), options.settings, hooks, options.signal);
}

/** Polls every shard of a Kinesis stream into `handler`. */
export function startKinesisMapping(
  options: Common & {
    client: KinesisClient;
    streamName: string;
    streamArn: string;
    handler: (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;
  },
): RunningMapping {
  const stats = freshStats();
  const done = (async () => {
    const shards = await kinesisShards(options.client, options.streamName);
    await Promise.all(
      shards.map((shardId) =>
        pollMappedShard(
          options,
          stats,
          options.streamArn,
          new KinesisShardReader(
            options.client,
            { name: options.streamName, arn: options.streamArn },
            shardId,
          ),
          (records) => options.handler({ Records: records }),
          // The record's bytes as they were: text when they are UTF-8, else base64 (never lossy).
          (record) => ({
            partitionKey: record.kinesis.partitionKey,
            ...recordData(Buffer.from(record.kinesis.data, 'base64')),
          }),
        ),
      ),
    );
  })();
  return { stats, done };
}

/** Polls every shard of a DynamoDB stream into `handler`, parents before children, finding new shards as they open. */
export function startDynamoDbStreamMapping(
  options: Common & {
    client: DynamoDBStreamsClient;
    streamArn: string;
    handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;
    /** How often to look for new shards (ms). */
    discoverEveryMs?: number;
  },
): RunningMapping {
  const stats = freshStats();
  const started = new Map<string, Promise<void>>();
  const poll = (shardId: string) =>
    pollMappedShard(
      options,
      stats,
      options.streamArn,
      new DynamoDbStreamShardReader(options.client, options.streamArn, shardId),
      (records) => options.handler({ Records: records }),
      (record) => ({
        partitionKey: JSON.stringify(record.dynamodb?.Keys ?? {}),
        data: JSON.stringify(record),
        dataEncoding: 'utf8',
      }),
    );
  const done = (async () => {
    while (!options.signal.aborted) {
      try {
        for (const { shardId, parent } of await dynamoDbStreamShards(options.client, options.streamArn)) {
          if (started.has(shardId)) continue;
          // A child shard starts once its parent has been read to its end.
          const after = parent !== undefined ? started.get(parent) : undefined;
          started.set(
            shardId,
            (after ?? Promise.resolve()).then(() => poll(shardId)),
          );
        }
      } catch (error) {
        // During an outage, look again as soon as the service is back.
        if (await options.outage?.('read')) continue;
        options.onError?.(error);
      }
      await delay(options.discoverEveryMs ?? 5_000, undefined, { signal: options.signal }).catch(
        () => undefined,
      );
    }
    await Promise.all(started.values());
  })();
  return { stats, done };
}
