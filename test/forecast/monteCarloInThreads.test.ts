// The Monte Carlo forecast on worker threads: the same forecast as in one thread, whatever the number of threads.
import { afterAll, describe, expect, it } from 'vitest';
import { forecastMonteCarloInThreads } from '../../forecast/threads/monteCarloInThreads.ts';
import { ReplicationPool } from '../../forecast/threads/ReplicationPool.ts';
import {
  forecastMonteCarlo,
  type OrderState,
  parsePlantModel,
  type Snapshot,
} from '../../orderflow/index.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
// Breakdowns at the press: every replication draws its own failures and repairs as well as its durations.
const model = parsePlantModel({
  name: 'two stations, one that breaks down',
  timeUnit: 'min',
  stations: [
    { id: 'cut' },
    {
      id: 'press',
      failures: {
        timeBetweenFailures: { dist: 'exponential', mean: 30 },
        timeToRepair: { dist: 'exponential', mean: 5 },
      },
    },
  ],
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
// Enough order-runs (orders × replications) to be shared by three threads.
const orders: OrderState[] = Array.from({ length: 300 }, (_, i) => ({
  orderId: `o${i}`,
  acceptedAt: T0 - i * MIN,
  dueAt: T0 + (60 + 5 * i) * MIN,
}));
const snapshot: Snapshot = { asOf: T0, orders };

const pools: ReplicationPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('Monte Carlo forecast on worker threads', () => {
  it('gives the forecast of one thread, with 1, 2 and 3 threads', { timeout: 60_000 }, async () => {
    const options = { replications: 200, seed: 9 };
    const alone = forecastMonteCarlo(snapshot, model, options);
    expect(alone.orders.some((o) => o.completedAtP10 !== o.completedAtP90)).toBe(true);
    for (const size of [0, 1, 2]) {
      const pool = new ReplicationPool(size);
      pools.push(pool);
      const seen: number[] = [];
      const threaded = await forecastMonteCarloInThreads(
        snapshot,
        model,
        { ...options, onReplication: (done) => seen.push(done) },
        pool,
      );
      expect(threaded, `${size + 1} threads`).toEqual(alone);
      expect(pool.running, 'threads of the pool that ran a share').toBe(size);
      expect(seen.at(-1), `${size + 1} threads`).toBeLessThanOrEqual(200);
    }
  });

  it('refuses replications out of range once, though every thread would', async () => {
    const pool = new ReplicationPool(1);
    pools.push(pool);
    await expect(forecastMonteCarloInThreads(snapshot, model, { replications: 0 }, pool)).rejects.toThrow(
      'replications must be a whole number from 1',
    );
  });
});
