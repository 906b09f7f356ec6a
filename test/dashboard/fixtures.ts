// Forecast records for the dashboard tests: the demo plant at a given minute, and synthetic plants.
import { syntheticSnapshot } from '../../bench/workloads.ts';
import type { ForecastRecord } from '../../contracts/forecastRecord.ts';
import {
  demoOrders,
  forecast,
  forecastMonteCarlo,
  runPlant,
  type Snapshot,
  snapshotAt,
} from '../../orderflow/index.ts';

/** 08:00 on the demo day: the first demo order arrives. */
export const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
export const MIN = 60_000;

/** A stored forecast of `snapshot`, made at `generatedAt` (default: now). */
export function recordOf(snapshot: Snapshot, generatedAt = Date.now()): ForecastRecord {
  const result = forecast(snapshot);
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
