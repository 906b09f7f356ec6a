import { describe, expect, it } from 'vitest';
import { freshAndWarm } from '../../cli/commands/bench/benchmark.ts';

/** A run whose wall times come from `walls` in turn, numbered. */
function scripted(walls: number[]) {
  let i = 0;
  return () => ({ run: i + 1, wallMs: walls[i++]! });
}

describe('freshAndWarm', () => {
  it('is the first run alone without warm-up', () => {
    const once = scripted([50, 1, 1]);
    expect(freshAndWarm(once, { warmup: '0', runs: '5' })).toEqual({ run: 1, wallMs: 50 });
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
