// How many threads replications get, and the progress of threads that share them.
import { describe, expect, it } from 'vitest';
import { ReplicationPool, sharedProgress } from '../../forecast/threads/ReplicationPool.ts';

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
