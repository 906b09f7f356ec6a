// The failure destination on AWS: an SQS queue, one message per rejected record, every message within
// SQS's limits; the raw data of a record too large for a message goes to S3 first (S3RawDataStore.ts).
import { type MessageAttributeValue, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { FailureMessageError } from './errors.ts';
import type { FailureSink, RejectedRecord } from './FailureSink.ts';
import {
  buildFailureMessage,
  type DataPlacement,
  MAX_MESSAGE_BYTES,
  sqsSafeText,
  utf8Bytes,
} from './failureMessages.ts';
import type { RawDataStore } from './RawDataStore.ts';

/** Longest string attribute value (code points): enough to filter on; the body has the rest. */
export const ATTRIBUTE_MAX_CHARS = 256;

/**
 * The message attributes of a failure: the reason and partition key, with the characters SQS refuses
 * replaced and cut short, and where the data is. Names follow SQS's rules (letters, digits, `_`, `-`,
 * `.`; at most 256 characters; no `AWS.` or `Amazon.` prefix); values must not be empty.
 */
export function failureAttributes(
  record: RejectedRecord,
  placement: DataPlacement,
): Record<string, MessageAttributeValue> {
  const text = (value: string): MessageAttributeValue => ({
    DataType: 'String',
    StringValue: sqsSafeText(value, ATTRIBUTE_MAX_CHARS) || '-',
  });
  return {
    reason: text(record.reason),
    partitionKey: text(record.partitionKey),
    dataLocation: text(placement),
  };
}

/** The bytes attributes add to a message: "Name, Type, and Value" all count toward SQS's limit. */
export function attributeBytes(attributes: Record<string, MessageAttributeValue>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(attributes)) {
    bytes += utf8Bytes(name) + utf8Bytes(value.DataType ?? '');
    bytes +=
      value.StringValue !== undefined ? utf8Bytes(value.StringValue) : (value.BinaryValue?.byteLength ?? 0);
  }
  return bytes;
}

/** Sends each rejected record, with its reason, to an SQS queue; data too large for it goes to `dataStore`. */
export class SqsFailureSink implements FailureSink {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly dataStore: RawDataStore,
  ) {}

  async send(record: RejectedRecord): Promise<void> {
    const { body, placement } = await buildFailureMessage(record, {
      store: this.dataStore,
      maxBytes: MAX_MESSAGE_BYTES,
      overheadBytes: (p) => attributeBytes(failureAttributes(record, p)),
    });
    try {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: body,
          MessageAttributes: failureAttributes(record, placement),
        }),
      );
    } catch (error) {
      throw new FailureMessageError(
        `the failure queue did not take the message: ${(error as Error).name}: ${(error as Error).message}`,
        { partitionKey: record.partitionKey, sequenceNumber: record.sequenceNumber },
        { cause: error },
      );
    }
  }
}
