// The Monte Carlo forecast with its replications spread over worker threads: the pool's threads
// restore the snapshot and take chunks of the replications from a queue they share with the calling
// thread, which forecasts at the means and then takes its chunks too; the forecast is the same as
// `forecastMonteCarlo`'s, whatever the number of threads and whoever ran which replication.

import type { PlantModel } from '../../orderflow/model/plantModel.ts';
import {
  type MonteCarloOptions,
  type MonteCarloSamples,
  prepareMonteCarlo,
  sampleMonteCarlo,
  summariseMonteCarlo,
} from '../../orderflow/monteCarlo.ts';
import type { Forecast, Snapshot } from '../../orderflow/types.ts';
import {
  type ReplicationPool,
  sharedPool,
  sharedProgress,
  sharedReplicationQueue,
} from './ReplicationPool.ts';

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
  const threads = pool.threadsFor(replications, Math.floor(runs / MIN_SHARE));
  const queue = sharedReplicationQueue(replications, threads);
  const progress = sharedProgress(threads, (done) => options.onReplication?.(done, replications));
  // What a thread needs to prepare the same forecast (functions and limits stay here).
  const shared = { replications, seed: options.seed, parameters: options.parameters };
  // The pool's threads start first: they take replications while this one forecasts at the means.
  const others = Array.from({ length: threads - 1 }, (_, i) =>
    pool.runMonteCarlo({ snapshot, model, options: shared, queue }, progress(i + 1)),
  );
  // Inputs this thread refuses, the others refuse too: that one error is the answer.
  for (const share of others) share.catch(() => {});
  const prepared = prepareMonteCarlo(snapshot, model, options);
  const mine = sampleMonteCarlo(prepared, queue, progress(0));
  const shares: MonteCarloSamples[] = [...mine, ...(await Promise.all(others)).flat()];
  options.onDraws?.(prepared, shares);
  return summariseMonteCarlo(prepared, shares);
}
