// The local event-source mapping while a service is down: a failure during an outage is nobody's
// fault. The poller waits for the service, counts no retry, does not bisect, sends nothing to the
// failure destination, and carries on from where it was; a read failure reopens the shard there.
import { describe, expect, it } from 'vitest';
import {
  type MappingSettings,
  type PolledRecord,
  pollShard,
  type ShardReader,
} from '../../local/pollers/ShardPoller.ts';

/** A shard of `n` records "r1".."rn" whose reads fail while `down()` says so. */
function shard(n: number, down: () => boolean): ShardReader<string> & { opened: (string | undefined)[] } {
  const records = Array.from({ length: n }, (_, i) => ({
    sequenceNumber: String(i + 1).padStart(5, '0'),
    record: `r${i + 1}`,
  }));
  let position = 0;
  const opened: (string | undefined)[] = [];
  return {
    opened,
    async open(after) {
      if (down()) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      opened.push(after);
      position = after === undefined ? 0 : records.findIndex((r) => r.sequenceNumber === after) + 1;
    },
    async read(limit) {
      if (down()) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const page = records.slice(position, position + limit);
      position += page.length;
      return { records: page, closed: position >= records.length };
    },
  };
}

const settings: MappingSettings = {
  batchSize: 4,
  batchingWindowMs: 0,
  maxRetries: 1,
  bisectOnError: true,
  pollIntervalMs: 1,
  maxBackoffMs: 2,
};

describe('local event-source mapping during an outage', () => {
  it('waits out a handler’s outage without counting retries, bisecting or giving up on a record', async () => {
    // The handler's service is down for its first five invocations: more than the retries allowed.
    let invocations = 0;
    let outagesAsked = 0;
    const batches: string[][] = [];
    const exhausted: string[] = [];
    const checkpoints: string[] = [];
    await pollShard(
      shard(8, () => false),
      undefined,
      settings,
      {
        invoke: async (records: PolledRecord<string>[]) => {
          batches.push(records.map((r) => r.record));
          if (++invocations <= 5) throw new Error('connect ECONNREFUSED');
          return { failed: [] };
        },
        checkpoint: async (seq) => void checkpoints.push(seq),
        exhausted: async (record) => void exhausted.push(record.record),
        outage: async (during) => {
          expect(during).toBe('invoke');
          outagesAsked++;
          return invocations <= 5;
        },
      },
      new AbortController().signal,
    );

    expect(exhausted).toEqual([]);
    // Whole batches each time: no bisecting while the service is down.
    expect(batches.slice(0, 6)).toEqual(Array.from({ length: 6 }, () => ['r1', 'r2', 'r3', 'r4']));
    expect(batches.at(-1)).toEqual(['r5', 'r6', 'r7', 'r8']);
    expect(checkpoints).toEqual(['00004', '00008']);
    expect(outagesAsked).toBe(5);
  });

  it('still counts retries, and gives up, when the service answers (the failure is the record’s)', async () => {
    const exhausted: string[] = [];
    await pollShard(
      shard(2, () => false),
      undefined,
      { ...settings, batchSize: 1 },
      {
        invoke: async (records) => ({
          failed: records.filter((r) => r.record === 'r1').map((r) => r.sequenceNumber),
        }),
        checkpoint: async () => {},
        exhausted: async (record) => void exhausted.push(record.record),
        outage: async () => false,
      },
      new AbortController().signal,
    );

    expect(exhausted).toEqual(['r1']);
  });

  it('reopens the shard after the last record read once the service answers again', async () => {
    // The stream's service goes down after the first page and comes back on the third question.
    let reads = 0;
    let asked = 0;
    const reader = shard(8, () => reads >= 1 && asked < 3);
    const read = reader.read.bind(reader);
    reader.read = async (limit) => {
      const page = await read(limit);
      reads++;
      return page;
    };
    const handed: string[] = [];
    await pollShard(
      reader,
      undefined,
      settings,
      {
        invoke: async (records) => {
          handed.push(...records.map((r) => r.record));
          return { failed: [] };
        },
        checkpoint: async () => {},
        exhausted: async () => {},
        outage: async (during) => {
          expect(during).toBe('read');
          asked++;
          return true;
        },
        onError: (error) => {
          throw new Error(`an outage is not reported as an error: ${error}`);
        },
      },
      new AbortController().signal,
    );

    expect(handed).toEqual(['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8']);
    expect(reader.opened).toEqual([undefined, '00004']);
  });
});
