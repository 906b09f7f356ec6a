// The shard readers: iterators move on page by page, an expired iterator is replaced by one after the
// last record read, a shard ends with its last iterator, and every record read with the SDK is handed
// on as Lambda's event source mapping delivers it. First on stand-ins for the SDK clients, then on
// real SDK clients over a stand-in HTTP connection that answers with the service's JSON.
// (Against the real emulators: test/integration/emulators.test.ts.)
import { Readable } from 'node:stream';
import {
  DynamoDBStreamsClient,
  ExpiredIteratorException as ExpiredStreamIteratorException,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { type _Record, ExpiredIteratorException, KinesisClient } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { DynamoDbStreamShardReader, KinesisShardReader } from '../../local/pollers/readers.ts';

type Call = { command: string; input: Record<string, unknown> };

/** Answers GetShardIterator with "it-<n>" and GetRecords with `pages` in turn (an Error is thrown). */
function client(pages: (Record<string, unknown> | Error)[]) {
  const calls: Call[] = [];
  let iterators = 0;
  const send = async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const name = command.constructor.name;
    calls.push({ command: name, input: command.input });
    if (name === 'GetShardIteratorCommand') return { ShardIterator: `it-${++iterators}` };
    const page = pages.shift();
    if (page === undefined) throw new Error('no more pages');
    if (page instanceof Error) throw page;
    return page;
  };
  return { send, calls };
}

