// Lambda: Kinesis order events → order state. A thin adapter: clients and logger are made once per
// container; the work is in ingest/ingestHandler.ts.

import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { CACHED_MIDDLEWARE, withoutCallLog } from '../contracts/sdkClients.ts';
import { type FailureSink, FileFailureSink } from '../ingest/FailureSink.ts';
import { createIngestHandler } from '../ingest/ingestHandler.ts';
import { SqsFailureSink } from '../ingest/SqsFailureSink.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { requireEnv, wholeNumberEnv } from './env.ts';

const logger = new Logger({ serviceName: 'ingest' });
const dynamodb = withoutCallLog(new DynamoDBClient(CACHED_MIDDLEWARE));

function failureSink(): FailureSink {
  const queueUrl = process.env.FAILURE_QUEUE_URL;
  if (queueUrl) return new SqsFailureSink(withoutCallLog(new SQSClient(CACHED_MIDDLEWARE)), queueUrl);
  return new FileFailureSink(
    requireEnv('FAILURE_FILE', 'FAILURE_QUEUE_URL (on AWS) or FAILURE_FILE (locally)'),
  );
}

export const handler = createIngestHandler({
  store: new DynamoDbStateStore(dynamodb, requireEnv('ORDER_STATE_TABLE')),
  failures: failureSink(),
  logger,
  concurrency: wholeNumberEnv('INGEST_CONCURRENCY', 1) ?? 16,
});
