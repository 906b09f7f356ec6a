// The what-if panel's words and table cells, without a browser: changes and variant names, differences
// with their intervals, the ranked rows, the chosen variant, and the recommendations a forecast carries.
import { describe, expect, it } from 'vitest';
import type { ForecastRecord } from '../../contracts/forecastRecord.ts';
import type { WhatIfRow } from '../../contracts/whatIf.ts';
import { modelView } from '../../dashboard/page/model.ts';
import {
  changeText,
  chosenVariant,
  differenceText,
  rankedRows,
  recommendationsOf,
  variantName,
} from '../../dashboard/page/whatIfModel.ts';
import { flowShopRecord, MIN } from './fixtures.ts';

const record = flowShopRecord(0);
const view = modelView(record);
const asOf = record.asOf;

function row(
  name: string,
  rank: number,
  verdict: WhatIfRow['verdict'],
  late: number,
  diff?: number,
): WhatIfRow {
  const kpis = {
    lateOrders: late,
    totalLatenessMs: late * 10 * MIN,
    meanLatenessMs: 10 * MIN,
    makespanMs: 90 * MIN,
    throughput: 5,
  };
  return {
    name,
    rank,
    verdict,
    changes: [],
    kpis,
    atMeans: kpis,
    utilisation: {},
    lateOrders: [],
    delayed: {},
    ...(diff !== undefined && {
      difference: {
        lateOrders: { mean: diff, ci: [diff - 0.5, diff + 0.25] },
        totalLatenessMs: { mean: diff * 10 * MIN, ci: [diff * 12 * MIN, diff * 8 * MIN] },
        meanLatenessMs: { mean: 0 },
        makespanMs: { mean: 0 },
        throughput: { mean: 0 },
      },
    }),
  };
}

describe('what-if words', () => {
  it("names changes by the model's station names and the forecast's clock", () => {
    const welder = view.stations.find((s) => s.id === 'welder')!;

    const units = changeText({ change: 'units', station: 'welder', add: 1 }, view, asOf);
    const fewer = changeText({ change: 'units', station: 'welder', add: -2 }, view, asOf);
    const expedite = changeText(
      { change: 'expedite', order: 'frame-4', eta: new Date(asOf + 5 * MIN).toISOString() },
      view,
      asOf,
    );
    const rule = changeText({ change: 'queue-rule', station: 'welder', rule: 'due-date' }, view, asOf);

    expect(units).toBe(`+1 unit at ${welder.name}`);
    expect(fewer).toBe(`−2 units at ${welder.name}`);
    expect(expedite).toMatch(/^frame-4's material at \d\d:\d\d:\d\d$/);
    expect(rule).toBe(`${welder.name}: earliest due date first`);
    expect(variantName([], view, asOf)).toBe('no change');
    expect(
      variantName(
        [
          { change: 'priority', order: 'a', priority: 3 },
          { change: 'priority', order: 'b', priority: 1 },
        ],
        view,
        asOf,
      ),
    ).toBe('a priority 3; b priority 1');
    expect(
      variantName(
        Array.from({ length: 40 }, (_, i) => ({
          change: 'priority' as const,
          order: `order-${i}`,
          priority: i,
        })),
        view,
        asOf,
      ),
    ).toHaveLength(200);
  });

  it('writes a difference with its 95 % interval, and none for the baseline', () => {
    expect(differenceText({ mean: -2, ci: [-3, -1] }, 'count')).toBe('−2 [−3, −1]');
    expect(differenceText({ mean: 0.4 }, 'count')).toBe('+0.4');
    expect(differenceText({ mean: -125_000, ci: [-180_000, -60_000] }, 'duration')).toBe(
      '−2 min 05 s [−3 min, −1 min]',
    );
    expect(differenceText({ mean: 0 }, 'duration')).toBe('0');
    expect(differenceText(undefined, 'count')).toBe('–');
  });

  it('orders the table by rank and shows the best variant unless another is chosen', () => {
    const rows = [
      row('baseline', 2, 'baseline', 3),
      row('slower', 3, 'worse', 4, 1),
      row('faster', 1, 'better', 1.5, -1.5),
    ];

    const table = rankedRows(rows);

    expect(table.map((r) => [r.rank, r.name, r.verdictText, r.late])).toEqual([
      ['1', 'faster', 'better', '1.5'],
      ['2', 'baseline', 'the live plant', '3'],
      ['3', 'slower', 'worse', '4'],
    ]);
    expect(table[0]!.lateDiff).toEqual({ mean: '−1.5', ci: '[−2, −1.3]' });
    expect(table[1]!.lateDiff).toEqual({ mean: '–' });
    expect(chosenVariant(rows)).toBe('faster');
    expect(chosenVariant(rows, 'slower')).toBe('slower');
    expect(chosenVariant(rows, 'gone')).toBe('faster');
    expect(chosenVariant([row('baseline', 1, 'baseline', 3)])).toBeUndefined();
  });

  it('reads the recommendations a forecast carries, and none when it carries none', () => {
    // A record of an older twin may carry anything there: what is not a recommendation is left out.
    const carried = {
      ...record,
      recommendations: [{ name: 'x', text: 'x: 1 fewer late order', changes: [] }, { bad: true }],
    } as unknown as ForecastRecord;

    expect(recommendationsOf(carried)).toEqual([{ name: 'x', text: 'x: 1 fewer late order', changes: [] }]);
    expect(recommendationsOf(record)).toBeUndefined();
    expect(recommendationsOf(null)).toBeUndefined();
  });
});
