// The failure sinks' shared contract, run against every implementation (in memory, the local JSON-lines
// file, SQS with S3 through real SDK clients answered offline): every message within SQS's real limit
// of 1 MiB and character set, a record too large for one stored byte for byte beside it, nothing lost.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RawDataStoreError } from '../../ingest/errors.ts';
import {
  type FailureSink,
  FileFailureSink,
  InMemoryFailureSink,
  parkedOnce,
  type RejectedRecord,
  rawDataDirectoryFor,
} from '../../ingest/FailureSink.ts';
import type { FailureMessage, StoredFailureMessage } from '../../ingest/failureMessages.ts';
import type { DataPointer } from '../../ingest/RawDataStore.ts';
import { InMemoryRawDataStore } from '../../ingest/RawDataStore.ts';
import { S3RawDataStore } from '../../ingest/S3RawDataStore.ts';
import { SqsFailureSink } from '../../ingest/SqsFailureSink.ts';
import { offlineS3, offlineSqs, refusedCodePoint, SQS_LIMIT_BYTES } from './offlineAws.ts';

/** A message as the destination holds it, and its size as SQS would count it. */
interface Parked {
  message: FailureMessage;
  bytes: number;
  /** The exact text kept (body, or line without its newline). */
  text: string;
}

interface Harness {
  sink: FailureSink;
  parked(): Promise<Parked[]>;
  /** The raw data a pointer points to, read back from its store. */
  rawData(pointer: DataPointer): Promise<Buffer>;
}

interface Implementation {
  name: string;
  create(): Harness;
  /** The same sink, but its raw-data store fails (S3 denies the put, the folder cannot be made). */
  createWithFailingStore(): Harness;
}

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

const memory: Implementation = {
  name: 'in memory',
  create() {
    const store = new InMemoryRawDataStore();
    const sink = new InMemoryFailureSink(store);
    return {
      sink,
      parked: async () =>
        sink.messages.map((text) => ({ message: JSON.parse(text), bytes: utf8(text), text })),
      rawData: async (pointer) => Buffer.from(store.objects.get((pointer as { key: string }).key)!),
    };
  },
  createWithFailingStore() {
    const sink = new InMemoryFailureSink({
      put: async () => {
        throw new RawDataStoreError('the store is down');
      },
    });
    return {
      sink,
      parked: async () =>
        sink.messages.map((text) => ({ message: JSON.parse(text), bytes: utf8(text), text })),
      rawData: async () => Buffer.alloc(0),
    };
  },
};

function fileHarness(prepare?: (failureFile: string) => void): Harness {
  const folder = mkdtempSync(join(tmpdir(), 'twin-failures-'));
  folders.push(folder);
  const path = join(folder, 'failures.jsonl');
  prepare?.(path);
  const sink = new FileFailureSink(path);
  return {
    sink,
    parked: async () => {
      const text = await readFile(path, 'utf8').catch(() => '');
      expect(text === '' || text.endsWith('\n')).toBe(true);
      return text
        .split('\n')
        .slice(0, -1)
        .map((line) => ({ message: JSON.parse(line), bytes: utf8(line) + 1, text: line }));
    },
    rawData: async (pointer) => readFile((pointer as { path: string }).path),
  };
}

const file: Implementation = {
  name: 'JSON-lines file',
  create: () => fileHarness(),
  // A plain file where the raw-data folder should be: the folder cannot be made.
  createWithFailingStore: () => fileHarness((path) => writeFileSync(rawDataDirectoryFor(path), 'in the way')),
};

function sqsHarness(refuseS3: boolean): Harness {
  const sqs = offlineSqs();
  const s3 = offlineS3();
  s3.refuse(refuseS3);
  const queueUrl = 'https://sqs.eu-central-1.amazonaws.com/123456789012/order-events-failures';
  const sink = new SqsFailureSink(sqs.client, queueUrl, new S3RawDataStore(s3.client, 'twin-failed-records'));
  return {
    sink,
    parked: async () => {
      // Nothing SQS would have refused was sent.
      expect(sqs.refused).toEqual([]);
      return sqs.messages.map((m) => ({ message: JSON.parse(m.body), bytes: m.bytes, text: m.body }));
    },
    rawData: async (pointer) => {
      const { bucket, key } = pointer as { bucket: string; key: string };
      const put = s3.puts.findLast((p) => p.bucket === bucket && p.key === key)!;
      // Sent with its SHA-256, which the offline S3 checked as S3 does.
      expect(put.checksumSha256).toBe(Buffer.from(pointer.sha256, 'hex').toString('base64'));
      return put.body;
    },
  };
}

