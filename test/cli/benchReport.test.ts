// How `twin bench latency` reports the sustained rate against the target: to a tenth of a
// percent, and met or not by the unrounded ratio (79.8 % is not 80 %).
import { describe, expect, it } from 'vitest';
import { type LatencyBenchResult, meetsSustainedTarget } from '../../bench/latencyBench.ts';
import { latencyTable } from '../../cli/commands/bench.ts';

const result = (sustainedPerSecond: number, rawPerSecond: number): LatencyBenchResult => ({
  rows: [],
  sustainRuns: [],
  sustainedPerSecond,
  rawPerSecond,
  rawRounds: [{ when: 'before', rates: [{ concurrency: 16, perSecond: rawPerSecond }] }],
  ofCeiling: Math.round((sustainedPerSecond / rawPerSecond) * 1000) / 1000,
  meetsTarget: meetsSustainedTarget(sustainedPerSecond, rawPerSecond),
});

describe('twin bench latency report', () => {
  it('says whether the sustained rate met 80 % of the raw ceiling, to a tenth of a percent', () => {
    expect(latencyTable(result(1_220, 1_528))).toMatch(
      /^highest rate sustained: 1220\/s = 79\.8 % of DynamoDB Local's raw ceiling on the pipeline's table, 1528\/s \(before: 1528\/s at 16\); the target, 80 %: not met in this run$/m,
    );
    expect(latencyTable(result(1_190, 1_485))).toMatch(
      /= 80\.1 % of .*; the target, 80 %: met in this run$/m,
    );
  });

  it('counts exactly 80 % as met, and a hair below as not', () => {
    expect(meetsSustainedTarget(1_200, 1_500)).toBe(true);
    expect(meetsSustainedTarget(1_199, 1_500)).toBe(false);
    expect(meetsSustainedTarget(1_220, 1_528)).toBe(false);
  });
});
