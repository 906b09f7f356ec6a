// Kinesis records as Lambda's event source mapping delivers them (`KinesisStreamEvent`): data in
// base64, arrival time in epoch seconds. The local pollers and the integration tests build their
// events from records read with the SDK's GetRecords.
import {
  type _Record,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { LOCAL_REGION } from './clients.ts';

/** Bytes in base64, without copying them. */
const base64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** A Kinesis record read with the SDK's GetRecords, in the shape a Lambda function receives. */
export function toKinesisEventRecord(
  record: _Record,
  streamArn: string,
  shardId: string,
): KinesisStreamRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey!,
      sequenceNumber: record.SequenceNumber!,
      data: base64(record.Data ?? new Uint8Array()),
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
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
  return { Records: records.map((r) => toKinesisEventRecord(r, streamArn, shardId)) };
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
