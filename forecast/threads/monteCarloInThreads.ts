// The Monte Carlo forecast with its replications spread over worker threads: the pool's threads run
// their shares while the calling thread forecasts at the means and runs its own; the forecast is the
// same as `forecastMonteCarlo`'s, whatever the number of threads.

import type { PlantModel } from '../../orderflow/model/plantModel.ts';
import {
  type MonteCarloOptions,
  type MonteCarloSamples,
  prepareMonteCarlo,
  sampleMonteCarlo,
  summariseMonteCarlo,
} from '../../orderflow/monteCarlo.ts';
import type { Forecast, Snapshot } from '../../orderflow/types.ts';
import { type ReplicationPool, sharedPool } from './ReplicationPool.ts';

/**
 * Fewer order-runs (orders × replications) than this per thread are not worth a thread: a thread's
 * start and its forecast at the means would take longer than the runs it spares this one.
 */
const MIN_SHARE = 20_000;

/** `forecastMonteCarlo`, its replications shared with `pool`'s threads (default: the process's pool). */
export async function forecastMonteCarloInThreads(
  snapshot: Snapshot,
  model: PlantModel,
  options: MonteCarloOptions,
  pool: ReplicationPool = sharedPool(),
): Promise<Forecast> {
  const { replications } = options;
  const runs = snapshot.orders.length * replications;
  const threads =
    pool.available && Number.isInteger(replications)
      ? Math.max(1, Math.min(pool.size + 1, replications, Math.floor(runs / MIN_SHARE)))
      : 1;
  const bounds = Array.from({ length: threads + 1 }, (_, i) => Math.round((i * replications) / threads));
  const done = new Array<number>(threads).fill(0);
  const progress = (share: number) => (n: number) => {
    done[share] = n;
    options.onReplication?.(
      done.reduce((a, b) => a + b, 0),
      replications,
    );
  };
  // What a thread needs to prepare the same forecast (functions and limits stay here).
  const shared = { replications, seed: options.seed, parameters: options.parameters };
  // The pool's shares go first: every thread forecasts at the means at once, then runs its share.
  const others = bounds
    .slice(1, -1)
    .map((from, i) =>
      pool.runMonteCarlo({ snapshot, model, options: shared, from, to: bounds[i + 2]! }, progress(i + 1)),
    );
  // Inputs this thread refuses, the others refuse too: that one error is the answer.
  for (const share of others) share.catch(() => {});
  const prepared = prepareMonteCarlo(snapshot, model, options);
  const mine = sampleMonteCarlo(prepared, 0, bounds[1]!, progress(0));
  const shares: MonteCarloSamples[] = [mine, ...(await Promise.all(others))];
  return summariseMonteCarlo(prepared, shares);
}
