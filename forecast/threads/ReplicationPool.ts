// Worker threads for replications: a what-if's and a Monte Carlo forecast's replications
// are independent runs on seeds of their own, so they spread over the machine's cores and give the
// same numbers whatever the number of threads. The pool lives as long as its process, its threads
// started once (their code compiled and optimised once), and never keeps a process alive when idle.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MonteCarloSamples } from '../../orderflow/monteCarlo.ts';
import { ReplicationQueue } from '../../orderflow/replicationQueue.ts';
import type { RecommendResult } from '../../orderflow/whatif/recommend.ts';
import type { WhatIfSamples } from '../../orderflow/whatif/whatIf.ts';
import { SimulationLimitError } from '../../sim-core/kernel/errors.ts';
import { ReplicationError } from './ReplicationError.ts';
import type {
  MonteCarloShare,
  RecommendTask,
  ReplyMessage,
  TaskError,
  TaskMessage,
  WhatIfShare,
} from './replicationWorker.ts';

/** The command line's entry: in a worker thread it serves replications (see bin/twin.cjs). */
const ENTRY = fileURLToPath(new URL('../../bin/twin.cjs', import.meta.url));

/** The code of the process warning that the pool's threads cannot start. */
export const NO_THREADS_WARNING = 'TWIN_NO_REPLICATION_THREADS';
/** The missing entries warned of. */
const missingEntries = new Set<string>();

/** What marks a worker thread of the pool (its workerData's role). */
export const WORKER_ROLE = 'replications';
/**
 * The worker thread's first argument, which bin/twin.cjs looks for before it loads worker_threads to
 * check the role: a command line that is not a worker thread never loads that module.
 */
export const WORKER_ARGUMENT = '--replication-thread';

interface Pending {
  resolve(answer: WhatIfSamples[] | MonteCarloSamples[] | RecommendResult): void;
  reject(error: Error): void;
  progress?: ((done: number) => void) | undefined;
}

