// DynamoDB stream records as Lambda's event source mapping delivers them (`DynamoDBStreamEvent`),
// read from a table's stream with the DynamoDB Streams client.
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_REGION } from './clients.ts';
import type { DynamoDbRecordAsSent } from './pollers/recordsAsSent.ts';

/** A stream record, as GetRecords sent it, in the shape a Lambda function receives. */
export function toDynamoDbEventRecord(record: DynamoDbRecordAsSent, streamArn: string): DynamoDBRecord {
  return {
    ...record,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? (streamArn.split(':')[3] || LOCAL_REGION),
    eventSourceARN: streamArn,
  };
}

/** A stream record read with the SDK's GetRecords, in the shape a Lambda function receives. */
export function toDynamoDbRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  return toDynamoDbEventRecord(
    {
      ...(record.eventID && { eventID: record.eventID }),
      ...(record.eventName && { eventName: record.eventName }),
      ...(record.eventVersion && { eventVersion: record.eventVersion }),
      ...(record.awsRegion && { awsRegion: record.awsRegion }),
      dynamodb: {
        ...(d.ApproximateCreationDateTime && {
          ApproximateCreationDateTime: d.ApproximateCreationDateTime.getTime() / 1000,
        }),
        Keys: d.Keys as never,
        ...(d.NewImage && { NewImage: d.NewImage as never }),
        ...(d.OldImage && { OldImage: d.OldImage as never }),
        ...(d.SequenceNumber && { SequenceNumber: d.SequenceNumber }),
        ...(d.SizeBytes !== undefined && { SizeBytes: d.SizeBytes }),
        ...(d.StreamViewType && { StreamViewType: d.StreamViewType }),
      },
    },
    streamArn,
  );
}

/** Wraps stream records into the event a Lambda function receives. */
export function toDynamoDbStreamEvent(records: readonly _Record[], streamArn: string): DynamoDBStreamEvent {
  return { Records: records.map((r) => toDynamoDbRecord(r, streamArn)) };
}

/** Reads the records now in a table's stream (every shard, from `from` on, default the start). */
export async function readStreamRecords(
  streams: DynamoDBStreamsClient,
  streamArn: string,
  from: ShardIteratorType = 'TRIM_HORIZON',
): Promise<_Record[]> {
  const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const records: _Record[] = [];
  for (const shard of description.StreamDescription?.Shards ?? []) {
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId!,
          ShardIteratorType: from,
        }),
      )
    ).ShardIterator;
    for (let pages = 0; iterator && pages < 10_000; pages++) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      records.push(...(page.Records ?? []));
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}
