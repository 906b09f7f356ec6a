// The forecast as a terminal table: a Monte Carlo forecast's columns, and shares that never round
// to "never" or "always" when they are neither.
import { describe, expect, it } from 'vitest';
import { jsonText } from '../../cli/command.ts';
import { forecastTable } from '../../cli/format.ts';
import {
  demoOrders,
  forecastMonteCarlo,
  orderFlowModel,
  runPlant,
  snapshotAt,
} from '../../orderflow/index.ts';

const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const MIN = 60_000;

describe('forecast table', () => {
  it('shows a chance on time as "< 1 %" or "> 99 %" rather than 0 % or 100 % when it is neither', () => {
    const result = forecastMonteCarlo(snapshotAt(runPlant(demoOrders(T0)), T0 + 31 * MIN), undefined, {
      parameters: { productionTime: { dist: 'uniform', min: 5 * MIN, max: 15 * MIN } },
      replications: 10,
    });
    const [first, second, third, fourth] = result.orders;
    const orders = [
      { ...first!, onTimeProbability: 0.996 },
      { ...second!, onTimeProbability: 0.004 },
      { ...third!, onTimeProbability: 1 },
      { ...fourth!, onTimeProbability: 0 },
    ];

    const table = forecastTable({ ...result, orders }, orderFlowModel);

    expect(table).toContain('Monte Carlo: 10 draws of the future (seed 1)');
    expect(table).toContain('production uniform(min 5 min, max 15 min) at line');
    const chances = table
      .split('\n')
      .filter((line) => line.startsWith('order-'))
      .map((line) => line.match(/(< 1 %|> 99 %|\d+ %)$/)?.[1]);
    expect(chances).toEqual(['> 99 %', '< 1 %', '100 %', '0 %']);
  });
});

describe('JSON results', () => {
  const io = { out: () => {}, err: () => {}, interactive: false };
  it('are indented on a terminal and one compact line for a program', () => {
    const value = { orders: [{ orderId: 'o-1', completedAt: 1 }] };
    expect(jsonText(value, { ...io, outToTerminal: true })).toBe(JSON.stringify(value, null, 2));
    expect(jsonText(value, io)).toBe('{"orders":[{"orderId":"o-1","completedAt":1}]}');
    expect(JSON.parse(jsonText(value, io))).toEqual(value);
  });
});
