// GetRecords for the local pollers, with the records as the service sent them.
//
// Lambda's event source mappings hand a function the records in the JSON that the stream's API
// sends: Kinesis data in base64 and arrival times in epoch seconds; DynamoDB attribute values as
// JSON, binary ones in base64. The SDK decodes that JSON into its own types through the service's
// schema (Dates, byte arrays), which the pollers would at once encode back into the event. The
// clients made here decode a successful GetRecords' body as plain JSON instead; the SDK still
// resolves the endpoint, signs, sends, retries, and raises a service's errors as always. Every other
// operation is decoded as usual.
//
// Measured on DynamoDB Local (a scratch script, 21,021 stream records with old and new image, read
// in pages of 150 and of 1,000, three rounds alternated): 46–61 and 41–52 µs of client CPU per record
// through the SDK's types, 19–21 and 11–13 µs as sent. Through the pipeline every event makes one
// stream record. Kinesis records gain less (8–12 against 4–9 µs per record in pages of 150).
import { AwsJson1_0Protocol, AwsJson1_1Protocol } from '@aws-sdk/core/protocols';
import type { DynamoDBRecord } from 'aws-lambda';

/** A Kinesis record as GetRecords sends it. */
export interface KinesisRecordAsSent {
  SequenceNumber: string;
  PartitionKey: string;
  /** The record's bytes, in base64. */
  Data: string;
  /** When the record reached the stream, in epoch seconds. */
  ApproximateArrivalTimestamp?: number;
  EncryptionType?: string;
}

/** A DynamoDB stream record as GetRecords sends it: a record of Lambda's event, less its source. */
export type DynamoDbRecordAsSent = Omit<DynamoDBRecord, 'eventSourceARN'>;

/** A page of a shard as GetRecords sends it. */
export interface RecordsPageAsSent<R> {
  Records?: R[];
  NextShardIterator?: string;
  MillisBehindLatest?: number;
}

declare const recordsAsSent: unique symbol;
/** A client whose GetRecords answers with the records as sent (made by `createPollerClients`). */
export type RecordsAsSent<C> = C & { readonly [recordsAsSent]: true };

type DeserializeArguments = Parameters<AwsJson1_0Protocol['deserializeResponse']>;

/**
 * A GetRecords page (not an error) as the service sent it, with the SDK's response metadata; any
 * other response as the protocol decodes it.
 */
async function recordsPageAsSent<Output>(
  [operation, context, response]: DeserializeArguments,
  asUsual: () => Promise<Output>,
  metadata: (response: DeserializeArguments[2]) => object,
): Promise<Output> {
  if (operation.name !== 'GetRecords' || response.statusCode >= 300) return asUsual();
  const bytes = await context.streamCollector(response.body);
  const page = bytes.byteLength === 0 ? {} : JSON.parse(new TextDecoder().decode(bytes));
  return { ...page, $metadata: metadata(response) } as Output;
}

/** DynamoDB Streams' protocol (JSON 1.0), a GetRecords page as sent. */
export class DynamoDbStreamsRecordsAsSent extends AwsJson1_0Protocol {
  override deserializeResponse<Output extends object>(...args: DeserializeArguments): Promise<Output> {
    return recordsPageAsSent(
      args,
      () => super.deserializeResponse(...args) as Promise<Output>,
      (r) => this.deserializeMetadata(r),
    );
  }
}

/** Kinesis' protocol (JSON 1.1), a GetRecords page as sent. */
export class KinesisRecordsAsSent extends AwsJson1_1Protocol {
  override deserializeResponse<Output extends object>(...args: DeserializeArguments): Promise<Output> {
    return recordsPageAsSent(
      args,
      () => super.deserializeResponse(...args) as Promise<Output>,
      (r) => this.deserializeMetadata(r),
    );
  }
}
