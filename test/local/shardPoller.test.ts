// The local event-source mapping's semantics, on a fake shard: batches, checkpoints after success,
// resuming from the lowest failed record, bisect on error, retries and the failure destination.
import { describe, expect, it } from 'vitest';
import {
  type MappingSettings,
  type PolledRecord,
  pollShard,
  pollWait,
  type ShardReader,
} from '../../local/pollers/ShardPoller.ts';
import { steadyShard } from '../support/shards.ts';

/** A shard holding `n` records "r1".."rn", with sequence numbers 1..n, closed at its end. */
function shard(n: number): ShardReader<string> & { reads: number } {
  const records = Array.from({ length: n }, (_, i) => ({
    sequenceNumber: String(i + 1).padStart(5, '0'),
    record: `r${i + 1}`,
  }));
  let position = 0;
  return {
    reads: 0,
    async open(after) {
      position = after === undefined ? 0 : records.findIndex((r) => r.sequenceNumber === after) + 1;
    },
    async read(limit) {
      this.reads++;
      const page = records.slice(position, position + limit);
      position += page.length;
      return { records: page, closed: position >= records.length };
    },
  };
}

const settings: MappingSettings = {
  batchSize: 4,
  batchingWindowMs: 0,
  maxRetries: 2,
  bisectOnError: true,
  pollIntervalMs: 1,
  maxBackoffMs: 2,
};

async function run(
  n: number,
  invoke: (batch: string[]) => Promise<string[]> | string[],
  options: Partial<MappingSettings> = {},
  after?: string,
) {
  const batches: string[][] = [];
  const checkpoints: string[] = [];
  const exhausted: [string, string][] = [];
  await pollShard(
    shard(n),
    after,
    { ...settings, ...options },
    {
      invoke: async (records: PolledRecord<string>[]) => {
        const batch = records.map((r) => r.record);
        batches.push(batch);
        const failed = await invoke(batch);
        return { failed: records.filter((r) => failed.includes(r.record)).map((r) => r.sequenceNumber) };
      },
      checkpoint: async (seq) => void checkpoints.push(seq),
      exhausted: async (record, reason) => void exhausted.push([record.record, reason]),
    },
    new AbortController().signal,
  );
  return { batches, checkpoints, exhausted };
}