const STREAM = { name: 'events', arn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/events' };

/** A Kinesis record as the SDK decodes it (data as bytes, arrival as a Date). */
const kinesisRecord = (n: string, arrival?: Date): _Record => ({
  SequenceNumber: n,
  PartitionKey: 'o-1',
  Data: new TextEncoder().encode(`{"n":${n}}`),
  ...(arrival && { ApproximateArrivalTimestamp: arrival }),
});

const metadata = { $metadata: { httpStatusCode: 400 } };

describe('KinesisShardReader', () => {
  it('reads page by page, and reopens after the last record read when its iterator expired', async () => {
    const arrival = new Date(1_700_000_000_250);
    const fake = client([
      { Records: [kinesisRecord('1', arrival), kinesisRecord('2')], NextShardIterator: 'n1' },
      new ExpiredIteratorException({ message: 'Iterator expired', ...metadata }),
      { Records: [kinesisRecord('3')], NextShardIterator: 'n2' },
      { Records: [], NextShardIterator: undefined },
    ]);
    const reader = new KinesisShardReader(fake as unknown as KinesisClient, STREAM, 'shard-0');

    await reader.open(undefined);
    const first = await reader.read(10);

    expect(first.records.map(({ sequenceNumber, arrivedAt }) => ({ sequenceNumber, arrivedAt }))).toEqual([
      { sequenceNumber: '1', arrivedAt: 1_700_000_000_250 },
      { sequenceNumber: '2', arrivedAt: undefined },
    ]);
    expect(first.records[0]!.record).toEqual({
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: 'o-1',
        sequenceNumber: '1',
        data: Buffer.from('{"n":1}').toString('base64'),
        approximateArrivalTimestamp: 1_700_000_000.25,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: 'shard-0:1',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/local',
      awsRegion: 'eu-west-1',
      eventSourceARN: STREAM.arn,
    });
    expect(await reader.read(10)).toEqual({ records: [], closed: false });
    expect((await reader.read(10)).records.map((r) => r.sequenceNumber)).toEqual(['3']);
    expect(await reader.read(10)).toEqual({ records: [], closed: true });
    expect(await reader.read(10)).toEqual({ records: [], closed: true });

    const iterators = fake.calls.filter((c) => c.command === 'GetShardIteratorCommand').map((c) => c.input);
    expect(iterators).toEqual([
      { StreamName: 'events', ShardId: 'shard-0', ShardIteratorType: 'TRIM_HORIZON' },
      {
        StreamName: 'events',
        ShardId: 'shard-0',
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        StartingSequenceNumber: '2',
      },
    ]);
    const reads = fake.calls
      .filter((c) => c.command === 'GetRecordsCommand')
      .map((c) => c.input.ShardIterator);
    expect(reads).toEqual(['it-1', 'n1', 'it-2', 'n2']);
  });

  it('passes on any other error', async () => {
    const reader = new KinesisShardReader(
      client([new Error('connection refused')]) as unknown as KinesisClient,
      STREAM,
      'shard-0',
    );
    await reader.open('7');
    await expect(reader.read(10)).rejects.toThrow('connection refused');
  });
});

describe('DynamoDbStreamShardReader', () => {
  it('asks for at most 1,000 records, and reopens after the last record read when its iterator expired', async () => {
    const record = (n: string): StreamRecord => ({
      eventName: 'MODIFY',
      dynamodb: {
        SequenceNumber: n,
        ApproximateCreationDateTime: new Date(5_000),
        Keys: { orderId: { S: 'o-1' } },
      },
    });
    const fake = client([
      { Records: [record('10')], NextShardIterator: 'n1' },
      new ExpiredStreamIteratorException({ message: 'Iterator expired', ...metadata }),
      { Records: [] },
    ]);
    const reader = new DynamoDbStreamShardReader(
      fake as unknown as DynamoDBStreamsClient,
      'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/s',
      'sh-1',
    );

    await reader.open('9');
    const first = await reader.read(5_000);

    expect(first.records).toEqual([
      {
        sequenceNumber: '10',
        arrivedAt: 5_000,
        record: {
          eventName: 'MODIFY',
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: 'us-east-1',
          eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/s',
          dynamodb: { SequenceNumber: '10', ApproximateCreationDateTime: 5, Keys: { orderId: { S: 'o-1' } } },
        },
      },
    ]);
    expect(await reader.read(5_000)).toEqual({ records: [], closed: false });
    expect(await reader.read(5_000)).toEqual({ records: [], closed: true });

    expect(fake.calls.filter((c) => c.command === 'GetShardIteratorCommand').map((c) => c.input)).toEqual([
      {
        StreamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/s',
        ShardId: 'sh-1',
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: '9',
      },
      {
        StreamArn: 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/s',
        ShardId: 'sh-1',
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: '10',
      },
    ]);
    expect(fake.calls.filter((c) => c.command === 'GetRecordsCommand').map((c) => c.input.Limit)).toEqual([
      1000, 1000, 1000,
    ]);
  });
});

/** An HTTP connection that answers GetShardIterator, then each GetRecords with the next of `answers`. */
function service(answers: { status: number; body: unknown }[]) {
  const targets: string[] = [];
  return {
    targets,
    requestHandler: {
      handle: async (request: { headers: Record<string, string> }) => {
        const target = request.headers['x-amz-target'] ?? '';
        targets.push(target.split('.')[1]!);
        const { status, body } = target.endsWith('GetShardIterator')
          ? { status: 200, body: { ShardIterator: 'it' } }
          : answers.shift()!;
        return {
          response: {
            statusCode: status,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: Readable.from([Buffer.from(JSON.stringify(body))]),
          },
        };
      },
    },
  };
}

/** A real SDK client's configuration over `requestHandler`, with no retries. */
const over = (requestHandler: unknown) => ({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:9',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
  requestHandler: requestHandler as never,
});

describe("the readers over the services' JSON", () => {
  it('hand on a Kinesis record as the service sent it: bytes that are not UTF-8, in base64; arrival in epoch seconds', async () => {
    const sent = {
      SequenceNumber: '49',
      PartitionKey: 'o-1',
      Data: '/wCA',
      ApproximateArrivalTimestamp: 1_700_000_000.5,
    };
    const http = service([
      { status: 400, body: { __type: 'ExpiredIteratorException', message: 'Iterator expired' } },
      { status: 200, body: { Records: [sent], NextShardIterator: 'next', MillisBehindLatest: 0 } },
    ]);
    const kinesis = new KinesisClient(over(http.requestHandler));
    const reader = new KinesisShardReader(kinesis, STREAM, 'shard-0');

    await reader.open(undefined);
    const expired = await reader.read(10);
    const page = await reader.read(10);

    expect(expired).toEqual({ records: [], closed: false });
    expect(page.records.map((r) => r.record.kinesis)).toEqual([
      {
        kinesisSchemaVersion: '1.0',
        partitionKey: sent.PartitionKey,
        sequenceNumber: sent.SequenceNumber,
        data: sent.Data,
        approximateArrivalTimestamp: sent.ApproximateArrivalTimestamp,
      },
    ]);
    expect(http.targets).toEqual(['GetShardIterator', 'GetRecords', 'GetShardIterator', 'GetRecords']);
    kinesis.destroy();
  });

  it('hand on a DynamoDB stream record as the service sent it: binary attributes in base64, at any depth', async () => {
    const sent = {
      eventID: 'e-1',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: 1_700_000_000,
        Keys: { orderId: { S: 'o-1' } },
        NewImage: {
          orderId: { S: 'o-1' },
          blob: { B: 'AQL/' },
          blobs: { BS: ['AQ==', '/w=='] },
          nested: { M: { list: { L: [{ B: 'AAE=' }, { N: '1.50' }, { NULL: true }] } } },
          tags: { SS: ['a', 'b'] },
          n: { N: '1.50' },
          flag: { BOOL: false },
        },
        OldImage: { orderId: { S: 'o-1' } },
        SequenceNumber: '100',
        SizeBytes: 40,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      userIdentity: { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' },
    };
    const streamArn = 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/s';
    const http = service([{ status: 200, body: { Records: [sent], NextShardIterator: 'next' } }]);
    const streams = new DynamoDBStreamsClient(over(http.requestHandler));
    const reader = new DynamoDbStreamShardReader(streams, streamArn, 'sh-1');

    await reader.open(undefined);
    const page = await reader.read(10);

    const { userIdentity: _, ...rest } = sent;
    expect(page.records.map((r) => r.record)).toEqual([
      {
        ...rest,
        // As Lambda's event names a deletion by time to live.
        userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
        eventSourceARN: streamArn,
      },
    ]);
    expect(page.records[0]!.arrivedAt).toBe(1_700_000_000_000);
    streams.destroy();
  });
});
