// The forecast Lambda's bundle is its own worker thread: started with the pool's role, it serves
// replications instead of invocations, with the numbers the calling thread would draw.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForecastLambda } from '../../bench/lambdaColdBench.ts';
import { ReplicationPool } from '../../forecast/threads/ReplicationPool.ts';
import { forecastThreads } from '../../lib/ForecastPipeline.ts';
import { type OrderState, parsePlantModel, type Snapshot } from '../../orderflow/index.ts';
import { prepareMonteCarlo, sampleMonteCarlo } from '../../orderflow/monteCarlo.ts';

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
  it('serves a share of replications from its bundle, as the calling thread would draw them', async () => {
    // The bundle reads its tables' names at load, as in Lambda: any names do, nothing is called.
    process.env.ORDER_STATE_TABLE ??= 'order-state';
    process.env.FORECASTS_TABLE ??= 'forecasts';
    const pool = new ReplicationPool(1, bundle);
    pools.push(pool);
    const options = { replications: 30, seed: 3 };
    const served = await pool.runMonteCarlo({ snapshot, model, options, from: 10, to: 30 });
    const here = sampleMonteCarlo(prepareMonteCarlo(snapshot, model, options), 10, 30);
    expect(served.ends).toEqual(here.ends);
    expect(served.events).toBe(here.events);
  }, 60_000);

  it('are as many as the vCPUs the function memory buys', () => {
    expect([1024, 1769, 3008, 3538, 5307, 10_240].map(forecastThreads)).toEqual([1, 1, 2, 2, 3, 6]);
  });
});
