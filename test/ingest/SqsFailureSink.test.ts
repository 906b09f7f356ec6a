// The SQS failure sink with S3 for oversized records, through the real SDK clients answered offline:
// the attributes SQS would refuse are sanitised, the data's pointer names the S3 object, a failure of
// either service fails the send, and the ingest parks a poison record of any size instead of
// retrying it forever.
import { Logger } from '@aws-lambda-powertools/logger';
import { SendMessageCommand, type SendMessageCommandInput } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { FailureMessageError, RawDataStoreError } from '../../ingest/errors.ts';
import type { RejectedRecord } from '../../ingest/FailureSink.ts';
import type { StoredFailureMessage } from '../../ingest/failureMessages.ts';
import { createIngestHandler } from '../../ingest/ingestHandler.ts';
import { S3RawDataStore } from '../../ingest/S3RawDataStore.ts';
import { SqsFailureSink } from '../../ingest/SqsFailureSink.ts';
import { InMemoryStateStore } from '../../state/InMemoryStateStore.ts';
import { kinesisEvent, lifecycle } from '../support/events.ts';
import { offlineS3, offlineSqs, SQS_LIMIT_BYTES } from './offlineAws.ts';

const QUEUE_URL = 'https://sqs.eu-central-1.amazonaws.com/123456789012/order-events-failures';
const BUCKET = 'twin-failed-records';

function setup() {
  const sqs = offlineSqs();
  const s3 = offlineS3();
  const sink = new SqsFailureSink(sqs.client, QUEUE_URL, new S3RawDataStore(s3.client, BUCKET));
  return { sqs, s3, sink };
}

const record = (overrides: Partial<RejectedRecord> = {}): RejectedRecord => ({
  reason: 'not valid JSON',
  partitionKey: 'order-7',
  sequenceNumber: '49660000000000000000000000000000000000000000000000000001',
  data: '{"not json',
  dataEncoding: 'utf8',
  rejectedAt: '2026-05-04T08:00:01.000Z',
  ...overrides,
});

