// Provisioning waits with the SDK's waiters, and says clearly what is wrong when a resource is missing
// or never becomes ACTIVE: on stand-ins for the Kinesis and DynamoDB clients (against the real
// emulators: test/integration/emulators.test.ts).
import { type DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { ProvisionError, provision } from '../../local/provision.ts';

type Send = (command: { constructor: { name: string }; input: Record<string, unknown> }) => Promise<unknown>;
const fake = (send: Send) => ({ send }) as unknown;

const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/order-events';

/** A Kinesis whose stream is ACTIVE. */
const activeKinesis = fake(async ({ constructor: { name } }) => {
  if (name === 'DescribeStreamCommand') return { StreamDescription: { StreamStatus: 'ACTIVE' } };
  if (name === 'DescribeStreamSummaryCommand')
    return {
      StreamDescriptionSummary: { StreamStatus: 'ACTIVE', StreamARN: STREAM_ARN, RetentionPeriodHours: 24 },
    };
  return {};
}) as KinesisClient;

describe('provision', () => {
  it('reports a table that never becomes ACTIVE as a ProvisionError naming it, once its time is up', async () => {
    const dynamodb = fake(async ({ constructor: { name }, input }) =>
      name === 'DescribeTableCommand'
        ? { Table: { TableName: input.TableName, TableStatus: 'CREATING' } }
        : {},
    ) as DynamoDBClient;

    const started = Date.now();
    const error = await provision({ kinesis: activeKinesis, dynamodb }, undefined, {
      timeoutMs: 1_000,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProvisionError);
    expect((error as ProvisionError).message).toMatch(
      /order-state: not ACTIVE within 1 s|forecasts: not ACTIVE within 1 s/,
    );
    expect((error as ProvisionError).cause).toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports a missing table on AWS at once, not after waiting for it', async () => {
    const dynamodb = fake(async () => {
      throw new ResourceNotFoundException({
        message: 'Requested resource not found',
        $metadata: { httpStatusCode: 400 },
      });
    }) as DynamoDBClient;

    const started = Date.now();
    const error = await provision({ kinesis: activeKinesis, dynamodb }, undefined, {
      create: false,
      timeoutMs: 10_000,
    }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProvisionError);
    expect((error as ProvisionError).message).toContain('deploy the stack first');
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
