// How a rejected record becomes a failure message that SQS (and the local file) takes: within SQS's
// size limit and character set, whatever the record holds. When the record does not fit, its raw
// data is stored beside the queue and the message points to it; nothing is dropped on the way.
import { createHash } from 'node:crypto';
import { FailureQueue } from '../contracts/resources.ts';
import { FailureMessageTooLargeError, RawDataStoreError } from './errors.ts';
import type { RejectedRecord } from './FailureSink.ts';
import type { DataPointer, RawDataStore } from './RawDataStore.ts';

/** The largest failure message in UTF-8 bytes: SQS's limit on body and attributes together. */
export const MAX_MESSAGE_BYTES = FailureQueue.maxMessageBytes;

/** Longest text field (code points) of a message whose data is stored elsewhere. */
export const STORED_FIELD_MAX_CHARS = 4_096;

/** A failure message whose record's data was too large for it: the data is where `dataRef` says. */
export interface StoredFailureMessage extends Omit<RejectedRecord, 'data'> {
  dataRef: DataPointer;
}

/** What a consumer of the failure destination reads: the record whole, or with a pointer to its data. */
export type FailureMessage = RejectedRecord | StoredFailureMessage;

/** Whether the record's data is in the message or stored beside it. */
export type DataPlacement = 'inline' | 'stored';

// The characters SQS takes in a body and in string attribute values, those of XML 1.0: "#x9 | #xA |
// #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF" (SendMessage, SQS API reference).
// With the u flag a lone surrogate is one code point, outside the set.
const REFUSED_BY_SQS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** `text` with every character SQS refuses replaced by U+FFFD, and cut to `maxChars` code points. */
export function sqsSafeText(text: string, maxChars: number): string {
  // Cut first: a refused code point becomes exactly one U+FFFD, so the count does not change.
  return truncate(text, maxChars).replace(REFUSED_BY_SQS, '\uFFFD');
}

/** `text` cut to at most `maxChars` code points (ending in "…" when cut), never inside a surrogate pair. */
export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  let end = 0;
  let cut = 0;
  for (let points = 0; points < maxChars; points++) {
    if (end >= text.length) return text;
    if (points === maxChars - 1) cut = end;
    end += (text.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
  }
  return end >= text.length ? text : `${text.slice(0, cut)}…`;
}

/**
 * `value` as JSON that SQS takes, losslessly: JSON.stringify escapes control characters and lone
 * surrogates (well-formed since ES2019), and U+FFFE and U+FFFF, which it leaves, are escaped here
 * (they can only occur inside JSON strings).
 */
export function messageJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\uFFFE\uFFFF]/g, (c) => (c === '\uFFFE' ? '\\ufffe' : '\\uffff'));
}

/** The size of `text` as SQS counts it: UTF-8 bytes. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** A record's data as a failure record holds it: UTF-8 text, or base64 when the bytes are not UTF-8. */
export function recordData(bytes: Uint8Array): Pick<RejectedRecord, 'data' | 'dataEncoding'> {
  try {
    return { data: strictUtf8.decode(bytes), dataEncoding: 'utf8' };
  } catch {
    return { data: Buffer.from(bytes).toString('base64'), dataEncoding: 'base64' };
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The record's raw bytes, as they were on the stream. */
export function rawData(record: RejectedRecord): Buffer {
  return Buffer.from(record.data, record.dataEncoding === 'base64' ? 'base64' : 'utf8');
}

/** A path segment made of letters, digits, `_` and `-` only. */
function segment(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 128) || '_';
}

/**
 * Where a record's raw data is stored: by day, sequence number and digest, so that a retried send
 * writes the same object again rather than another one.
 */
export function dataKey(record: RejectedRecord, sha256: string): string {
  return `${segment(record.rejectedAt.slice(0, 10))}/${segment(record.sequenceNumber)}-${sha256.slice(0, 16)}`;
}

export interface MessageLimits {
  /** Where the raw data goes when the record does not fit. */
  store: RawDataStore;
  /** The largest message in bytes, everything counted. */
  maxBytes: number;
  /** Bytes the destination adds to the body for a placement (SQS attributes, a line's newline). */
  overheadBytes: (placement: DataPlacement) => number;
}

/** A failure message ready to send: its body and where the record's data is. */
export interface BuiltMessage {
  body: string;
  placement: DataPlacement;
}

/**
 * The failure message for `record`: the record whole when it fits within `maxBytes`, measured after
 * JSON escaping; else its raw data put in the store and a small message with a pointer (bucket or
 * path, key, size, SHA-256) and the reason, cut to a few thousand characters. Throws when the data
 * cannot be stored, so that the record is retried rather than lost.
 */
export async function buildFailureMessage(
  record: RejectedRecord,
  limits: MessageLimits,
): Promise<BuiltMessage> {
  const data = rawData(record);
  // The body holds the data at least byte for byte: larger data need not be serialised to be refused.
  if (data.byteLength + limits.overheadBytes('inline') <= limits.maxBytes) {
    const body = messageJson(record);
    if (utf8Bytes(body) + limits.overheadBytes('inline') <= limits.maxBytes)
      return { body, placement: 'inline' };
  }
  const sha256 = createHash('sha256').update(data).digest('hex');
  const context = { partitionKey: record.partitionKey, sequenceNumber: record.sequenceNumber };
  let dataRef: DataPointer;
  try {
    dataRef = await limits.store.put(dataKey(record, sha256), data, sha256);
  } catch (error) {
    if (error instanceof RawDataStoreError)
      throw new RawDataStoreError(error.message, { ...error.context, ...context }, { cause: error });
    throw new RawDataStoreError('could not store the raw record data', context, { cause: error });
  }
  const message: StoredFailureMessage = {
    reason: truncate(record.reason, STORED_FIELD_MAX_CHARS),
    partitionKey: truncate(record.partitionKey, STORED_FIELD_MAX_CHARS),
    sequenceNumber: truncate(record.sequenceNumber, STORED_FIELD_MAX_CHARS),
    dataEncoding: record.dataEncoding,
    dataRef,
    rejectedAt: record.rejectedAt,
  };
  const body = messageJson(message);
  const size = utf8Bytes(body) + limits.overheadBytes('stored');
  if (size > limits.maxBytes) {
    throw new FailureMessageTooLargeError(
      `the failure message is ${size} bytes even without the record's data (limit ${limits.maxBytes})`,
      context,
    );
  }
  return { body, placement: 'stored' };
}
