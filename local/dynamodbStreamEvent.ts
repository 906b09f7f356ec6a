// DynamoDB stream records as Lambda's event source mapping delivers them (`DynamoDBStreamEvent`):
// attribute values as JSON (binary ones in base64), creation time in epoch seconds. The local pollers
// and the integration tests build their events from records read with the SDK's GetRecords.
import {
  type _Record,
  type AttributeValue,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent, AttributeValue as EventAttributeValue } from 'aws-lambda';
import { LOCAL_REGION } from './clients.ts';

/** Bytes in base64, without copying them. */
const base64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/**
 * An attribute value as the stream's JSON carries it. Only binary values differ from the SDK's
 * types (byte arrays there, base64 here), at any depth of a map or list; `@aws-sdk/util-dynamodb`
 * converts to and from plain JavaScript values, not to this JSON.
 */
function toEventValue(value: AttributeValue): EventAttributeValue {
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.M !== undefined) return { M: toEventImage(value.M) };
  if (value.L !== undefined) return { L: value.L.map(toEventValue) };
  return value as EventAttributeValue;
}

function toEventImage(image: Record<string, AttributeValue>): Record<string, EventAttributeValue> {
  const converted: Record<string, EventAttributeValue> = {};
  for (const [name, value] of Object.entries(image)) converted[name] = toEventValue(value);
  return converted;
}

/** A stream record read with the SDK's GetRecords, in the shape a Lambda function receives. */
export function toDynamoDbRecord(record: _Record, streamArn: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  return {
    ...(record.eventID && { eventID: record.eventID }),
    ...(record.eventName && { eventName: record.eventName }),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? (streamArn.split(':')[3] || LOCAL_REGION),
    dynamodb: {
      ...(d.ApproximateCreationDateTime && {
        ApproximateCreationDateTime: d.ApproximateCreationDateTime.getTime() / 1000,
      }),
      ...(d.Keys && { Keys: toEventImage(d.Keys) }),
      ...(d.NewImage && { NewImage: toEventImage(d.NewImage) }),
      ...(d.OldImage && { OldImage: toEventImage(d.OldImage) }),
      ...(d.SequenceNumber && { SequenceNumber: d.SequenceNumber }),
      ...(d.SizeBytes !== undefined && { SizeBytes: d.SizeBytes }),
      ...(d.StreamViewType && { StreamViewType: d.StreamViewType }),
    },
    // A deletion by time to live: Lambda's event names the service that deleted the item.
    ...(record.userIdentity && {
      userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId },
    }),
    eventSourceARN: streamArn,
  };
}

/** Wraps stream records read with the SDK's GetRecords into the event a Lambda function receives. */
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
