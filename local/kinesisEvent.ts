// Kinesis records as Lambda's event source mapping delivers them: the `KinesisStreamEvent` shape,
// data in base64. The local pollers build events from the records as GetRecords sent them; the
// integration tests, from records read with the SDK.
import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { LOCAL_REGION } from './clients.ts';
import type { KinesisRecordAsSent } from './pollers/recordsAsSent.ts';

/** A Kinesis record, as GetRecords sent it, in the shape a Lambda function receives. */
export function toKinesisEventRecord(
  record: KinesisRecordAsSent,
  streamArn: string,
  shardId: string,
): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey,
      sequenceNumber: record.SequenceNumber,
      data: record.Data,
      approximateArrivalTimestamp: record.ApproximateArrivalTimestamp ?? 0,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${record.SequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/local',
    awsRegion: streamArn.split(':')[3] || LOCAL_REGION,
    eventSourceARN: streamArn,
  };
}

/** Wraps records read with the SDK's GetRecords into the event a Lambda function receives. */
export function toKinesisStreamEvent(
  records: readonly _Record[],
  streamArn: string,
  shardId: string,
): KinesisStreamEvent {
  return {
    Records: records.map((r) =>
      toKinesisEventRecord(
        {
          PartitionKey: r.PartitionKey!,
          SequenceNumber: r.SequenceNumber!,
          Data: Buffer.from(r.Data ?? new Uint8Array()).toString('base64'),
          ...(r.ApproximateArrivalTimestamp && {
            ApproximateArrivalTimestamp: r.ApproximateArrivalTimestamp.getTime() / 1000,
          }),
        },
        streamArn,
        shardId,
      ),
    ),
  };
}

/** Reads every record now in the stream (all shards, from the start). */
export async function readAllRecords(
  kinesis: KinesisClient,
  streamName: string,
): Promise<{ shardId: string; records: _Record[] }[]> {
  const shards = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const result: { shardId: string; records: _Record[] }[] = [];
  for (const shard of shards.Shards ?? []) {
    const shardId = shard.ShardId!;
    let iterator = (
      await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    const records: _Record[] = [];
    // Until an empty page at the tip of the shard (a page may be empty while behind, too).
    for (let pages = 0; iterator && pages < 10_000; pages++) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      records.push(...(page.Records ?? []));
      if ((page.Records ?? []).length === 0 && !page.MillisBehindLatest) break;
      iterator = page.NextShardIterator;
    }
    result.push({ shardId, records });
  }
  return result;
}
