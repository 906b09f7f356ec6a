import { describe, expect, it } from 'vitest';
import { freshAndWarm } from '../../cli/commands/bench/benchmark.ts';
import { MONTE_CARLO_WARM_UP_DRAWS, monteCarloWarmUpRuns } from '../../cli/commands/bench/forecast.ts';
import { CliError } from '../../cli/errors.ts';

/** A run whose wall times come from `walls` in turn, numbered. */
function scripted(walls: number[]) {
  let i = 0;
  return () => ({ run: i + 1, wallMs: walls[i++]! });
}

describe('freshAndWarm', () => {
  it('is the first run alone without warm-up', () => {
    const once = scripted([50, 1, 1]);
    expect(freshAndWarm(once, { warmup: '0', runs: '1' })).toEqual({ run: 1, wallMs: 50 });
    expect(freshAndWarm(scripted([60, 1]), {})).toEqual({ run: 1, wallMs: 60 });
  });

  it('refuses measured runs without warm-up runs, before running any', () => {
    let ran = 0;
    const once = () => ({ wallMs: ++ran });
    expect(() => freshAndWarm(once, { warmup: '0', runs: '5' })).toThrow(
      new CliError('--runs 5 measures warm runs: give --warmup N too (N >= 1 runs before them)'),
    );
    expect(ran).toBe(0);
  });

  it('measures the median of the runs after the warm-up ones, the first as freshMs', () => {
    // fresh 90; warm-up 40, 35; measured 9, 30, 8, 12, 100 → median 12.
    const once = scripted([90, 40, 35, 9, 30, 8, 12, 100, 1]);
    expect(freshAndWarm(once, { warmup: '2', runs: '5' })).toEqual({ run: 8, wallMs: 12, freshMs: 90 });
  });

  it('with one measured run, measures the run after the warm-up ones', () => {
    const once = scripted([90, 40, 7, 1]);
    expect(freshAndWarm(once, { warmup: '1', runs: '1' })).toEqual({ run: 3, wallMs: 7, freshMs: 90 });
  });
});

describe('monteCarloWarmUpRuns', () => {
  it('warms a Monte Carlo forecast up by the draws each thread makes, 10 to 100 forecasts', () => {
    // 1,000 orders × 100 draws: 30 forecasts on one thread, 60 on two (each runs half of them).
    expect(monteCarloWarmUpRuns(1_000, 100, 1)).toBe(30);
    expect(monteCarloWarmUpRuns(1_000, 100, 2)).toBe(60);
    expect(monteCarloWarmUpRuns(10_000, 100, 2)).toBe(10);
    expect(monteCarloWarmUpRuns(200, 10, 1)).toBe(100);
    expect(monteCarloWarmUpRuns(1_000, 1_000, 3)).toBe(10);
    expect(monteCarloWarmUpRuns(3_000, 100, 1) * 3_000 * 100).toBe(MONTE_CARLO_WARM_UP_DRAWS);
  });
});