describe('SQS failure sink', () => {
  it('replaces what SQS refuses in attribute values with U+FFFD and cuts them to 256 characters', async () => {
    const { sqs, sink } = setup();
    const reason = `a\u0000b\uFFFFc\uD800d\u{1F600}${'x'.repeat(500)}`;

    await sink.send(record({ reason, partitionKey: '' }));

    expect(sqs.refused).toEqual([]);
    const { attributes, body } = sqs.messages[0]!;
    const sanitised = Array.from(attributes.reason!.StringValue!);
    expect(sanitised).toHaveLength(256);
    expect(sanitised.slice(0, 8).join('')).toBe('a\uFFFDb\uFFFDc\uFFFDd\u{1F600}');
    expect(sanitised.at(-1)).toBe('…');
    expect(attributes.partitionKey).toEqual({ DataType: 'String', StringValue: '-' });
    expect(attributes.dataLocation).toEqual({ DataType: 'String', StringValue: 'inline' });
    // The body keeps the reason whole, escaped.
    expect(JSON.parse(body).reason).toBe(reason);
  });

  it('puts the data of an oversized record in S3 with its SHA-256, and says where in the message', async () => {
    const { sqs, s3, sink } = setup();
    const data = '\u0007'.repeat(200_000);

    await sink.send(record({ data }));

    expect(s3.puts).toHaveLength(1);
    const put = s3.puts[0]!;
    expect(put.key).toMatch(
      /^2026-05-04\/49660000000000000000000000000000000000000000000000000001-[0-9a-f]{16}$/,
    );
    const message = JSON.parse(sqs.messages[0]!.body) as StoredFailureMessage;
    expect(message.dataRef).toEqual({
      store: 's3',
      bucket: BUCKET,
      key: put.key,
      size: 200_000,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(put.key.endsWith(message.dataRef.sha256.slice(0, 16))).toBe(true);
    expect(sqs.messages[0]!.attributes.dataLocation!.StringValue).toBe('stored');
  });

  it('fails the send when S3 refuses the data, and sends no message', async () => {
    const { sqs, s3, sink } = setup();
    s3.refuse(true);

    const sending = sink.send(record({ data: '\u0007'.repeat(200_000) }));

    await expect(sending).rejects.toBeInstanceOf(RawDataStoreError);
    await expect(sending).rejects.toThrow(
      /S3 did not store s3:\/\/twin-failed-records\/2026-05-04\/.*AccessDenied/,
    );
    expect(sqs.messages).toEqual([]);
  });

  it('fails the send when SQS does not take the message', async () => {
    const { sqs, sink } = setup();
    sqs.lose(true);

    await expect(sink.send(record())).rejects.toBeInstanceOf(FailureMessageError);
    await expect(sink.send(record())).rejects.toMatchObject({ context: { partitionKey: 'order-7' } });
  });
});

describe('the offline SQS checks what SQS checks', () => {
  it('refuses a message over 1 MiB (the old sink sent one for a record of 1 MiB), and characters SQS refuses', async () => {
    const { sqs } = setup();
    const oversized = JSON.stringify(record({ data: 'x'.repeat(SQS_LIMIT_BYTES - 10) }));
    const attempts: Omit<SendMessageCommandInput, 'QueueUrl'>[] = [
      { MessageBody: oversized },
      {
        MessageBody: 'fine',
        MessageAttributes: { a: { DataType: 'String', StringValue: 'x'.repeat(SQS_LIMIT_BYTES) } },
      },
      { MessageBody: 'ends in \uFFFF' },
      {
        MessageBody: 'fine',
        MessageAttributes: { reason: { DataType: 'String', StringValue: 'lone \uD800' } },
      },
      { MessageBody: 'fine', MessageAttributes: { 'AWS.reason': { DataType: 'String', StringValue: 'x' } } },
    ];

    for (const input of attempts) {
      await expect(
        sqs.client.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, ...input })),
      ).rejects.toMatchObject({
        name: 'InvalidMessageContents',
      });
    }

    expect(sqs.refused.map((r) => r.problems.join('; '))).toEqual([
      expect.stringMatching(/^\d+ bytes, over 1048576$/),
      expect.stringMatching(/^\d+ bytes, over 1048576$/),
      'body holds U+FFFF',
      'attribute reason holds U+D800',
      'attribute name "AWS.reason"',
    ]);
    expect(sqs.messages).toEqual([]);
  });
});

describe('the ingest with the SQS failure sink', () => {
  const logger = new Logger({ serviceName: 'ingest', logLevel: 'SILENT' });

  it('parks poison records of 1 MiB and of 300,000 control characters, and applies the rest of the batch', async () => {
    const { sqs, s3, sink } = setup();
    const store = new InMemoryStateStore();
    const handler = createIngestHandler({ store, failures: sink, logger });
    const huge = `{"eventId":"${'9'.repeat(SQS_LIMIT_BYTES - 30)}"}`;
    const controls = `{"note":"${'\u0001'.repeat(300_000)}"}`;

    const response = await handler(
      kinesisEvent([...lifecycle('o1'), { raw: huge, key: 'o2' }, { raw: controls, key: 'o3' }]),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect((await store.get('o1'))!.status).toBe('delivered');
    expect(sqs.refused).toEqual([]);
    expect(sqs.messages).toHaveLength(2);
    for (const message of sqs.messages) expect(message.bytes).toBeLessThanOrEqual(SQS_LIMIT_BYTES);
    expect(s3.puts.map((p) => p.body.toString('utf8')).sort()).toEqual([huge, controls].sort());
  });

  it('reports a poison record for retry, rather than dropping it, while S3 refuses its data', async () => {
    const { sqs, s3, sink } = setup();
    s3.refuse(true);
    const handler = createIngestHandler({ store: new InMemoryStateStore(), failures: sink, logger });
    const poison = { raw: `"${'\u0001'.repeat(300_000)}"`, key: 'o1' };
    const event = kinesisEvent([lifecycle('o2')[0]!, poison]);

    const response = await handler(event);

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: event.Records[1]!.kinesis.sequenceNumber },
    ]);
    expect(sqs.messages).toEqual([]);
  });
});
