// Replications handed out in chunks, first come first served. Replication r draws the same whoever
// runs it, so threads that take their chunks from one queue give the numbers of one thread that runs
// them all; and a thread that starts late, or has other work first (the forecast at the means), takes
// fewer chunks rather than holding up the others.

/** Chunks per thread that a queue aims at: the last chunk taken is a small part of a thread's work. */
const CHUNKS_PER_THREAD = 16;

/** Replications [from, to) in chunks; `next` is the first not yet taken, shared by whoever takes. */
export class ReplicationQueue {
  private constructor(
    readonly next: Int32Array<ArrayBufferLike>,
    readonly to: number,
    readonly chunk: number,
  ) {}

  /** Replications [from, to) in one chunk: for one thread. */
  static range(from: number, to: number): ReplicationQueue {
    return ReplicationQueue.on(Int32Array.of(from), to, Math.max(1, to - from));
  }

  /**
   * Replications [0, replications) for `threads` threads, on `next` (default: an array of this thread
   * only; an Int32Array on a SharedArrayBuffer lets threads take from the same queue).
   */
  static forThreads(
    replications: number,
    threads: number,
    next: Int32Array<ArrayBufferLike> = new Int32Array(1),
  ): ReplicationQueue {
    next[0] = 0;
    return ReplicationQueue.on(
      next,
      replications,
      Math.max(1, Math.floor(replications / (threads * CHUNKS_PER_THREAD))),
    );
  }

  /** The queue that another thread made (its `next`, `to` and `chunk`), to take from it here. */
  static on(next: Int32Array<ArrayBufferLike>, to: number, chunk: number): ReplicationQueue {
    if (!Number.isInteger(chunk) || chunk < 1)
      throw new RangeError(`a chunk of replications is at least 1, got ${chunk}`);
    return new ReplicationQueue(next, to, chunk);
  }

  /** The next chunk [from, to) not yet taken by anyone, or undefined when none is left. */
  take(): [from: number, to: number] | undefined {
    const from = Atomics.add(this.next, 0, this.chunk);
    if (from >= this.to) return undefined;
    return [from, Math.min(this.to, from + this.chunk)];
  }
}
