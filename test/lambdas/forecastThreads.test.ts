// The forecast Lambda's bundle is its own worker thread: started with the pool's role, it serves
// replications instead of invocations, with the numbers the calling thread would draw.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForecastLambda, memoryForThreads } from '../../bench/lambdaColdBench.ts';
import { ModelFile } from '../../contracts/resources.ts';
import { ReplicationPool, sharedReplicationQueue } from '../../forecast/threads/ReplicationPool.ts';
import { forecastThreads } from '../../lib/ForecastPipeline.ts';
import { type OrderState, parsePlantModel, type Snapshot } from '../../orderflow/index.ts';
import { prepareMonteCarlo, sampleMonteCarlo, summariseMonteCarlo } from '../../orderflow/monteCarlo.ts';
import { ReplicationQueue } from '../../orderflow/replicationQueue.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'twin-forecast-threads-'));
let bundle: string;
const pools: ReplicationPool[] = [];

beforeAll(async () => {
  bundle = await bundleForecastLambda(root, work);
}, 120_000);
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  rmSync(work, { recursive: true, force: true });
});

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const model = parsePlantModel({
  name: 'one press',
  timeUnit: 'min',
  stations: [{ id: 'press' }],
  products: [
    {
      id: 'part',
      routing: [
        { step: 'pressing', kind: 'operation', station: 'press', duration: { dist: 'exponential', mean: 6 } },
      ],
    },
  ],
});
const orders: OrderState[] = Array.from({ length: 20 }, (_, i) => ({
  orderId: `o${i}`,
  acceptedAt: T0 - i * MIN,
  dueAt: T0 + (30 + 6 * i) * MIN,
}));
const snapshot: Snapshot = { asOf: T0, orders };

describe("the forecast Lambda's worker threads", () => {
  it('serves replications from its bundle, as the calling thread would draw them', async () => {
    // The bundle reads its tables' names at load, as in Lambda: any names do, nothing is called.
    process.env.ORDER_STATE_TABLE ??= 'order-state';
    process.env.FORECASTS_TABLE ??= 'forecasts';
    const pool = new ReplicationPool(1, bundle);
    pools.push(pool);
    const options = { replications: 30, seed: 3 };
    // The thread takes every replication, a chunk at a time; this one runs them in one.
    const served = await pool.runMonteCarlo({
      snapshot,
      model,
      options,
      queue: sharedReplicationQueue(30, 2),
    });
    expect(served.length).toBeGreaterThan(1);
    const prepared = prepareMonteCarlo(snapshot, model, options);
    const here = sampleMonteCarlo(prepared, ReplicationQueue.range(0, 30));
    expect(summariseMonteCarlo(prepared, served)).toEqual(summariseMonteCarlo(prepared, here));
  }, 60_000);

  it("are in a bundle that has the stack's default model file beside the code, as the stack bundles it", () => {
    expect(readFileSync(join(dirname(bundle), ModelFile.bundledName), 'utf8')).toBe(
      readFileSync(join(root, ModelFile.demoPath), 'utf8'),
    );
  });

  it('are as many as the vCPUs the function memory buys', () => {
    expect([1024, 1769, 3008, 3538, 5307, 10_240].map(forecastThreads)).toEqual([1, 1, 2, 2, 3, 6]);
  });

  it("are as many as the benchmark of a cold start sizes its function for, up to Lambda's most memory", () => {
    const threads = [1, 2, 3, 4, 5, 6];
    const memory = threads.map(memoryForThreads);

    expect(memory.map(forecastThreads)).toEqual(threads);
    expect(memory[0]).toBe(1024);
    expect(Math.max(...memory)).toBe(10_240);
  });
});
