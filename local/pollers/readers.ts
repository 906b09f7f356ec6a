// Shard readers for the local event-source mappings: a Kinesis shard, a DynamoDB stream shard.
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand as GetStreamRecordsCommand,
  GetShardIteratorCommand as GetStreamShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import type { PolledRecord, ShardReader } from './ShardPoller.ts';

/** Reads one Kinesis shard. */
export class KinesisShardReader implements ShardReader<_Record> {
  private iterator: string | undefined;
  private last: string | undefined;

  constructor(
    private readonly client: KinesisClient,
    private readonly streamName: string,
    readonly shardId: string,
  ) {}

  async open(after: string | undefined): Promise<void> {
    this.last = after;
    const response = await this.client.send(
      new GetShardIteratorCommand({
        StreamName: this.streamName,
        ShardId: this.shardId,
        ...(after === undefined
          ? { ShardIteratorType: 'TRIM_HORIZON' }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }),
      }),
    );
    this.iterator = response.ShardIterator;
  }

  async read(limit: number): Promise<{ records: PolledRecord<_Record>[]; closed: boolean }> {
    if (this.iterator === undefined) return { records: [], closed: true };
    try {
      const page = await this.client.send(
        new GetRecordsCommand({ ShardIterator: this.iterator, Limit: limit }),
      );
      this.iterator = page.NextShardIterator;
      const records = (page.Records ?? []).map((record) => ({
        sequenceNumber: record.SequenceNumber!,
        record,
        ...(record.ApproximateArrivalTimestamp && {
          arrivedAt: record.ApproximateArrivalTimestamp.getTime(),
        }),
      }));
      if (records.length > 0) this.last = records[records.length - 1]!.sequenceNumber;
      return { records, closed: this.iterator === undefined };
    } catch (error) {
      // An iterator expires after five minutes unused: open a new one where this one stood.
      if ((error as Error).name === 'ExpiredIteratorException') {
        await this.open(this.last);
        return { records: [], closed: false };
      }
      throw error;
    }
  }
}

/** The shards of a Kinesis stream. */
export async function kinesisShards(client: KinesisClient, streamName: string): Promise<string[]> {
  const shards = await client.send(new ListShardsCommand({ StreamName: streamName }));
  return (shards.Shards ?? []).map((s) => s.ShardId!);
}

/** Reads one shard of a DynamoDB stream. */
export class DynamoDbStreamShardReader implements ShardReader<StreamRecord> {
  private iterator: string | undefined;
  private last: string | undefined;

  constructor(
    private readonly client: DynamoDBStreamsClient,
    private readonly streamArn: string,
    readonly shardId: string,
  ) {}

  async open(after: string | undefined): Promise<void> {
    this.last = after;
    const response = await this.client.send(
      new GetStreamShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: this.shardId,
        ...(after === undefined
          ? { ShardIteratorType: 'TRIM_HORIZON' }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
      }),
    );
    this.iterator = response.ShardIterator;
  }

  async read(limit: number): Promise<{ records: PolledRecord<StreamRecord>[]; closed: boolean }> {
    if (this.iterator === undefined) return { records: [], closed: true };
    try {
      const page = await this.client.send(
        new GetStreamRecordsCommand({ ShardIterator: this.iterator, Limit: Math.min(limit, 1000) }),
      );
      this.iterator = page.NextShardIterator;
      const records = (page.Records ?? []).map((record) => ({
        sequenceNumber: record.dynamodb!.SequenceNumber!,
        record,
        ...(record.dynamodb?.ApproximateCreationDateTime && {
          arrivedAt: record.dynamodb.ApproximateCreationDateTime.getTime(),
        }),
      }));
      if (records.length > 0) this.last = records[records.length - 1]!.sequenceNumber;
      return { records, closed: this.iterator === undefined };
    } catch (error) {
      if ((error as Error).name === 'ExpiredIteratorException') {
        await this.open(this.last);
        return { records: [], closed: false };
      }
      throw error;
    }
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
