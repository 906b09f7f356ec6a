// Building v1 order events and Kinesis records for tests.
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { OrderEvent } from '../../contracts/events.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const iso = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

let counter = 0;

/** A v1 event of `type` for `orderId` at `minutes` after a fixed start. */
export function v1(
  type: OrderEvent['type'],
  orderId: string,
  minutes: number,
  extra: Record<string, unknown> = {},
): OrderEvent {
  const base = {
    eventId: `evt-${String(++counter).padStart(8, '0')}`,
    orderId,
    occurredAt: iso(minutes),
    type,
  };
  const etaFor = type === 'MaterialOrdered' || type === 'EtaUpdated' ? { eta: iso(minutes + 10) } : {};
  return { ...base, ...etaFor, ...extra } as OrderEvent;
}

/** A full life of one order, from acceptance to delivery. */
export function lifecycle(orderId: string, start = 0): OrderEvent[] {
  return [
    v1('OrderAccepted', orderId, start, { dueAt: iso(start + 60), priority: 1 }),
    v1('MaterialOrdered', orderId, start + 1),
    v1('EtaUpdated', orderId, start + 5, { eta: iso(start + 14) }),
    v1('MaterialArrived', orderId, start + 14),
    v1('ProductionStarted', orderId, start + 20),
    v1('ProductionFinished', orderId, start + 30),
    v1('OrderDelivered', orderId, start + 35),
  ];
}

let sequence = 1000;

/** A Kinesis record as Lambda delivers it, with `data` (an object is JSON-encoded, a string sent as is). */
export function kinesisRecord(data: unknown, partitionKey: string): KinesisStreamRecord {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  const sequenceNumber = String(++sequence).padStart(56, '0');
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey,
      sequenceNumber,
      data: Buffer.from(text, 'utf8').toString('base64'),
      approximateArrivalTimestamp: 1767600000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/test',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/order-events',
  };
}

/** A Kinesis event of v1 events, partition key = order id. */
export function kinesisEvent(
  events: readonly (OrderEvent | { raw: string; key: string })[],
): KinesisStreamEvent {
  return {
    Records: events.map((e) => ('raw' in e ? kinesisRecord(e.raw, e.key) : kinesisRecord(e, e.orderId))),
  };
}
