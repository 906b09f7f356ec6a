// One cheap SDK call per emulator, to tell when it answers: the real client, no retries, short timeouts.
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { createDynamoDbClient, createKinesisClient } from '../clients.ts';

const probeSettings = { maxAttempts: 1, connectionTimeoutMs: 500, requestTimeoutMs: 2_000 };

/** Resolves if a Kinesis emulator answers ListStreams at `endpoint`. */
export async function probeKinesis(endpoint: string): Promise<void> {
  const client = createKinesisClient({ endpoint, ...probeSettings });
  try {
    await client.send(new ListStreamsCommand({ Limit: 1 }));
  } finally {
    client.destroy();
  }
}

/** Resolves if DynamoDB Local answers ListTables at `endpoint`. */
export async function probeDynamoDb(endpoint: string): Promise<void> {
  const client = createDynamoDbClient({ endpoint, ...probeSettings });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
  } finally {
    client.destroy();
  }
}
