import { describe, expect, it } from 'vitest';
import { ReplicationQueue } from '../../orderflow/replicationQueue.ts';

/** Every chunk `queue` hands out until it is empty. */
function drain(queue: ReplicationQueue): [number, number][] {
  const chunks: [number, number][] = [];
  for (let c = queue.take(); c !== undefined; c = queue.take()) chunks.push(c);
  return chunks;
}

describe('ReplicationQueue', () => {
  it('hands out a range in one chunk', () => {
    expect(drain(ReplicationQueue.range(10, 30))).toEqual([[10, 30]]);
    expect(drain(ReplicationQueue.range(5, 5))).toEqual([]);
  });

  it('hands out each replication once to takers that share it, in chunks that shrink with more threads', () => {
    const queue = ReplicationQueue.forThreads(100, 2, new Int32Array(new SharedArrayBuffer(4)));
    expect(queue.chunk).toBe(3);
    // A second taker on the same memory, as a worker thread is.
    const other = ReplicationQueue.on(queue.next, queue.to, queue.chunk);
    const taken: [number, number][] = [];
    for (let turn = 0; ; turn++) {
      const chunk = (turn % 3 === 0 ? other : queue).take();
      if (chunk === undefined) break;
      taken.push(chunk);
    }
    const replications = taken.flatMap(([from, to]) => Array.from({ length: to - from }, (_, i) => from + i));
    expect(replications).toEqual(Array.from({ length: 100 }, (_, r) => r));
    expect(taken.at(-1)).toEqual([99, 100]);
    expect(ReplicationQueue.forThreads(100, 8).chunk).toBe(1);
    expect(ReplicationQueue.forThreads(10_000, 1).chunk).toBe(625);
  });

  it('refuses a chunk of less than one replication', () => {
    expect(() => ReplicationQueue.on(new Int32Array(1), 10, 0)).toThrow(
      'a chunk of replications is at least 1, got 0',
    );
  });
});