const sqsWithS3: Implementation = {
  name: 'SQS with S3',
  create: () => sqsHarness(false),
  createWithFailingStore: () => sqsHarness(true),
};

let sequence = 0;

/** A rejected record of `data` (UTF-8 text unless base64 is given). */
function rejected(data: string, overrides: Partial<RejectedRecord> = {}): RejectedRecord {
  return {
    reason: 'not valid JSON: Unexpected end of JSON input',
    partitionKey: 'order-7',
    sequenceNumber: String(++sequence).padStart(56, '4'),
    data,
    dataEncoding: 'utf8',
    rejectedAt: '2026-05-04T08:00:01.000Z',
    ...overrides,
  };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Checks what every parked message must be: within SQS's limit, only characters SQS takes. */
function expectWithinSqsLimits(parked: Parked): void {
  expect(parked.bytes).toBeLessThanOrEqual(SQS_LIMIT_BYTES);
  expect(refusedCodePoint(parked.text)).toBeUndefined();
}

describe.each([memory, file, sqsWithS3])('failure sink contract: $name', (implementation) => {
  it('parks a small record whole, exactly as it was sent', async () => {
    const { sink, parked } = implementation.create();
    const record = rejected('{"not json');

    await sink.send(record);

    const [only, ...others] = await parked();
    expect(others).toEqual([]);
    expect(only!.message).toEqual(record);
    expectWithinSqsLimits(only!);
  });

  it('stores a Kinesis record of the largest size (1 MiB) beside a small message that points to it', async () => {
    const { sink, parked, rawData } = implementation.create();
    const partitionKey = 'order-7';
    const data = `{"eventId":"e1","note":"${'x'.repeat(SQS_LIMIT_BYTES - utf8(partitionKey) - 26)}"}`;
    expect(utf8(data) + utf8(partitionKey)).toBe(SQS_LIMIT_BYTES); // Kinesis's limit: data and key

    await sink.send(rejected(data, { partitionKey }));

    const [only] = await parked();
    expectWithinSqsLimits(only!);
    expect(only!.bytes).toBeLessThan(4_096);
    const message = only!.message as StoredFailureMessage;
    expect(message).not.toHaveProperty('data');
    expect(message).toMatchObject({
      partitionKey,
      reason: expect.stringMatching(/^not valid JSON/),
      dataEncoding: 'utf8',
    });
    expect(message.dataRef).toMatchObject({ size: utf8(data), sha256: sha256(Buffer.from(data)) });
    expect((await rawData(message.dataRef)).equals(Buffer.from(data))).toBe(true);
  });

  it('keeps a record of 1 MB whole: it fits in 1 MiB', async () => {
    const { sink, parked } = implementation.create();
    const data = 'a'.repeat(1_000_000);

    await sink.send(rejected(data));

    const [only] = await parked();
    expectWithinSqsLimits(only!);
    expect((only!.message as RejectedRecord).data).toBe(data);
  });

  it('keeps 300,000 double quotes whole: escaped, they take 600,000 bytes', async () => {
    const { sink, parked } = implementation.create();
    const data = '"'.repeat(300_000);

    await sink.send(rejected(data));

    const [only] = await parked();
    expectWithinSqsLimits(only!);
    expect(only!.bytes).toBeGreaterThan(600_000);
    expect((only!.message as RejectedRecord).data).toBe(data);
  });

  it('stores 300,000 control characters beside the message: escaped, they would take 1.8 MB', async () => {
    const { sink, parked, rawData } = implementation.create();
    const data = '\u0001'.repeat(150_000) + '\u0000\u001f'.repeat(75_000);
    expect(utf8(data)).toBe(300_000); // well under the limit before escaping

    await sink.send(rejected(data));

    const [only] = await parked();
    expectWithinSqsLimits(only!);
    const { dataRef } = only!.message as StoredFailureMessage;
    expect(dataRef.size).toBe(300_000);
    expect((await rawData(dataRef)).toString('utf8')).toBe(data);
  });

  it('keeps a reason with U+0000, U+FFFF and lone surrogates, escaped, in a message SQS takes', async () => {
    const { sink, parked } = implementation.create();
    const reason = 'bad \u0000 char \uFFFF \uFFFE, lone \uD800 and \uDFFF, pair \u{1F600}';
    const record = rejected('{"x": "\uFFFF \uD83D"}', { reason, partitionKey: 'key \u0000 \uDC00' });

    await sink.send(record);

    const [only] = await parked();
    expectWithinSqsLimits(only!);
    expect(only!.message).toEqual(record); // JSON escapes lose nothing
  });

  it('keeps a message of exactly the limit whole, and stores the data of one a byte larger', async () => {
    const { sink, parked } = implementation.create();
    await sink.send(rejected('a'));
    const overhead = (await parked())[0]!.bytes - 1;
    const justUnder = 'a'.repeat(SQS_LIMIT_BYTES - overhead);
    const justOver = `${justUnder}a`;

    await sink.send(rejected(justUnder));
    await sink.send(rejected(justOver));

    const [, under, over] = await parked();
    expect(under!.bytes).toBe(SQS_LIMIT_BYTES);
    expectWithinSqsLimits(under!);
    expect((under!.message as RejectedRecord).data).toBe(justUnder);
    expectWithinSqsLimits(over!);
    expect((over!.message as StoredFailureMessage).dataRef.size).toBe(utf8(justOver));
  });

  it('stores data that is not UTF-8 as its raw bytes, not as base64 text', async () => {
    const { sink, parked, rawData } = implementation.create();
    const bytes = Buffer.alloc(900_000, 0xff); // base64: 1.2 MB

    await sink.send(
      rejected(bytes.toString('base64'), { dataEncoding: 'base64', reason: 'not valid UTF-8 text' }),
    );

    const [only] = await parked();
    expectWithinSqsLimits(only!);
    const message = only!.message as StoredFailureMessage;
    expect(message.dataEncoding).toBe('base64');
    expect((await rawData(message.dataRef)).equals(bytes)).toBe(true);
    expect(message.dataRef.sha256).toBe(sha256(bytes));
  });

  it('cuts a reason of megabytes short when the data is stored, and keeps everything else', async () => {
    const { sink, parked, rawData } = implementation.create();
    const reason = `retries exhausted: ${'\u0000'.repeat(2_000_000)}`;

    await sink.send(rejected('{"small": true}', { reason }));

    const [only] = await parked();
    expectWithinSqsLimits(only!);
    const message = only!.message as StoredFailureMessage;
    expect(Array.from(message.reason)).toHaveLength(4_096);
    expect(message.reason.startsWith('retries exhausted: \u0000')).toBe(true);
    expect(message.reason.endsWith('…')).toBe(true);
    expect((await rawData(message.dataRef)).toString()).toBe('{"small": true}');
  });

  it('stores a retried record under the same key again, not under a new one', async () => {
    const { sink, parked } = implementation.create();
    const record = rejected('\u0002'.repeat(200_000));

    await sink.send(record);
    await sink.send(record);

    const [first, second] = await parked();
    expect((first!.message as StoredFailureMessage).dataRef).toEqual(
      (second!.message as StoredFailureMessage).dataRef,
    );
  });

  it('fails the send, and parks nothing, when the raw data cannot be stored', async () => {
    const { sink, parked } = implementation.createWithFailingStore();
    const record = rejected('\u0003'.repeat(200_000));

    await expect(sink.send(record)).rejects.toBeInstanceOf(RawDataStoreError);
    await expect(sink.send(record)).rejects.toMatchObject({
      context: { partitionKey: 'order-7', sequenceNumber: record.sequenceNumber },
    });
    expect(await parked()).toEqual([]);
  });
});

describe('parkedOnce', () => {
  it('parks a record the stream gives again once, and each other record', async () => {
    const inner = new InMemoryFailureSink();
    const sink = parkedOnce(inner);
    const record = (sequenceNumber: string, partitionKey = 'poison') => ({
      reason: 'not valid JSON',
      partitionKey,
      sequenceNumber,
      data: '{"poison"',
      dataEncoding: 'utf8' as const,
      rejectedAt: '2026-12-01T10:00:00.000Z',
    });

    await sink.send(record('1'));
    await sink.send(record('2'));
    await sink.send(record('1'));
    await sink.send(record('1', 'other'));

    expect(inner.records.map((r) => `${r.partitionKey}/${r.sequenceNumber}`)).toEqual([
      'poison/1',
      'poison/2',
      'other/1',
    ]);
  });

  it('sends a record again after its first send failed', async () => {
    let fail = true;
    const sent: string[] = [];
    const sink = parkedOnce({
      async send(r) {
        if (fail) throw new Error('unreachable queue');
        sent.push(r.sequenceNumber);
      },
    });
    const r = {
      reason: 'x',
      partitionKey: 'p',
      sequenceNumber: '9',
      data: 'x',
      dataEncoding: 'utf8' as const,
      rejectedAt: '2026-12-01T10:00:00.000Z',
    };

    await expect(sink.send(r)).rejects.toThrow('unreachable queue');
    fail = false;
    await sink.send(r);

    expect(sent).toEqual(['9']);
  });
});
