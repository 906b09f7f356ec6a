// The DynamoDB store maps the SDK's errors: throttling and timeouts become TransientStoreError
// (retried), anything else a StateStoreError naming the order and event.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { StateStoreError, TransientStoreError } from '../../state/errors.ts';
import type { DomainEvent } from '../../state/events.ts';

const event: DomainEvent = { type: 'MaterialArrived', eventId: 'e-1', orderId: 'o-1', at: 1_767_600_000_000 };

function failingWith(error: Error): DynamoDbStateStore {
  const client = { send: async () => Promise.reject(error) } as unknown as DynamoDBClient;
  return new DynamoDbStateStore(client, 'order-state');
}

describe('DynamoDB state store errors', () => {
  const transient: [string, Error][] = [
    [
      'throttling',
      Object.assign(new Error('Rate exceeded'), {
        name: 'ThrottlingException',
        $retryable: { throttling: true },
      }),
    ],
    [
      'exceeded throughput',
      Object.assign(new Error('Throughput exceeds'), { name: 'ProvisionedThroughputExceededException' }),
    ],
    ['a timeout', Object.assign(new Error('socket timed out'), { name: 'TimeoutError' })],
    [
      'a 500',
      Object.assign(new Error('oops'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }),
    ],
    ['a reset connection', Object.assign(new Error('read ECONNRESET'), { name: 'Error' })],
  ];
  for (const [what, error] of transient) {
    it(`reports ${what} as a transient failure, to be retried`, async () => {
      const store = failingWith(error);

      const failure = await store.apply(event).catch((e) => e);

      expect(failure).toBeInstanceOf(TransientStoreError);
      expect(failure.context).toEqual({ orderId: 'o-1', eventId: 'e-1' });
      expect(failure.message).toContain('order o-1, event e-1');
    });
  }

  it('reports a missing table as a store error naming the order and event', async () => {
    const store = failingWith(
      Object.assign(new Error('Requested resource not found'), {
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const failure = await store.apply(event).catch((e) => e);

    expect(failure).toBeInstanceOf(StateStoreError);
    expect(failure).not.toBeInstanceOf(TransientStoreError);
    expect(failure.message).toMatch(
      /order o-1, event e-1: DynamoDB ResourceNotFoundException: Requested resource not found/,
    );
  });
});
