// A worker thread of the replication pool (ReplicationPool): it restores the runs of a what-if or a
// Monte Carlo forecast it is sent (the calling thread forecasts them at the means), takes chunks of
// their replications from the queue it shares with the other threads until none is left, and posts
// their results back; or it looks for the twin's recommendations for a forecast, all of them, while
// the calling thread does other work. bin/twin.cjs starts it in a worker thread.
import { parentPort } from 'node:worker_threads';
import type { PlantModel } from '../../orderflow/model/plantModel.ts';
import {
  type MonteCarloOptions,
  type MonteCarloSamples,
  prepareMonteCarloReplications,
  sampleMonteCarlo,
} from '../../orderflow/monteCarlo.ts';
import { ReplicationQueue } from '../../orderflow/replicationQueue.ts';
import type { Snapshot } from '../../orderflow/types.ts';
import { type RecommendOptions, type RecommendResult, recommend } from '../../orderflow/whatif/recommend.ts';
import type { Variant } from '../../orderflow/whatif/variant.ts';
import {
  prepareWhatIfReplications,
  sampleWhatIf,
  type WhatIfOptions,
  type WhatIfSamples,
} from '../../orderflow/whatif/whatIf.ts';
import { SimulationLimitError } from '../../sim-core/kernel/errors.ts';
import { DEFAULT_MAX_WALL_MS, type SimulationLimits } from '../../sim-core/limits.ts';

/** A queue of replications as a message carries it to a thread: its `next` lies on a SharedArrayBuffer. */
export type SharedQueue = Pick<ReplicationQueue, 'next' | 'to' | 'chunk'>;

/** A thread's part in a what-if: the replications it takes from `queue` of the comparison the rest describes. */
export interface WhatIfShare {
  snapshot: Snapshot;
  model: PlantModel;
  variants: readonly Variant[];
  options: Pick<WhatIfOptions, 'replications' | 'seed' | 'horizonMs' | 'parameters' | 'objective'>;
  queue: SharedQueue;
}

/** A thread's part in a Monte Carlo forecast: the replications it takes from `queue`. */
export interface MonteCarloShare {
  snapshot: Snapshot;
  model: PlantModel;
  options: Pick<MonteCarloOptions, 'replications' | 'seed' | 'parameters'>;
  queue: SharedQueue;
}

/** The twin's recommendations for a forecast, looked for on one thread (their limits without a clock: the thread's own). */
export interface RecommendTask {
  snapshot: Snapshot;
  model: PlantModel;
  options: Omit<RecommendOptions, 'limits' | 'onProgress'> & { limits?: Omit<SimulationLimits, 'clock'> };
  /**
   * When the task was posted (epoch ms): the time it then waits for the thread, behind the thread's
   * other tasks, counts against its wall-time limit and budget, as it does for whoever waits for it.
   */
  postedAt?: number;
}

/** What the pool sends: a task by its id. */
export type TaskMessage =
  | { id: number; share: WhatIfShare }
  | { id: number; forecast: MonteCarloShare }
  | { id: number; recommend: RecommendTask };

/** A task's error as a thread reports it: a limit reached keeps which one. */
export interface TaskError {
  name: string;
  message: string;
  limit?: Pick<SimulationLimitError, 'bound' | 'limit' | 'reached'>;
}

/** What a worker answers: progress (runs done so far), then the samples (or recommendations) or the error. */
export type ReplyMessage =
  | { id: number; progress: number }
  | { id: number; samples: WhatIfSamples[] | MonteCarloSamples[] }
  | { id: number; recommended: RecommendResult }
  | { id: number; error: TaskError };

/** How often a worker tells its progress, in runs. */
const PROGRESS_EVERY = 20;

/** Runs a thread's part of a what-if's replications: the same numbers as the same replications anywhere else. */
export function runShare(share: WhatIfShare, progress?: (done: number) => void): WhatIfSamples[] {
  const prepared = prepareWhatIfReplications(share.snapshot, share.model, share.variants, share.options);
  return sampleWhatIf(prepared, queueOf(share.queue), progress);
}

/** Runs a thread's part of a Monte Carlo forecast's replications: the same numbers as anywhere else. */
export function runMonteCarloShare(
  share: MonteCarloShare,
  progress?: (done: number) => void,
): MonteCarloSamples[] {
  const prepared = prepareMonteCarloReplications(share.snapshot, share.model, share.options);
  return sampleMonteCarlo(prepared, queueOf(share.queue), progress);
}

/**
 * The twin's recommendations for a forecast, as `recommend` gives them in any thread, within what is
 * left at `now` of their wall-time limit and budget after waiting since the task was posted.
 */
export function runRecommendTask(
  { snapshot, model, options, postedAt }: RecommendTask,
  now = Date.now(),
): RecommendResult {
  const waited = postedAt === undefined ? 0 : Math.max(0, now - postedAt);
  if (waited === 0) return recommend(snapshot, model, options);
  const limit = options.limits?.maxWallMs ?? DEFAULT_MAX_WALL_MS;
  if (waited >= limit) {
    throw new SimulationLimitError(
      `the recommendations waited ${waited.toLocaleString('en')} ms for a thread, their whole wall-time limit of ${limit.toLocaleString('en')} ms`,
      'wall-time',
      limit,
      waited,
    );
  }
  return recommend(snapshot, model, {
    ...options,
    ...(options.budgetMs !== undefined && { budgetMs: Math.max(0, options.budgetMs - waited) }),
    limits: { ...options.limits, maxWallMs: limit - waited },
  });
}

/** A task's error as the pool's thread gets it back. */
export function taskError(error: unknown): TaskError {
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    name: e.name,
    message: e.message,
    ...(e instanceof SimulationLimitError && {
      limit: { bound: e.bound, limit: e.limit, reached: e.reached },
    }),
  };
}

function queueOf({ next, to, chunk }: SharedQueue): ReplicationQueue {
  return ReplicationQueue.on(next, to, chunk);
}

/** Serves the tasks the pool posts to this thread, one at a time, until the pool ends it. */
export function serveReplications(): void {
  const port = parentPort;
  if (port === null) throw new Error('serveReplications runs in a worker thread');
  port.on('message', (task: TaskMessage) => {
    const { id } = task;
    try {
      if ('recommend' in task) {
        port.postMessage({ id, recommended: runRecommendTask(task.recommend) } satisfies ReplyMessage);
        return;
      }
      const progress = (done: number) => {
        if (done % PROGRESS_EVERY === 0) port.postMessage({ id, progress: done } satisfies ReplyMessage);
      };
      const samples =
        'share' in task ? runShare(task.share, progress) : runMonteCarloShare(task.forecast, progress);
      // The arrays move to the pool's thread rather than being copied.
      const buffers = (samples as (WhatIfSamples | MonteCarloSamples)[]).map(
        (s) => ('ends' in s ? s.ends : s.values).buffer as ArrayBuffer,
      );
      port.postMessage({ id, samples } satisfies ReplyMessage, buffers);
    } catch (error) {
      port.postMessage({ id, error: taskError(error) } satisfies ReplyMessage);
    }
  });
}
