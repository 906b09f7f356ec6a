// Fake shards for the local event-source mapping's tests.
import type { PolledRecord, ShardReader } from '../../local/pollers/ShardPoller.ts';

/**
 * A shard that never closes, where a record arrives every `everyMs` (up to `most` records), from
 * now on; `readAt` holds when each record was read, by sequence number.
 */
export function steadyShard(everyMs: number, most = Number.POSITIVE_INFINITY) {
  const started = Date.now();
  const readAt = new Map<string, number>();
  let produced = 0;
  const reader: ShardReader<string> & { readAt: Map<string, number> } = {
    readAt,
    async open() {},
    async read(limit) {
      const due = Math.min(most, Math.floor((Date.now() - started) / everyMs));
      const records: PolledRecord<string>[] = [];
      while (produced < due && records.length < limit) {
        produced++;
        const sequenceNumber = String(produced).padStart(6, '0');
        readAt.set(sequenceNumber, Date.now());
        records.push({ sequenceNumber, record: `r${produced}` });
      }
      return { records, closed: false };
    },
  };
  return reader;
}
