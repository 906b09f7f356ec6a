// The emulator's plants side by side (`--plants N`): each its own seed and its own events, named by
// their plant; the first is the plant run alone.
import { describe, expect, it } from 'vitest';
import { emulate, emulatedPlantIds } from '../../emulator/emulate.ts';
import { PrintingPublisher } from '../../emulator/publisher.ts';
import { twin } from '../support/cli.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);

type Line = Record<string, unknown>;

async function run(plants: number): Promise<Line[]> {
  const lines: string[] = [];
  await emulate({
    scenario: 'breakdowns',
    publisher: new PrintingPublisher((line) => lines.push(line)),
    speed: Number.POSITIVE_INFINITY,
    seed: 7,
    duration: 3 * 3_600_000,
    rate: 100,
    start: T0,
    plants,
  });
  return lines.map((line) => JSON.parse(line));
}

describe('emulated plants', () => {
  it('run side by side, each its own events under its plant id; the first is the plant alone', async () => {
    const alone = await run(1);
    const three = await run(3);
    const byPlant: Record<string, Line[]> = {};
    for (const e of three) {
      byPlant[String(e.plantId)] ??= [];
      byPlant[String(e.plantId)]!.push(e);
    }

    expect(Object.keys(byPlant).sort()).toEqual(['plant-01', 'plant-02', 'plant-03']);
    expect(alone.every((e) => e.plantId === undefined)).toBe(true);
    const first = byPlant['plant-01']!.map(({ plantId: _, ...e }) => ({
      ...e,
      eventId: String(e.eventId).replace(/^plant-01-/, ''),
    }));
    expect(first).toEqual(alone);
    // Other seeds, other plants; and no event id twice, whichever plant.
    expect(byPlant['plant-02']!.map((e) => e.occurredAt)).not.toEqual(
      byPlant['plant-01']!.map((e) => e.occurredAt),
    );
    expect(new Set(three.map((e) => e.eventId)).size).toBe(three.length);
  });

  it('are named to one width, so that they sort in order; one plant has no id', () => {
    expect(emulatedPlantIds(1)).toEqual([undefined]);
    expect(emulatedPlantIds(3)).toEqual(['plant-01', 'plant-02', 'plant-03']);
    expect(emulatedPlantIds(120).at(-1)).toBe('plant-120');
    expect(emulatedPlantIds(120)[8]).toBe('plant-009');
    expect(() => emulatedPlantIds(0)).toThrow(/plants must be a whole number from 1 to 1,000, got 0/);
  });

  it('refuses a number of plants that is not one, naming the option', async () => {
    const result = await twin('emulate', '--dry-run', '--plants', '1001');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--plants must be at most 1000, got "1001"');
  });
});