describe('local event-source mapping', () => {
  it('hands records over in order, in batches, and checkpoints after each', async () => {
    const { batches, checkpoints } = await run(10, () => []);

    expect(batches).toEqual([
      ['r1', 'r2', 'r3', 'r4'],
      ['r5', 'r6', 'r7', 'r8'],
      ['r9', 'r10'],
    ]);
    expect(checkpoints).toEqual(['00004', '00008', '00010']);
  });

  it('resumes from the lowest failed record of a partial failure', async () => {
    let failOnce = true;
    const { batches, checkpoints } = await run(6, (batch) => {
      if (failOnce && batch.includes('r3')) {
        failOnce = false;
        return ['r3', 'r4'];
      }
      return [];
    });

    expect(batches).toEqual([
      ['r1', 'r2', 'r3', 'r4'],
      ['r3', 'r4', 'r5', 'r6'],
    ]);
    expect(checkpoints).toEqual(['00002', '00006']);
  });

  it('splits a batch that throws until the poison record is alone, then gives up on it after the retries', async () => {
    const { batches, exhausted, checkpoints } = await run(4, (batch) => {
      if (batch.includes('r3')) throw new Error('boom');
      return [];
    });

    expect(batches.slice(0, 3)).toEqual([
      ['r1', 'r2', 'r3', 'r4'],
      ['r1', 'r2'],
      ['r3', 'r4'],
    ]);
    expect(exhausted).toEqual([['r3', 'retries exhausted (2): boom']]);
    expect(batches.filter((b) => b.length === 1 && b[0] === 'r3')).toHaveLength(3);
    expect(batches.at(-1)).toEqual(['r4']);
    expect(checkpoints.at(-1)).toBe('00004');
  });

  it('gives up on a record a handler keeps reporting as failed, after the maximum retries', async () => {
    const { exhausted, checkpoints, batches } = await run(3, () => ['r2'], {
      bisectOnError: false,
      maxRetries: 1,
    });

    expect(exhausted).toEqual([['r2', 'retries exhausted (1): reported as failed by the handler']]);
    expect(batches.filter((b) => b.includes('r2'))).toHaveLength(2);
    expect(checkpoints.at(-1)).toBe('00003');
  });

  it('starts after the checkpoint', async () => {
    const { batches } = await run(6, () => [], {}, '00004');

    expect(batches).toEqual([['r5', 'r6']]);
  });

  it('reads the next records while a batch is being handled', async () => {
    const reader = shard(12);
    let readsByEndOfFirstBatch = -1;
    await pollShard(
      reader,
      undefined,
      settings,
      {
        invoke: async (records) => {
          if (records[0]!.record === 'r1') {
            await new Promise((r) => setTimeout(r, 30));
            readsByEndOfFirstBatch = reader.reads;
          }
          return { failed: [] };
        },
        checkpoint: async () => {},
        exhausted: async () => {},
      },
      new AbortController().signal,
    );

    // Without reading ahead, the first batch's page would be the only read so far.
    expect(readsByEndOfFirstBatch).toBeGreaterThanOrEqual(2);
  });

  it('gathers records for the batching window before invoking', async () => {
    // A shard where one record arrives every 10 ms, twenty in all, never closed.
    const reader = steadyShard(10, 20);
    const stop = new AbortController();
    const batches: number[] = [];
    const polling = pollShard(
      reader,
      undefined,
      { ...settings, batchSize: 100, batchingWindowMs: 120, pollIntervalMs: 5 },
      {
        invoke: async (records) => {
          batches.push(records.length);
          if (batches.reduce((a, b) => a + b, 0) >= 20) stop.abort();
          return { failed: [] };
        },
        checkpoint: async () => {},
        exhausted: async () => {},
      },
      stop.signal,
    );
    await polling;

    expect(batches.length).toBeLessThanOrEqual(3);
    expect(batches[0]).toBeGreaterThanOrEqual(8);
  });

  it('reads a shard that stays empty less and less often, and at once again when records come', () => {
    const idle = { ...settings, pollIntervalMs: 100, idlePollIntervalMs: 1_000 };
    // After a page with records: the base interval; after 1, 2, 3... empty reads in a row: doubling, capped.
    expect([0, 1, 2, 3, 4, 5, 20].map((n) => pollWait(idle, n))).toEqual([
      100, 100, 200, 400, 800, 1_000, 1_000,
    ]);
    // Without an idle interval, the base interval throughout.
    expect([0, 1, 5].map((n) => pollWait({ ...idle, idlePollIntervalMs: undefined }, n))).toEqual([
      100, 100, 100,
    ]);
  });

  it('backs off while the shard is empty, and hands over what arrives after', async () => {
    // A shard that stays empty for 600 ms, then holds one record.
    const started = Date.now();
    let reads = 0;
    const reader: ShardReader<string> = {
      async open() {},
      async read() {
        reads++;
        return Date.now() - started < 600
          ? { records: [], closed: false }
          : { records: [{ sequenceNumber: '1', record: 'late' }], closed: true };
      },
    };
    const handed: string[] = [];
    await pollShard(
      reader,
      undefined,
      { ...settings, pollIntervalMs: 10, idlePollIntervalMs: 160 },
      {
        invoke: async (records) => {
          handed.push(...records.map((r) => r.record));
          return { failed: [] };
        },
        checkpoint: async () => {},
        exhausted: async () => {},
      },
      new AbortController().signal,
    );

    expect(handed).toEqual(['late']);
    // Waits of 10, 20, 40, 80, 160, 160 ms: the record is read on the 8th read (about 60 at a steady 10 ms).
    expect(reads).toBeLessThanOrEqual(9);
  });

  it('finishes and checkpoints the batch in flight when stopped', async () => {
    const stop = new AbortController();
    const checkpoints: string[] = [];
    await pollShard(
      shard(100),
      undefined,
      settings,
      {
        invoke: async () => {
          stop.abort();
          await new Promise((r) => setTimeout(r, 20));
          return { failed: [] };
        },
        checkpoint: async (seq) => void checkpoints.push(seq),
        exhausted: async () => {},
      },
      stop.signal,
    );

    expect(checkpoints).toEqual(['00004']);
  });

  it('sends records older than the maximum record age to the failure destination instead of the handler', async () => {
    const now = Date.now();
    const records = ['old1', 'old2', 'new1'].map((record, i) => ({
      sequenceNumber: String(i + 1),
      record,
      arrivedAt: record.startsWith('old') ? now - 7 * 3_600_000 : now,
    }));
    let read = false;
    const reader: ShardReader<string> = {
      async open() {},
      async read() {
        const page = read ? [] : records;
        read = true;
        return { records: page, closed: true };
      },
    };
    const handed: string[] = [];
    const exhausted: [string, string][] = [];
    const checkpoints: string[] = [];

    await pollShard(
      reader,
      undefined,
      { ...settings, maxRecordAgeMs: 6 * 3_600_000 },
      {
        invoke: async (batch) => {
          handed.push(...batch.map((r) => r.record));
          return { failed: [] };
        },
        checkpoint: async (seq) => void checkpoints.push(seq),
        exhausted: async (record, reason) => void exhausted.push([record.record, reason]),
      },
      new AbortController().signal,
    );

    expect(handed).toEqual(['new1']);
    expect(exhausted).toEqual([
      ['old1', 'older than the maximum record age (6 h)'],
      ['old2', 'older than the maximum record age (6 h)'],
    ]);
    expect(checkpoints).toEqual(['2', '3']);
  });
});
