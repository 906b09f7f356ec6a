// What-if with its replications spread over worker threads: the pool's threads restore the baseline
// and the variants and take chunks of the replications from a queue they share with the calling
// thread, which forecasts them at the means and then takes its chunks too; the result is the same as
// `whatIf`'s, whatever the number of threads and whoever ran which replication.
import type { PlantModel } from '../../orderflow/model/plantModel.ts';
import type { Snapshot } from '../../orderflow/types.ts';
import type { Variant } from '../../orderflow/whatif/variant.ts';
import {
  prepareWhatIf,
  sampleWhatIf,
  summariseWhatIf,
  type WhatIfOptions,
  type WhatIfResult,
  type WhatIfSamples,
} from '../../orderflow/whatif/whatIf.ts';
import {
  type ReplicationPool,
  sharedPool,
  sharedProgress,
  sharedReplicationQueue,
} from './ReplicationPool.ts';

/** Fewer replications than this per thread are not worth a thread's message. */
const MIN_SHARE = 4;

/** Threads that a what-if of `replications` runs on, this one included: one at least, however few the replications. */
function whatIfThreads(replications: number, pool: ReplicationPool): number {
  return pool.threadsFor(replications, Math.floor(replications / MIN_SHARE));
}

/**
 * Starts the pool's threads that a what-if of `replications` will run on, before its inputs are
 * read: the threads load their code meanwhile.
 */
export function startWhatIfThreads(replications: number, pool: ReplicationPool = sharedPool()): void {
  pool.start(whatIfThreads(replications, pool) - 1);
}

/** `whatIf`, its replications shared with `pool`'s threads (default: the process's pool). */
export async function whatIfInThreads(
  snapshot: Snapshot,
  model: PlantModel,
  variants: readonly Variant[],
  options: WhatIfOptions = {},
  pool: ReplicationPool = sharedPool(),
): Promise<WhatIfResult> {
  const replications = options.replications ?? 0;
  const threads = whatIfThreads(replications, pool);
  const queue = sharedReplicationQueue(replications, threads);
  const runs = variants.length + 1;
  const total = runs * (1 + replications);
  const progress = sharedProgress(threads, (done) => options.onProgress?.(runs + done, total));
  // What a thread needs to prepare the same comparison (functions and limits stay here).
  const shared = {
    replications,
    seed: options.seed,
    horizonMs: options.horizonMs,
    parameters: options.parameters,
    objective: options.objective,
  };
  // The pool's threads start first: they take replications while this one forecasts at the means.
  const others = Array.from({ length: threads - 1 }, (_, i) =>
    pool.run({ snapshot, model, variants, options: shared, queue }, progress(i + 1)),
  );
  // Inputs this thread refuses, the others refuse too: that one error is the answer.
  for (const share of others) share.catch(() => {});
  const prepared = prepareWhatIf(snapshot, model, variants, options);
  const mine = sampleWhatIf(prepared, queue, progress(0));
  const shares: WhatIfSamples[] = [...mine, ...(await Promise.all(others)).flat()];
  return summariseWhatIf(prepared, shares);
}
