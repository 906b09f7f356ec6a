// runModel's progress reporting: long runs tell how far they are, and end exactly as run() would.
import { describe, expect, it } from 'vitest';
import { casymdaBenchmarkModel, runModel } from '../../sim-core/index.ts';
import { orderFlowBlocks } from './fixtures/index.ts';

describe('runModel progress', () => {
  it('reports progress every so many events and ends where an unreported run ends', () => {
    const reports: [number, number, number][] = [];
    const parameters = { entities: 20_000, interArrival: 10 };

    const reported = runModel(casymdaBenchmarkModel(), {
      parameters,
      progressEvery: 10_000,
      onProgress: (replication, now, events) => reports.push([replication, now, events]),
    });
    const plain = runModel(casymdaBenchmarkModel(), { parameters });

    expect(reports.length).toBe(Math.floor(plain.replications[0]!.events / 10_000));
    expect(reports.every(([r]) => r === 1)).toBe(true);
    expect(reports.map(([, now]) => now)).toEqual([...reports.map(([, now]) => now)].sort((a, b) => a - b));
    expect(reported.replications[0]).toEqual(plain.replications[0]);
  });

  it('stops at until, with the clock standing there, when progress is reported', () => {
    const until = 3_600_000 * 5;

    const reported = runModel(orderFlowBlocks, { until, progressEvery: 5, onProgress: () => {} });
    const plain = runModel(orderFlowBlocks, { until });

    expect(reported.replications[0]!.endTime).toBe(until);
    expect(reported.replications[0]).toEqual(plain.replications[0]);
  });
});
