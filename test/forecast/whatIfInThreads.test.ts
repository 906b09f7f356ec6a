// What-if on worker threads: the same result as in one thread, whatever the number of threads.
import { afterAll, describe, expect, it } from 'vitest';
import { ReplicationPool, sharedReplicationQueue } from '../../forecast/threads/ReplicationPool.ts';
import { startWhatIfThreads, whatIfInThreads } from '../../forecast/threads/whatIfInThreads.ts';
import { type OrderState, parsePlantModel, type Snapshot } from '../../orderflow/index.ts';
import { parseVariants } from '../../orderflow/whatif/variant.ts';
import { whatIf } from '../../orderflow/whatif/whatIf.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const model = parsePlantModel({
  name: 'two stations',
  timeUnit: 'min',
  stations: [{ id: 'cut' }, { id: 'press' }],
  products: [
    {
      id: 'part',
      routing: [
        { step: 'cutting', kind: 'operation', station: 'cut', duration: { dist: 'exponential', mean: 4 } },
        { step: 'pressing', kind: 'operation', station: 'press', duration: { dist: 'exponential', mean: 6 } },
      ],
    },
  ],
});
const orders: OrderState[] = Array.from({ length: 30 }, (_, i) => ({
  orderId: `o${i}`,
  acceptedAt: T0 - i * MIN,
  dueAt: T0 + (60 + 7 * i) * MIN,
}));
const snapshot: Snapshot = { asOf: T0, orders };
const variants = parseVariants([
  { name: 'one more press', changes: [{ change: 'units', station: 'press', add: 1 }] },
  { name: 'by due date', changes: [{ change: 'queue-rule', station: 'press', rule: 'due-date' }] },
]);

const pools: ReplicationPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('what-if on worker threads', () => {
  it('gives the result of one thread, with 1, 2 and 3 threads', { timeout: 60_000 }, async () => {
    const options = { replications: 25, seed: 4 };
    const alone = whatIf(snapshot, model, variants, options);
    for (const size of [0, 1, 2]) {
      const pool = new ReplicationPool(size);
      pools.push(pool);
      const seen: number[] = [];
      const threaded = await whatIfInThreads(
        snapshot,
        model,
        variants,
        {
          ...options,
          onProgress: (done) => seen.push(done),
        },
        pool,
      );

      expect(threaded, `${size + 1} threads`).toEqual(alone);
      expect(seen.at(-1)).toBeLessThanOrEqual(3 * 26);
    }
  });

  it('runs a few replications, fewer than make a thread’s share, in the calling thread alone', async () => {
    const pool = new ReplicationPool(1);
    pools.push(pool);
    for (const replications of [0, 1, 2, 5]) {
      const alone = whatIf(snapshot, model, variants, { replications });
      expect(
        await whatIfInThreads(snapshot, model, variants, { replications }, pool),
        `${replications}`,
      ).toEqual(alone);
    }
  });

  it('starts the threads a comparison will need before it runs, and none for a few replications', async () => {
    const pool = new ReplicationPool(1);
    pools.push(pool);
    startWhatIfThreads(5, pool);
    expect(pool.running).toBe(0);
    startWhatIfThreads(100, pool);
    expect(pool.running).toBe(1);
    const options = { replications: 12, seed: 2 };
    expect(await whatIfInThreads(snapshot, model, variants, options, pool)).toEqual(
      whatIf(snapshot, model, variants, options),
    );
    expect(pool.running).toBe(1);
  });

  it('reports a thread’s failure as an error, not a hang', { timeout: 60_000 }, async () => {
    const pool = new ReplicationPool(1);
    pools.push(pool);
    const bad = parseVariants({ name: 'nope', changes: [{ change: 'priority', order: 'o1', priority: 1 }] });
    // A share whose snapshot lacks the order the variant names fails in the thread.
    await expect(
      pool.run({
        snapshot: { asOf: T0, orders: [] },
        model,
        variants: bad,
        options: { replications: 4 },
        queue: sharedReplicationQueue(4, 2),
      }),
    ).rejects.toThrow(
      'variant "nope", change 1 (priority): order "o1" is not an active order of the snapshot',
    );
  });

  it('refuses a variant the snapshot has no order for once, though every thread refuses it', async () => {
    const pool = new ReplicationPool(1);
    pools.push(pool);
    const bad = parseVariants({ name: 'nope', changes: [{ change: 'priority', order: 'o99', priority: 1 }] });
    // The pool's share starts before this thread checks the variant: its refusal is not a second error.
    await expect(whatIfInThreads(snapshot, model, bad, { replications: 20 }, pool)).rejects.toThrow(
      'variant "nope", change 1 (priority): order "o99" is not an active order of the snapshot',
    );
    // The pool serves the next comparison as before.
    expect(await whatIfInThreads(snapshot, model, variants, { replications: 8 }, pool)).toEqual(
      whatIf(snapshot, model, variants, { replications: 8 }),
    );
  });
});
