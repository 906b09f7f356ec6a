// The local event-source mapping's pace under a steady stream of records: each batch waits out its
// own batching window from its first record's read, and the handler rests between batches as long
// as the last one took, up to a window. Wall-clock bounds: this file runs in the timed group.
import { describe, expect, it } from 'vitest';
import { pollShard } from '../../local/pollers/ShardPoller.ts';
import { steadyShard } from '../support/shards.ts';

/** Runs `batches` batches of a handler that takes `handleMs`; per batch, when its first record was read, and when it began and ended. */
async function paced(windowMs: number, handleMs: number, batches: number) {
  const reader = steadyShard(5);
  const stop = new AbortController();
  const seen: { headReadAt: number; began: number; ended: number }[] = [];
  await pollShard(
    reader,
    undefined,
    {
      batchSize: 10_000,
      batchingWindowMs: windowMs,
      maxRetries: 0,
      bisectOnError: false,
      pollIntervalMs: 5,
      maxBackoffMs: 10,
    },
    {
      invoke: async (records) => {
        const began = Date.now();
        await new Promise((r) => setTimeout(r, handleMs));
        seen.push({ headReadAt: reader.readAt.get(records[0]!.sequenceNumber)!, began, ended: Date.now() });
        if (seen.length >= batches) stop.abort();
        return { failed: [] };
      },
      checkpoint: async () => {},
      exhausted: async () => {},
    },
    stop.signal,
  );
  return seen;
}

describe('local event-source mapping, its pace', () => {
  it('hands a batch read while another is handled over after its own window, not a window after the other', async () => {
    const seen = await paced(600, 300, 4);

    for (const [i, batch] of seen.entries()) {
      // Never before its window has passed (a millisecond's rounding aside)...
      expect(batch.began - batch.headReadAt).toBeGreaterThanOrEqual(598);
      if (i === 0) continue;
      // ...read while the one before was handled...
      expect(batch.headReadAt).toBeLessThan(seen[i - 1]!.ended);
      // ...and not a window after that one ended (which is about 900 ms after its first read).
      expect(batch.began - batch.headReadAt).toBeLessThan(750);
    }
  });

  it('rests between batches as long as the last one took, up to a window', async () => {
    for (const [windowMs, handleMs] of [
      [400, 250],
      [100, 250],
    ] as const) {
      const seen = await paced(windowMs, handleMs, 3);
      for (let i = 1; i < seen.length; i++) {
        const took = seen[i - 1]!.ended - seen[i - 1]!.began;
        expect(seen[i]!.began - seen[i - 1]!.ended).toBeGreaterThanOrEqual(Math.min(windowMs, took) - 2);
      }
    }
  });
});
