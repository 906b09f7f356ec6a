// How many threads replications get, and the progress of threads that share them.
import { describe, expect, it } from 'vitest';
import {
  NO_THREADS_WARNING,
  ReplicationPool,
  sharedProgress,
} from '../../forecast/threads/ReplicationPool.ts';

describe('ReplicationPool.threadsFor', () => {
  const pool = new ReplicationPool(2);

  it('gives what the work is worth, within the pool and one thread per replication', () => {
    expect(pool.threadsFor(100, 10)).toBe(3);
    expect(pool.threadsFor(100, 2)).toBe(2);
    expect(pool.threadsFor(2, 10)).toBe(2);
  });

  it('gives the calling thread alone when the work is worth none, or the count is no whole number', () => {
    expect(pool.threadsFor(100, 0)).toBe(1);
    expect(pool.threadsFor(0, 10)).toBe(1);
    expect(pool.threadsFor(2.5, 10)).toBe(1);
    expect(pool.threadsFor(Number.NaN, 10)).toBe(1);
  });

  it('gives the calling thread alone without threads to start', () => {
    expect(new ReplicationPool(0).threadsFor(100, 10)).toBe(1);
    expect(new ReplicationPool(2, 'no-such-entry.mjs').threadsFor(100, 10)).toBe(1);
  });
});

describe('ReplicationPool without its threads', () => {
  it('says once, as a process warning naming the missing entry, that replications run on the calling thread', async () => {
    const entry = 'no-such-entry-of-this-test.mjs';
    const heard: Error[] = [];
    const listen = (warning: Error) => {
      const ours = (warning as Error & { code?: string }).code === NO_THREADS_WARNING;
      // (Another test's pool warns of its own entry on this tick too.)
      if (ours && !warning.message.includes('no-such-entry.mjs')) heard.push(warning);
    };
    process.on('warning', listen);
    try {
      const pool = new ReplicationPool(2, entry);
      expect(pool.threadsFor(100, 10)).toBe(1);
      expect(pool.threadsFor(100, 10)).toBe(1);
      new ReplicationPool(3, entry).threadsFor(100, 10);
      // A pool of no threads wants none: nothing to say.
      new ReplicationPool(0, 'another-missing-entry.mjs').threadsFor(100, 10);
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));

      expect(heard.map((w) => w.message)).toEqual([
        `replications run on the calling thread alone: the entry of the 2 worker threads wanted, ${entry}, is missing`,
      ]);
    } finally {
      process.off('warning', listen);
    }
  });
});

describe('sharedProgress', () => {
  it('reports the runs done by every thread at each thread report', () => {
    const heard: number[] = [];
    const of = sharedProgress(3, (done) => heard.push(done));
    of(0)(1);
    of(2)(4);
    of(0)(2);
    of(1)(3);
    expect(heard).toEqual([1, 5, 6, 9]);
  });
});
