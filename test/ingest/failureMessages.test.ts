// The pieces of a failure message: JSON that SQS takes and that gives back exactly what went in,
// attribute text stripped of what SQS refuses and cut without splitting a character, record data kept
// byte for byte, and keys for stored data that cannot leave their folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { RawDataStoreError } from '../../ingest/errors.ts';
import type { RejectedRecord } from '../../ingest/FailureSink.ts';
import {
  dataKey,
  messageJson,
  rawData,
  recordData,
  sqsSafeText,
  truncate,
} from '../../ingest/failureMessages.ts';
import { checkKey, DirectoryRawDataStore } from '../../ingest/RawDataStore.ts';
import { refusedCodePoint } from './offlineAws.ts';

/** Any UTF-16 text: arbitrary code units (lone surrogates, U+FFFF, controls) and astral characters. */
const anyText = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
    fc.constantFrom('\u0000', '\uFFFE', '\uFFFF', '\uD800', '\uDFFF', '\u{1F600}', '"', '\\', '\u2028'),
  ),
  maxLength: 200,
});

const codePoints = (text: string) => Array.from(text).length;

describe('messageJson', () => {
  it('gives JSON that SQS takes and that parses back to exactly the value, for any text', () => {
    fc.assert(
      fc.property(anyText, anyText, (reason, data) => {
        const json = messageJson({ reason, data });
        expect(refusedCodePoint(json)).toBeUndefined();
        expect(JSON.parse(json)).toEqual({ reason, data });
      }),
    );
  });

  it('escapes the characters JSON.stringify leaves but SQS refuses', () => {
    expect(messageJson('\uFFFE\uFFFF\uD800')).toBe('"\\ufffe\\uffff\\ud800"');
  });
});

describe('sqsSafeText', () => {
  it('leaves only characters SQS takes, at most the given number, for any text', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 300 }), (text, max) => {
        const safe = sqsSafeText(text, max);
        expect(refusedCodePoint(safe)).toBeUndefined();
        expect(codePoints(safe)).toBeLessThanOrEqual(max);
        if (refusedCodePoint(text) === undefined && codePoints(text) <= max) expect(safe).toBe(text);
      }),
    );
  });

  it('replaces each refused character with U+FFFD, one for one', () => {
    expect(sqsSafeText('a\u0000b\uFFFFc\uD800d\u0009\u{10FFFF}', 100)).toBe(
      'a\uFFFDb\uFFFDc\uFFFDd\u0009\u{10FFFF}',
    );
  });
});

describe('truncate', () => {
  it('cuts between characters, never inside a surrogate pair, and marks the cut', () => {
    expect(truncate('😀'.repeat(10), 5)).toBe('😀😀😀😀…');
    expect(truncate('😀'.repeat(5), 5)).toBe('😀'.repeat(5));
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdefg', 6)).toBe('abcde…');
  });
});

describe('record data', () => {
  it('keeps UTF-8 as text and anything else as base64, and gives the same bytes back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const held = recordData(bytes);
        const record = { ...held } as RejectedRecord;
        expect(rawData(record).equals(Buffer.from(bytes))).toBe(true);
      }),
    );
    expect(recordData(Buffer.from('{"é": 1}'))).toEqual({ data: '{"é": 1}', dataEncoding: 'utf8' });
    expect(recordData(Uint8Array.of(0xff, 0xfe))).toEqual({ data: '//4=', dataEncoding: 'base64' });
  });
});

describe('keys of stored data', () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('are made of the day, the sequence number and the digest, with nothing that climbs out of a folder', () => {
    const record = {
      rejectedAt: '2026-05-04T08:00:01.000Z',
      sequenceNumber: '../../etc/passwd',
    } as RejectedRecord;
    const key = dataKey(record, 'ab'.repeat(32));
    expect(key).toBe('2026-05-04/______etc_passwd-abababababababab');
    expect(() => checkKey(key)).not.toThrow();
  });

  it('are refused by a store when they could leave its folder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'twin-raw-'));
    folders.push(folder);
    const store = new DirectoryRawDataStore(folder);
    for (const key of ['../outside', '/absolute', 'a/../../b', '', 'a//b', '.hidden']) {
      await expect(store.put(key, Buffer.from('x'), '00')).rejects.toBeInstanceOf(RawDataStoreError);
    }
    await expect(store.put('2026-05-04/1-ab', Buffer.from('x'), '00')).resolves.toMatchObject({
      store: 'file',
      path: join(folder, '2026-05-04/1-ab'),
      size: 1,
    });
  });
});
