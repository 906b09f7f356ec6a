// Forecast records for the dashboard tests: the demo plant at a given minute, the flow shop of
// examples/ from its worked snapshot, and synthetic plants.
import { readFileSync } from 'node:fs';
import { syntheticSnapshot } from '../../bench/workloads.ts';
import type { ForecastRecord } from '../../contracts/forecastRecord.ts';
import {
  demoOrders,
  forecast,
  forecastMonteCarlo,
  type PlantModel,
  parsePlantModel,
  runPlant,
  type Snapshot,
  snapshotAt,
} from '../../orderflow/index.ts';

/** 08:00 on the demo day: the first demo order arrives. */
export const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
export const MIN = 60_000;

/** A stored forecast of `snapshot`, made at `generatedAt` (default: now). */
export function recordOf(snapshot: Snapshot, generatedAt = Date.now(), model?: PlantModel): ForecastRecord {
  const result = forecast(snapshot, model);
  return {
    ...result,
    generatedAt,
    stateVersion: { latestEventAt: snapshot.asOf, activeOrders: snapshot.orders.length },
    timings: { readMs: 4.2, simulateMs: 1.3 },
  };
}

/**
 * The demo plant's forecast `minutes` after 08:00. At 31 min: order 2 is late by its own material
 * (`own-material`), orders 3 and 4 are pushed back behind it (`knock-on`) and late.
 */
export function demoRecord(minutes: number, generatedAt = Date.now()): ForecastRecord {
  return recordOf(snapshotAt(runPlant(demoOrders(T0)), T0 + minutes * MIN), generatedAt);
}

/**
 * The demo plant's Monte Carlo forecast `minutes` after 08:00, with production taking 5 to 15
 * minutes (mean 10, the demo plant's): every order still to be produced gets a likely range.
 */
export function demoMonteCarloRecord(minutes: number, replications = 200): ForecastRecord {
  const snapshot = snapshotAt(runPlant(demoOrders(T0)), T0 + minutes * MIN);
  const result = forecastMonteCarlo(snapshot, undefined, {
    parameters: { productionTime: { dist: 'uniform', min: 5 * MIN, max: 15 * MIN } },
    replications,
  });
  return {
    ...result,
    generatedAt: Date.now(),
    stateVersion: { latestEventAt: snapshot.asOf, activeOrders: snapshot.orders.length },
    timings: { readMs: 4.2, simulateMs: 30.5 },
  };
}

/** A synthetic plant of `n` active orders (bench/workloads.ts). */
export function syntheticRecord(n: number, generatedAt = Date.now()): ForecastRecord {
  return recordOf(syntheticSnapshot(n), generatedAt);
}

/** A model of examples/models/ (`flow-shop`, `job-shop`). */
export function exampleModel(name: string): PlantModel {
  return parsePlantModel(JSON.parse(readFileSync(`examples/models/${name}.json`, 'utf8')));
}

/**
 * The flow shop (saw, two welders, paint booth) at 09:00 of examples/flow-shop-snapshot.json: nine
 * frames, one in each operation, some queued, two waiting for material; frame-9 is late by its own
 * material, frame-7 and frame-8 wait longer than planned at the saw (knock-on).
 */
export function flowShopRecord(generatedAt = Date.now()): ForecastRecord {
  const snapshot = JSON.parse(readFileSync('examples/flow-shop-snapshot.json', 'utf8')) as Snapshot;
  return recordOf(snapshot, generatedAt, exampleModel('flow-shop'));
}

/**
 * The job shop (lathe, two mills, drill; brackets and housings routed differently) 40 minutes after
 * eight orders came in, five minutes apart, brackets and housings in turn.
 */
export function jobShopRecord(generatedAt = Date.now()): ForecastRecord {
  const model = exampleModel('job-shop');
  const orders = Array.from({ length: 8 }, (_, i) => ({
    orderId: `job-${i + 1}`,
    product: i % 2 === 0 ? 'bracket' : 'housing',
    acceptedAt: T0 + i * 5 * MIN,
    dueAt: T0 + (i * 5 + 75) * MIN,
  }));
  return recordOf(snapshotAt(runPlant(orders, model), T0 + 40 * MIN), generatedAt, model);
}

/**
 * The flow shop of `flowShopRecord` with its paint booth in maintenance from 10 to 40 minutes after
 * 09:00 and its second welder down since 08:59 (under frame-4), expected up at 09:15: orders pushed back by downtime.
 */
export function flowShopDowntimeRecord(generatedAt = Date.now()): ForecastRecord {
  const snapshot = JSON.parse(readFileSync('examples/flow-shop-snapshot.json', 'utf8')) as Snapshot;
  const asOf = snapshot.asOf;
  return recordOf(
    {
      ...snapshot,
      stations: [
        { station: 'welder', unit: 2, down: true, since: asOf - MIN, expectedUpAt: asOf + 15 * MIN },
      ],
      maintenance: [
        { maintenanceId: 'booth-service', station: 'booth', from: asOf + 10 * MIN, to: asOf + 40 * MIN },
      ],
    },
    generatedAt,
    exampleModel('flow-shop'),
  );
}
