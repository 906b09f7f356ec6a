// The emulator's seed: any integer, however large, as `twin emulate --seed` and `twin start --seed`
// take it; seeds that agree in their lower 32 bits still give different plants.
import { describe, expect, it } from 'vitest';
import { emulate } from '../../emulator/emulate.ts';
import { PrintingPublisher } from '../../emulator/publisher.ts';
import type { Seed } from '../../sim-core/index.ts';
import { twin } from '../support/cli.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;

async function steady(seed: Seed): Promise<string[]> {
  const lines: string[] = [];
  await emulate({
    scenario: 'steady',
    publisher: new PrintingPublisher((line) => lines.push(line)),
    speed: Number.POSITIVE_INFINITY,
    seed,
    duration: 2 * 60 * MIN,
    rate: 100,
    start: T0,
  });
  return lines;
}

describe('emulator seeds', () => {
  it('tells 2^32 + 1 from 1, and 10^30 from its neighbour', async () => {
    const one = await steady(1);
    const wrapped = await steady(2n ** 32n + 1n);
    const large = await steady(10n ** 30n);
    const neighbour = await steady(10n ** 30n + 1n);

    expect(one.length).toBeGreaterThan(0);
    expect(wrapped).not.toEqual(one);
    expect(neighbour).not.toEqual(large);
  });

  it('gives the same plant for the same seed, as a number or as a bigint', async () => {
    expect(await steady(42)).toEqual(await steady(42n));
    expect(await steady(10n ** 30n)).toEqual(await steady(10n ** 30n));
  });

  it('takes any integer seed on the command line', async () => {
    const run = await twin(
      'emulate',
      '--scenario',
      'steady',
      '--seed',
      '1e30',
      '--speed',
      'max',
      '--duration',
      '1h',
      '--dry-run',
    );

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').length).toBeGreaterThan(0);
    expect(JSON.parse(run.stdout.split('\n')[0]!)).toHaveProperty('orderId');
  });
});
