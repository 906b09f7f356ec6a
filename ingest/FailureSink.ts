// Where records that can never be applied go (a record that is not JSON, or not a valid v1 event),
// with the reason and the raw record, so that nothing is lost and the shard is not blocked. Every
// destination keeps one message per record within SQS's limits (failureMessages.ts), so that a
// record parks the same way locally and on AWS.
import { appendFile, mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { FailureMessageError } from './errors.ts';
import { buildFailureMessage, MAX_MESSAGE_BYTES } from './failureMessages.ts';
import { DirectoryRawDataStore, InMemoryRawDataStore, type RawDataStore } from './RawDataStore.ts';

/** A record the ingest gave up on, and why. */
export interface RejectedRecord {
  reason: string;
  /** The record's partition key (the order id, if the producer followed the contract). */
  partitionKey: string;
  sequenceNumber: string;
  /** The record's data as text (UTF-8), or base64 when it is not valid UTF-8. */
  data: string;
  dataEncoding: 'utf8' | 'base64';
  /** When the ingest rejected it (ISO-8601). */
  rejectedAt: string;
}

/** The failure destination: resolves once the record is parked for good, else throws (and it is retried). */
export interface FailureSink {
  send(record: RejectedRecord): Promise<void>;
}

/**
 * `sink`, parking each record once: a batch that the stream gives again (a later record of it failed,
 * and the stream resumes from there) sends its rejected records again, and they are left out. Within
 * one process (a Lambda's container, the embedded twin); across processes a consumer tells a repeat
 * by its sequence number.
 */
export function parkedOnce(sink: FailureSink): FailureSink {
  const parked = new Set<string>();
  return {
    async send(record) {
      const key = `${record.partitionKey}\u0000${record.sequenceNumber}`;
      if (parked.has(key)) return;
      await sink.send(record);
      parked.add(key);
    },
  };
}

/** The folder for raw data too large for a line of `failureFile`: `failures.jsonl` → `failures-data`. */
export function rawDataDirectoryFor(failureFile: string): string {
  return join(dirname(failureFile), `${basename(failureFile, extname(failureFile))}-data`);
}

/**
 * Appends one JSON line per rejected record to a file (the embedded runtime's failure destination),
 * each line within SQS's message limit; larger data goes to a file in a folder beside it.
 */
export class FileFailureSink implements FailureSink {
  readonly dataStore: RawDataStore;

  constructor(
    readonly path: string,
    dataStore?: RawDataStore,
  ) {
    this.dataStore = dataStore ?? new DirectoryRawDataStore(rawDataDirectoryFor(path));
  }

  async send(record: RejectedRecord): Promise<void> {
    const { body } = await buildFailureMessage(record, {
      store: this.dataStore,
      maxBytes: MAX_MESSAGE_BYTES,
      overheadBytes: () => 1, // the newline
    });
    try {
      await mkdir(dirname(this.path), { recursive: true });
      await appendFile(this.path, `${body}\n`, 'utf8');
    } catch (error) {
      throw new FailureMessageError(
        `could not append to ${this.path}`,
        { partitionKey: record.partitionKey, sequenceNumber: record.sequenceNumber },
        { cause: error },
      );
    }
  }
}

/** Keeps rejected records in memory (tests), and the messages a consumer would read. */
export class InMemoryFailureSink implements FailureSink {
  /** The records as they were sent. */
  readonly records: RejectedRecord[] = [];
  /** The message bodies, as SQS or failures.jsonl would hold them. */
  readonly messages: string[] = [];

  constructor(readonly dataStore: RawDataStore = new InMemoryRawDataStore()) {}

  async send(record: RejectedRecord): Promise<void> {
    const { body } = await buildFailureMessage(record, {
      store: this.dataStore,
      maxBytes: MAX_MESSAGE_BYTES,
      overheadBytes: () => 0,
    });
    this.records.push(record);
    this.messages.push(body);
  }
}
