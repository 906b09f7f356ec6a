// Lambda: Kinesis order events → order state. A thin adapter: clients and logger are made once per
// container; the work is in ingest/ingestHandler.ts.

import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { withoutCallLog } from '../contracts/sdkClients.ts';
import { type FailureSink, FileFailureSink } from '../ingest/FailureSink.ts';
import { createIngestHandler } from '../ingest/ingestHandler.ts';
import { SqsFailureSink } from '../ingest/SqsFailureSink.ts';
import { DynamoDbStateStore } from '../state/DynamoDbStateStore.ts';
import { requireEnv, wholeNumberEnv } from './env.ts';

const logger = new Logger({ serviceName: 'ingest' });
const documents = DynamoDBDocumentClient.from(withoutCallLog(new DynamoDBClient({})), {
  marshallOptions: { removeUndefinedValues: true },
});

function failureSink(): FailureSink {
  const queueUrl = process.env.FAILURE_QUEUE_URL;
  if (queueUrl) return new SqsFailureSink(withoutCallLog(new SQSClient({})), queueUrl);
  return new FileFailureSink(
    requireEnv('FAILURE_FILE', 'FAILURE_QUEUE_URL (on AWS) or FAILURE_FILE (locally)'),
  );
}

export const handler = createIngestHandler({
  store: new DynamoDbStateStore(documents, requireEnv('ORDER_STATE_TABLE')),
  failures: failureSink(),
  logger,
  concurrency: wholeNumberEnv('INGEST_CONCURRENCY', 1) ?? 16,
});
