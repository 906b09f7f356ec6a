// `twin bench parts` on real emulators, small: each piece counts what it did, and has a CPU figure.
import { describe, expect, it } from 'vitest';
import { partsCostBench } from '../../bench/partsCostBench.ts';

describe('twin bench parts', () => {
  it('measures each piece of the pipeline alone, per unit of its own work', async () => {
    const progress: string[] = [];
    const parts = await partsCostBench({
      events: 700,
      activeOrders: 50,
      queries: 2,
      warm: false,
      progress: (text) => progress.push(text),
    });
    expect(parts.map((p) => [p.per, p.units])).toEqual([
      ['write', 7_000], // the raw round: 1,000 orders' whole lives
      ['event', 700],
      ['event', 700], // every event put is read back
      ['record', 7_000], // one change per write of the raw round, as the pollers read it
      ['record', 7_000], // the same, in the SDK's types, by the twin's client
      ['record', 7_000], // the same, by a client as the SDK makes it by default
      ['item', 100], // the active orders, twice
    ]);
    for (const { part, cpuMicros } of parts) {
      expect(cpuMicros.client, part).toBeGreaterThan(0);
      if (process.platform === 'linux') expect(Number.isFinite(cpuMicros.dynamodbLocal), part).toBe(true);
    }
    expect(parts.filter((p) => p.cpuMicros.kinesalite !== undefined).map((p) => p.per)).toEqual([
      'event',
      'event',
    ]);
    expect(progress).toContain("reading the table's stream (old and new image), up to 100 a call");
  }, 180_000);
});