export class ReplicationPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private next = 0;

  /** `size` threads (default: one per core but the calling thread's), started on first use. */
  constructor(
    readonly size = Math.max(0, availableParallelism() - 1),
    /** The file each thread starts from (default: the command line's entry). */
    readonly entry = ENTRY,
  ) {}

  /** Threads running now (started on first use, ended by `close`). */
  get running(): number {
    return this.workers.filter((w) => w !== undefined).length;
  }

  /** Whether the pool can run anything beside the calling thread: threads wanted, and the entry there. */
  get available(): boolean {
    return this.size > 0 && existsSync(this.entry);
  }

  /**
   * Threads that `replications` run on, the calling one included: `worth` (the most that the work is
   * worth, by the caller's measure) within the pool's threads and one per replication; one at least,
   * and this one alone without a pool or for a count that is no whole number (refused later).
   */
  threadsFor(replications: number, worth: number): number {
    const available = this.available;
    if (this.size > 0 && !available) this.warnNoThreads();
    return available && Number.isInteger(replications)
      ? Math.max(1, Math.min(this.size + 1, replications, worth))
      : 1;
  }

  /**
   * Says once per process and entry, as a process warning (on stderr, in a Lambda's log), that the
   * threads wanted cannot start: the forecasts stay right, only slower, and a user knows why.
   */
  private warnNoThreads(): void {
    if (missingEntries.has(this.entry)) return;
    missingEntries.add(this.entry);
    process.emitWarning(
      `replications run on the calling thread alone: the entry of the ${this.size} worker thread${this.size === 1 ? '' : 's'} wanted, ${this.entry}, is missing`,
      { code: NO_THREADS_WARNING },
    );
  }

  /**
   * Runs on the next thread the replications of a what-if that it takes from the share's queue;
   * `progress` hears its runs done so far.
   */
  run(share: WhatIfShare, progress?: (done: number) => void): Promise<WhatIfSamples[]> {
    return this.post({ id: this.nextId++, share }, progress) as Promise<WhatIfSamples[]>;
  }

  /** Runs on the next thread the replications of a Monte Carlo forecast that it takes from the share's queue. */
  runMonteCarlo(share: MonteCarloShare, progress?: (done: number) => void): Promise<MonteCarloSamples[]> {
    return this.post({ id: this.nextId++, forecast: share }, progress) as Promise<MonteCarloSamples[]>;
  }

  /**
   * Looks for the twin's recommendations for a forecast on the next thread, all of them there: the
   * calling thread stays free meanwhile (the embedded twin's ingest and dashboard share it). Their
   * wall-time limit and budget count from now: time spent behind the thread's other tasks included.
   */
  recommend(task: RecommendTask): Promise<RecommendResult> {
    const posted = { ...task, postedAt: task.postedAt ?? Date.now() };
    return this.post({ id: this.nextId++, recommend: posted }, undefined) as Promise<RecommendResult>;
  }

  private post(
    task: TaskMessage,
    progress: ((done: number) => void) | undefined,
  ): Promise<WhatIfSamples[] | MonteCarloSamples[] | RecommendResult> {
    const worker = this.worker(this.next++ % this.size);
    return new Promise((resolve, reject) => {
      this.pending.set(task.id, { resolve, reject, progress });
      worker.ref();
      worker.postMessage(task);
    });
  }

  /**
   * Starts the first `count` threads now rather than on first use: they load their code while the
   * caller does other work (reads its inputs). Idle, they keep no process alive.
   */
  start(count = this.size): void {
    if (!this.available) return;
    for (let i = 0; i < Math.min(count, this.size); i++) this.worker(i);
  }

  /** Ends every thread. */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private worker(index: number): Worker {
    const existing = this.workers[index];
    if (existing !== undefined) return existing;
    const worker = new Worker(this.entry, { workerData: { role: WORKER_ROLE }, argv: [WORKER_ARGUMENT] });
    worker.on('message', (reply: ReplyMessage) => {
      const task = this.pending.get(reply.id);
      if (task === undefined) return;
      if ('progress' in reply) {
        task.progress?.(reply.progress);
        return;
      }
      this.pending.delete(reply.id);
      if (![...this.pending.values()].length) worker.unref();
      if ('samples' in reply) task.resolve(reply.samples);
      else if ('recommended' in reply) task.resolve(reply.recommended);
      else task.reject(errorOf(reply.error));
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => {
      this.workers[index] = undefined as unknown as Worker;
      if (code !== 0) this.failAll(new ReplicationError(`a replication thread exited with code ${code}`));
    });
    // After the listeners, which hold the process while they are added: an idle thread holds nothing.
    worker.unref();
    this.workers[index] = worker;
    return worker;
  }

  private failAll(error: Error): void {
    const tasks = [...this.pending.values()];
    this.pending.clear();
    for (const t of tasks) t.reject(error);
  }
}

/** A thread's error in this thread: a limit reached is a SimulationLimitError again. */
function errorOf({ name, message, limit }: TaskError): Error {
  if (limit !== undefined) return new SimulationLimitError(message, limit.bound, limit.limit, limit.reached);
  return Object.assign(new ReplicationError(message), { cause: name });
}

/**
 * A queue of `replications` for `threads` threads on shared memory: sent with a share, the pool's
 * threads take their chunks from it as the calling thread does.
 */
export function sharedReplicationQueue(replications: number, threads: number): ReplicationQueue {
  return ReplicationQueue.forThreads(replications, threads, new Int32Array(new SharedArrayBuffer(4)));
}

/**
 * The progress of `threads` threads that share replications: `of(thread)` is what one thread reports
 * its own runs done to; `report` hears the runs done by them all at each report.
 */
export function sharedProgress(
  threads: number,
  report: (done: number) => void,
): (thread: number) => (done: number) => void {
  const done = new Array<number>(threads).fill(0);
  return (thread) => (n) => {
    done[thread] = n;
    report(done.reduce((a, b) => a + b, 0));
  };
}

let shared: ReplicationPool | undefined;

/** The process's pool, started once. */
export function sharedPool(): ReplicationPool {
  shared ??= new ReplicationPool();
  return shared;
}
