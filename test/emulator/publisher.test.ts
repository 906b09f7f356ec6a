// Which failed PutRecords calls the publisher sends again (the SDK's classification, after the
// client's own retries) and which it reports: on a stand-in for the Kinesis client.
import {
  InvalidArgumentException,
  type KinesisClient,
  ProvisionedThroughputExceededException,
  type PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { KinesisPublisher } from '../../emulator/publisher.ts';
import { v1 } from '../support/events.ts';

/** A Kinesis client whose first PutRecords fails with `error`, and every later one accepts all records. */
function failingOnce(error: Error) {
  let calls = 0;
  const send = async (command: PutRecordsCommand) => {
    if (calls++ === 0) throw error;
    return {
      FailedRecordCount: 0,
      Records: command.input.Records!.map((_, i) => ({ SequenceNumber: `${i}` })),
    };
  };
  return { client: { send } as unknown as KinesisClient, calls: () => calls };
}

/** Publishes two events through `client`, without waiting between attempts. */
async function publishTwo(client: KinesisClient) {
  const publisher = new KinesisPublisher(client, 'events', { sleep: async () => {} });
  publisher.publish(v1('OrderAccepted', 'o-1', 0));
  publisher.publish(v1('OrderAccepted', 'o-2', 0));
  await publisher.flush();
  return publisher.stats;
}

const answered = (status: number) => ({ $metadata: { httpStatusCode: status } });

describe('KinesisPublisher', () => {
  it.each([
    ['throttled', new ProvisionedThroughputExceededException({ message: 'Rate exceeded', ...answered(400) })],
    [
      'unavailable',
      Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', ...answered(503) }),
    ],
    [
      'failed inside Kinesis',
      Object.assign(new Error('oops'), { name: 'InternalFailure', ...answered(500) }),
    ],
  ])('sends a whole batch again when Kinesis %s the call', async (_, error) => {
    const kinesis = failingOnce(error);

    const stats = await publishTwo(kinesis.client);

    expect(stats).toEqual({ sent: 2, retries: 2, pending: 0 });
    expect(kinesis.calls()).toBe(2);
  });

  it.each([
    [
      'an endpoint that does not answer',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    ['a request Kinesis refuses', new InvalidArgumentException({ message: 'bad stream', ...answered(400) })],
  ])('reports %s instead of retrying it', async (_, error) => {
    const kinesis = failingOnce(error);

    await expect(publishTwo(kinesis.client)).rejects.toBe(error);
    expect(kinesis.calls()).toBe(1);
  });
});

describe('partition keys', () => {
  it('keys an order event by its order, a station event by its station, a cancellation by its maintenance', async () => {
    const batches: { key: string; type: string }[][] = [];
    const send = async (command: PutRecordsCommand) => {
      const records = command.input.Records!;
      batches.push(
        records.map((r) => ({
          key: r.PartitionKey!,
          type: (JSON.parse(Buffer.from(r.Data!).toString()) as { type: string }).type,
        })),
      );
      return { FailedRecordCount: 0, Records: records.map((_, i) => ({ SequenceNumber: `${i}` })) };
    };
    const publisher = new KinesisPublisher({ send } as unknown as KinesisClient, 'events');
    const at = '2026-01-05T08:00:00.000Z';
    publisher.publish(v1('OrderAccepted', 'o-1', 0));
    publisher.publish({ eventId: 'e1', type: 'StationDown', station: 'press', unit: 2, occurredAt: at });
    publisher.publish({ eventId: 'e2', type: 'StationUp', station: 'press', unit: 2, occurredAt: at });
    publisher.publish({ eventId: 'e3', type: 'MaintenanceCancelled', maintenanceId: 'm-1', occurredAt: at });
    await publisher.flush();

    // One record per key in a batch: the station's second event waits for its first.
    expect(batches).toEqual([
      [
        { key: 'o-1', type: 'OrderAccepted' },
        { key: 'press', type: 'StationDown' },
        { key: 'm-1', type: 'MaintenanceCancelled' },
      ],
      [{ key: 'press', type: 'StationUp' }],
    ]);
  });
});
