// Shard readers for the local event-source mappings: a Kinesis shard, a DynamoDB stream shard. They
// read with the SDK's GetRecords and hand on each record in the shape Lambda's event carries it.
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException as ExpiredStreamIteratorException,
  GetRecordsCommand as GetStreamRecordsCommand,
  GetShardIteratorCommand as GetStreamShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import { toDynamoDbRecord } from '../dynamodbStreamEvent.ts';
import { toKinesisEventRecord } from '../kinesisEvent.ts';
import type { PolledRecord, ShardReader } from './ShardPoller.ts';

/** A page of a shard: its records, and the iterator that reads on after them (none once the shard has ended). */
interface Page<R> {
  records: PolledRecord<R>[];
  next: string | undefined;
}

/**
 * What both readers share: a shard iterator, moved on page by page; an iterator that expired
 * (after five minutes unused) is replaced by a new one after the last record read.
 */
abstract class IteratorShardReader<R> implements ShardReader<R> {
  private iterator: string | undefined;
  private last: string | undefined;

  /** A new iterator: at the start of the shard, or after `after`. */
  protected abstract iteratorAfter(after: string | undefined): Promise<string | undefined>;
  /** Up to `limit` records from `iterator` on. */
  protected abstract page(iterator: string, limit: number): Promise<Page<R>>;

  async open(after: string | undefined): Promise<void> {
    this.last = after;
    this.iterator = await this.iteratorAfter(after);
  }

  async read(limit: number): Promise<{ records: PolledRecord<R>[]; closed: boolean }> {
    if (this.iterator === undefined) return { records: [], closed: true };
    try {
      const { records, next } = await this.page(this.iterator, limit);
      this.iterator = next;
      if (records.length > 0) this.last = records[records.length - 1]!.sequenceNumber;
      return { records, closed: this.iterator === undefined };
    } catch (error) {
      if (error instanceof ExpiredIteratorException || error instanceof ExpiredStreamIteratorException) {
        await this.open(this.last);
        return { records: [], closed: false };
      }
      throw error;
    }
  }
}

/** Reads one Kinesis shard; its records as a Kinesis event carries them. */
export class KinesisShardReader extends IteratorShardReader<KinesisStreamRecord> {
  constructor(
    private readonly client: KinesisClient,
    private readonly stream: { name: string; arn: string },
    readonly shardId: string,
  ) {
    super();
  }

  protected async iteratorAfter(after: string | undefined): Promise<string | undefined> {
    const response = await this.client.send(
      new GetShardIteratorCommand({
        StreamName: this.stream.name,
        ShardId: this.shardId,
        ...(after === undefined
          ? { ShardIteratorType: 'TRIM_HORIZON' }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }),
      }),
    );
    return response.ShardIterator;
  }

  protected async page(iterator: string, limit: number): Promise<Page<KinesisStreamRecord>> {
    const page = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
    return {
      next: page.NextShardIterator,
      records: (page.Records ?? []).map((record) => ({
        sequenceNumber: record.SequenceNumber!,
        record: toKinesisEventRecord(record, this.stream.arn, this.shardId),
        ...(record.ApproximateArrivalTimestamp && {
          arrivedAt: record.ApproximateArrivalTimestamp.getTime(),
        }),
      })),
    };
  }
}

/** The shards of a Kinesis stream. */
export async function kinesisShards(client: KinesisClient, streamName: string): Promise<string[]> {
  const shards = await client.send(new ListShardsCommand({ StreamName: streamName }));
  return (shards.Shards ?? []).map((s) => s.ShardId!);
}

/** Reads one shard of a DynamoDB stream; its records as a DynamoDB stream event carries them. */
export class DynamoDbStreamShardReader extends IteratorShardReader<DynamoDBRecord> {
  constructor(
    private readonly client: DynamoDBStreamsClient,
    private readonly streamArn: string,
    readonly shardId: string,
  ) {
    super();
  }

  protected async iteratorAfter(after: string | undefined): Promise<string | undefined> {
    const response = await this.client.send(
      new GetStreamShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: this.shardId,
        ...(after === undefined
          ? { ShardIteratorType: 'TRIM_HORIZON' }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
      }),
    );
    return response.ShardIterator;
  }

  protected async page(iterator: string, limit: number): Promise<Page<DynamoDBRecord>> {
    // DynamoDB Streams returns at most 1,000 records per call.
    const page = await this.client.send(
      new GetStreamRecordsCommand({ ShardIterator: iterator, Limit: Math.min(limit, 1000) }),
    );
    return {
      next: page.NextShardIterator,
      records: (page.Records ?? []).map((record) => ({
        sequenceNumber: record.dynamodb!.SequenceNumber!,
        record: toDynamoDbRecord(record, this.streamArn),
        ...(record.dynamodb?.ApproximateCreationDateTime && {
          arrivedAt: record.dynamodb.ApproximateCreationDateTime.getTime(),
        }),
      })),
    };
  }
}

/** The shards of a DynamoDB stream, parents before children. */
export async function dynamoDbStreamShards(
  client: DynamoDBStreamsClient,
  streamArn: string,
): Promise<{ shardId: string; parent?: string }[]> {
  const shards: { shardId: string; parent?: string }[] = [];
  let start: string | undefined;
  do {
    const page = await client.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
    );
    for (const s of page.StreamDescription?.Shards ?? []) {
      shards.push({ shardId: s.ShardId!, ...(s.ParentShardId && { parent: s.ParentShardId }) });
    }
    start = page.StreamDescription?.LastEvaluatedShardId;
  } while (start);
  return shards;
}
