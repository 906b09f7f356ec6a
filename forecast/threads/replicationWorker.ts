// A worker thread of the replication pool (ReplicationPool): it runs the share of replications it is
// sent (a what-if's, or a Monte Carlo forecast's) and posts their results back. bin/twin.mjs starts
// it in a worker thread.
import { parentPort } from 'node:worker_threads';
import type { PlantModel } from '../../orderflow/model/plantModel.ts';
import {
  type MonteCarloOptions,
  type MonteCarloSamples,
  prepareMonteCarlo,
  sampleMonteCarlo,
} from '../../orderflow/monteCarlo.ts';
import type { Snapshot } from '../../orderflow/types.ts';
import type { Variant } from '../../orderflow/whatif/variant.ts';
import {
  prepareWhatIf,
  sampleWhatIf,
  type WhatIfOptions,
  type WhatIfSamples,
} from '../../orderflow/whatif/whatIf.ts';

/** A share of a what-if's replications: [from, to) of the comparison the rest describes. */
export interface WhatIfShare {
  snapshot: Snapshot;
  model: PlantModel;
  variants: readonly Variant[];
  options: Pick<WhatIfOptions, 'replications' | 'seed' | 'horizonMs' | 'parameters' | 'objective'>;
  from: number;
  to: number;
}

/** A share of a Monte Carlo forecast's replications: [from, to) of the forecast the rest describes. */
export interface MonteCarloShare {
  snapshot: Snapshot;
  model: PlantModel;
  options: Pick<MonteCarloOptions, 'replications' | 'seed' | 'parameters'>;
  from: number;
  to: number;
}

/** What the pool sends: a task by its id. */
export type TaskMessage = { id: number; share: WhatIfShare } | { id: number; forecast: MonteCarloShare };

/** What a worker answers: progress (runs done so far), then the samples or the error. */
export type ReplyMessage =
  | { id: number; progress: number }
  | { id: number; samples: WhatIfSamples | MonteCarloSamples }
  | { id: number; error: { name: string; message: string } };

/** How often a worker tells its progress, in runs. */
const PROGRESS_EVERY = 20;

/** Runs one share of replications: the same numbers as the same replications run anywhere else. */
export function runShare(share: WhatIfShare, progress?: (done: number) => void): WhatIfSamples {
  const prepared = prepareWhatIf(share.snapshot, share.model, share.variants, share.options);
  return sampleWhatIf(prepared, share.from, share.to, progress);
}

/** Runs one share of a Monte Carlo forecast's replications: the same numbers as anywhere else. */
export function runMonteCarloShare(
  share: MonteCarloShare,
  progress?: (done: number) => void,
): MonteCarloSamples {
  const prepared = prepareMonteCarlo(share.snapshot, share.model, share.options);
  return sampleMonteCarlo(prepared, share.from, share.to, progress);
}

/** Serves the tasks the pool posts to this thread, one at a time, until the pool ends it. */
export function serveReplications(): void {
  const port = parentPort;
  if (port === null) throw new Error('serveReplications runs in a worker thread');
  port.on('message', (task: TaskMessage) => {
    const { id } = task;
    try {
      const progress = (done: number) => {
        if (done % PROGRESS_EVERY === 0) port.postMessage({ id, progress: done } satisfies ReplyMessage);
      };
      const samples =
        'share' in task ? runShare(task.share, progress) : runMonteCarloShare(task.forecast, progress);
      // The arrays move to the pool's thread rather than being copied.
      const buffers = ('ends' in samples ? [samples.ends] : samples.values.flat()).map(
        (v) => v.buffer as ArrayBuffer,
      );
      port.postMessage({ id, samples } satisfies ReplyMessage, buffers);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ id, error: { name: e.name, message: e.message } } satisfies ReplyMessage);
    }
  });
}
