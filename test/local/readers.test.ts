// The shard readers' own logic, on a stand-in for the pollers' SDK clients (whose GetRecords answers
// with the records as sent: see recordsAsSent.test.ts): iterators move on page by page, an expired
// iterator is replaced by one after the last record read, and a shard ends with its last iterator.
// (Against the real emulators, the twin's tests read through them end to end.)
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { DynamoDbStreamShardReader, KinesisShardReader } from '../../local/pollers/readers.ts';
import type { RecordsAsSent } from '../../local/pollers/recordsAsSent.ts';

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

/** A Kinesis record as GetRecords sends it (data in base64, arrival in epoch seconds). */
const kinesisRecord = (n: string, arrival?: number) => ({
  SequenceNumber: n,
  PartitionKey: 'o-1',
  Data: Buffer.from(`{"n":${n}}`).toString('base64'),
  ...(arrival !== undefined && { ApproximateArrivalTimestamp: arrival }),
});

const expired = () => Object.assign(new Error('Iterator expired'), { name: 'ExpiredIteratorException' });

describe('KinesisShardReader', () => {
  it('reads page by page, and reopens after the last record read when its iterator expired', async () => {
    const fake = client([
      { Records: [kinesisRecord('1', 1_700_000_000.25), kinesisRecord('2')], NextShardIterator: 'n1' },
      expired(),
      { Records: [kinesisRecord('3')], NextShardIterator: 'n2' },
      { Records: [], NextShardIterator: undefined },
    ]);
    const reader = new KinesisShardReader(
      fake as unknown as RecordsAsSent<KinesisClient>,
      'events',
      'shard-0',
    );
    await reader.open(undefined);
    expect((await reader.read(10)).records).toEqual([
      { sequenceNumber: '1', record: kinesisRecord('1', 1_700_000_000.25), arrivedAt: 1_700_000_000_250 },
      { sequenceNumber: '2', record: kinesisRecord('2') },
    ]);
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
      client([new Error('connection refused')]) as unknown as RecordsAsSent<KinesisClient>,
      'events',
      'shard-0',
    );
    await reader.open('7');
    await expect(reader.read(10)).rejects.toThrow('connection refused');
  });
});

describe('DynamoDbStreamShardReader', () => {
  it('asks for at most 1,000 records, and reopens after the last record read when its iterator expired', async () => {
    const record = (n: string) => ({
      eventName: 'MODIFY',
      dynamodb: { SequenceNumber: n, ApproximateCreationDateTime: 5, Keys: { orderId: { S: 'o-1' } } },
    });
    const fake = client([{ Records: [record('10')], NextShardIterator: 'n1' }, expired(), { Records: [] }]);
    const reader = new DynamoDbStreamShardReader(
      fake as unknown as RecordsAsSent<DynamoDBStreamsClient>,
      'arn:stream',
      'sh-1',
    );
    await reader.open('9');
    const first = await reader.read(5_000);
    expect(first.records).toEqual([{ sequenceNumber: '10', record: record('10'), arrivedAt: 5_000 }]);
    expect(await reader.read(5_000)).toEqual({ records: [], closed: false });
    expect(await reader.read(5_000)).toEqual({ records: [], closed: true });

    expect(fake.calls.filter((c) => c.command === 'GetShardIteratorCommand').map((c) => c.input)).toEqual([
      {
        StreamArn: 'arn:stream',
        ShardId: 'sh-1',
        ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
        SequenceNumber: '9',
      },
      {
        StreamArn: 'arn:stream',
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
