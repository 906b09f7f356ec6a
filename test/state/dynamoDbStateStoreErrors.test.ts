// The DynamoDB store maps the SDK's errors by the SDK's own classification: throttling, timeouts,
// broken connections and service failures become TransientStoreError (retried), anything else a
// StateStoreError naming the order and event.
import {
  type DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { StateStoreError, TransientStoreError } from '../../state/errors.ts';
import type { DomainEvent } from '../../state/events.ts';

const event: DomainEvent = { type: 'MaterialArrived', eventId: 'e-1', orderId: 'o-1', at: 1_767_600_000_000 };

function failingWith(error: Error): DynamoDbStateStore {
  const client = { send: async () => Promise.reject(error) } as unknown as DynamoDBClient;
  return new DynamoDbStateStore(client, 'order-state');
}

/** What a service exception of the SDK carries besides its message. */
const answered = (status: number) => ({ $metadata: { httpStatusCode: status } });

describe('DynamoDB state store errors', () => {
  const transient: [string, Error][] = [
    ['throttling', new ThrottlingException({ message: 'Rate exceeded', ...answered(400) })],
    [
      'exceeded throughput',
      new ProvisionedThroughputExceededException({ message: 'Throughput exceeds', ...answered(400) }),
    ],
    [
      'an exceeded request limit',
      new RequestLimitExceeded({ message: 'Too many requests', ...answered(400) }),
    ],
    ['an internal server error', new InternalServerError({ message: 'oops', ...answered(500) })],
    [
      'an unavailable service',
      Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', ...answered(503) }),
    ],
    ['a timeout', Object.assign(new Error('socket timed out'), { name: 'TimeoutError' })],
    ['a reset connection', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
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

  const lasting: [string, Error][] = [
    [
      'a missing table',
      new ResourceNotFoundException({ message: 'Requested resource not found', ...answered(400) }),
    ],
    [
      'a conflicting transaction',
      new TransactionConflictException({ message: 'conflict', ...answered(400) }),
    ],
  ];
  for (const [what, error] of lasting) {
    it(`reports ${what} as a store error naming the order and event, not to be retried`, async () => {
      const store = failingWith(error);

      const failure = await store.apply(event).catch((e) => e);

      expect(failure).toBeInstanceOf(StateStoreError);
      expect(failure).not.toBeInstanceOf(TransientStoreError);
      expect(failure.cause).toBe(error);
      expect(failure.message).toContain(`order o-1, event e-1: DynamoDB ${error.name}: ${error.message}`);
    });
  }
});
