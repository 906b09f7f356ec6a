// Where records that can never be applied go (a record that is not JSON, or not a valid v1 event),
// with the reason and the raw record, so that nothing is lost and the shard is not blocked.
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

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

/** The failure destination. */
export interface FailureSink {
  send(record: RejectedRecord): Promise<void>;
}

/** Appends one JSON line per rejected record to a file (the embedded runtime's failure destination). */
export class FileFailureSink implements FailureSink {
  constructor(readonly path: string) {}

  async send(record: RejectedRecord): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(record)}\n`, 'utf8');
  }
}

/** Keeps rejected records in memory (tests). */
export class InMemoryFailureSink implements FailureSink {
  readonly records: RejectedRecord[] = [];

  async send(record: RejectedRecord): Promise<void> {
    this.records.push(record);
  }
}
