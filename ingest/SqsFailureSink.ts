// The failure destination on AWS: an SQS queue, one message per rejected record.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FailureSink, RejectedRecord } from './FailureSink.ts';

/** Sends each rejected record, with its reason, to an SQS queue. */
export class SqsFailureSink implements FailureSink {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(record: RejectedRecord): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(record),
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: record.reason.slice(0, 256) },
          partitionKey: { DataType: 'String', StringValue: record.partitionKey || '-' },
        },
      }),
    );
  }
}
