// Lambda: Kinesis order events → order state. A thin adapter: clients and logger are made once per
// container; the work is in ingest/ingestHandler.ts.

import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { type FailureSink, FileFailureSink, parkedOnce } from '../ingest/FailureSink.ts';
import { createIngestHandler } from '../ingest/ingestHandler.ts';
import { S3RawDataStore } from '../ingest/S3RawDataStore.ts';
import { SqsFailureSink } from '../ingest/SqsFailureSink.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { requireEnv, wholeNumberEnv } from './env.ts';

const logger = new Logger({ serviceName: 'ingest' });

function failureSink(): FailureSink {
  const queueUrl = process.env.FAILURE_QUEUE_URL;
  if (queueUrl) {
    // A record too large for an SQS message is stored in this bucket, and the message points to it.
    const bucket = requireEnv('FAILURE_BUCKET', 'the S3 bucket for records too large for the failure queue');
    return parkedOnce(
      new SqsFailureSink(new SQSClient({}), queueUrl, new S3RawDataStore(new S3Client({}), bucket)),
    );
  }
  return parkedOnce(
    new FileFailureSink(requireEnv('FAILURE_FILE', 'FAILURE_QUEUE_URL (on AWS) or FAILURE_FILE (locally)')),
  );
}

/**
 * How far ahead of the Lambda's clock an event may be, in minutes (default 1 day, see
 * ingest/ingestHandler.ts); `none` for a plant whose clock is not the wall clock.
 */
function maxFutureMs(): number | undefined {
  if (process.env.INGEST_MAX_FUTURE_MINUTES === 'none') return Number.POSITIVE_INFINITY;
  const minutes = wholeNumberEnv('INGEST_MAX_FUTURE_MINUTES', 0);
  return minutes === undefined ? undefined : minutes * 60_000;
}
const futureMs = maxFutureMs();

const ingest = createIngestHandler({
  store: new DynamoDbStateStore(new DynamoDBClient({}), requireEnv('ORDER_STATE_TABLE')),
  failures: failureSink(),
  logger,
  concurrency: wholeNumberEnv('INGEST_CONCURRENCY', 1) ?? 16,
  ...(futureMs !== undefined && { maxFutureMs: futureMs }),
});

/** Every log line of an invocation carries its request id and whether it was a cold start. */
export const handler = async (
  event: KinesisStreamEvent,
  context: Context,
): Promise<KinesisStreamBatchResponse> => {
  logger.addContext(context);
  return ingest(event, context);
};
