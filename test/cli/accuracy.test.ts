// `twin accuracy` as the terminal shows it: the table, the Monte Carlo lines, nothing to compare,
// and a bad horizon (the tables themselves: test/integration/accuracy.test.ts).
import { describe, expect, it } from 'vitest';
import { type AccuracyTextInput, accuracyText } from '../../cli/commands/accuracy.ts';
import { twin } from '../support/cli.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 27, 8, 0, 0);
const noLate = { orders: 0, predicted: 0, actual: 0, both: 0 };

describe('twin accuracy', () => {
  it('shows each horizon as a row, a dash where no order was forecast that far ahead', () => {
    const report: AccuracyTextInput = {
      finishedOrders: 12,
      history: { forecasts: 40, firstAsOf: T0, lastAsOf: T0 + 95 * MIN, read: 9 },
      horizons: [
        {
          horizonMs: 15 * MIN,
          orders: 12,
          biasMs: 90_000,
          meanAbsErrorMs: 2 * MIN,
          p90AbsErrorMs: 4 * MIN,
          maxAbsErrorMs: 7 * MIN,
          late: { orders: 10, predicted: 3, actual: 4, both: 3 },
        },
        { horizonMs: 2 * 60 * MIN, orders: 0, late: noLate },
      ],
    };

    const text = accuracyText(report, 'the twin');

    expect(text).toMatch(
      /^12 orders have finished every step; 40 forecasts in history, 2026-11-27 08:00:00Z to 09:35:00 \(plant time\); 9 of them compared\.$/m,
    );
    expect(text).toMatch(/^15 min\s+12\s+\+1 min 30 s\s+2 min\s+4 min\s+7 min\s+3\s+4\s+3$/m);
    expect(text).toMatch(/^2 h\s+0(\s+-){7}$/m);
    expect(text).not.toMatch(/Monte Carlo/);
  });

  it('says how the Monte Carlo spread and chances came out, beside what is right', () => {
    const report: AccuracyTextInput = {
      finishedOrders: 10,
      history: { forecasts: 5, firstAsOf: T0, lastAsOf: T0, read: 1 },
      horizons: [
        {
          horizonMs: 30 * MIN,
          orders: 10,
          biasMs: 0,
          meanAbsErrorMs: 0,
          p90AbsErrorMs: 0,
          maxAbsErrorMs: 0,
          late: noLate,
          spread: {
            orders: 10,
            withinP10P90: 7,
            belowP50: 6,
            onTime: { orders: 4, expected: 2.64, actual: 3 },
          },
        },
      ],
    };

    const text = accuracyText(report, 'the twin');

    expect(text).toMatch(/were their spread right: within P10–P90 for 8 orders in 10, before P50 for 5/);
    expect(text).toMatch(
      /^ {2}30 min ahead: within P10–P90 7 of 10 \(70 %\); before P50 6 of 10 \(60 %\); on time 3 of 4 with a due date, where the chances added up to 2\.6$/m,
    );
  });

  it('lists the largest misses, each order once at its worst, exact ones left out', () => {
    const comparison = (orderId: string, horizonMin: number, errorMin: number) => ({
      orderId,
      horizonMs: horizonMin * MIN,
      forecastAsOf: T0,
      forecastEndAt: T0 + (60 + errorMin) * MIN,
      actualEndAt: T0 + 60 * MIN,
      errorMs: errorMin * MIN,
      calledLate: false,
      wasLate: false,
    });
    const report = {
      finishedOrders: 4,
      history: { forecasts: 3, firstAsOf: T0, lastAsOf: T0, read: 3 },
      horizons: [
        {
          horizonMs: 15 * MIN,
          orders: 4,
          biasMs: 0,
          meanAbsErrorMs: 0,
          p90AbsErrorMs: 0,
          maxAbsErrorMs: 0,
          late: noLate,
        },
      ],
      comparisons: [
        comparison('a', 15, -2),
        comparison('a', 30, -9),
        comparison('b', 15, 4),
        comparison('c', 15, 1),
        comparison('d', 15, 0),
      ],
    };

    const text = accuracyText(report, 'the twin');
    const top2 = accuracyText(
      { ...report, comparisons: report.comparisons.filter((c) => c.orderId !== 'c') },
      'x',
    );

    expect(text.split('Largest misses (where to look first):\n')[1]!.split('\n')).toEqual([
      '  a, 30 min ahead: forecast to finish 08:51:00, finished 09:00:00 (9 min later)',
      '  b, 15 min ahead: forecast to finish 09:04:00, finished 09:00:00 (4 min earlier)',
      '  c, 15 min ahead: forecast to finish 09:01:00, finished 09:00:00 (1 min earlier)',
    ]);
    // d was exact: with c gone, only two misses are left.
    expect(top2.split('Largest misses (where to look first):\n')[1]!.split('\n')).toHaveLength(2);
  });

  it("shows each step's end per horizon, in the order of the routings, the step named once", () => {
    const figures = (bias: number, mean: number) => ({
      biasMs: bias * MIN,
      meanAbsErrorMs: mean * MIN,
      p90AbsErrorMs: 2 * mean * MIN,
      maxAbsErrorMs: 3 * mean * MIN,
    });
    const report: AccuracyTextInput = {
      finishedOrders: 3,
      model: { name: 'flow-shop', hash: '0123456789abcdef' },
      history: { forecasts: 9, firstAsOf: T0, lastAsOf: T0 + 60 * MIN, read: 6 },
      horizons: [{ horizonMs: 15 * MIN, orders: 3, ...figures(1, 1), late: noLate }],
      steps: [
        { step: 'material', horizonMs: 15 * MIN, orders: 4, ...figures(-2, 2) },
        { step: 'cut', horizonMs: 15 * MIN, orders: 4, ...figures(0.5, 0.5) },
        { step: 'cut', horizonMs: 30 * MIN, orders: 0 },
      ],
    };

    const text = accuracyText(report, 'the twin');

    expect(text).toMatch(/^Forecast accuracy in the twin \(model flow-shop\)$/m);
    expect(text).toMatch(/^Each step's end, forecast against actual, in the order of the model's routings/m);
    const table = text.split(/^step\s+ahead\s+orders\s+bias\s+mean error\s+9 in 10 within\s+largest$/m)[1]!;
    expect(table.trim().split('\n')).toEqual([
      expect.stringMatching(/^material\s+15 min\s+4\s+-2 min\s+2 min\s+4 min\s+6 min$/),
      expect.stringMatching(/^cut\s+15 min\s+4\s+\+30 s\s+30 s\s+1 min\s+1 min 30 s$/),
      expect.stringMatching(/^\s+30 min\s+0(\s+-){4}$/),
    ]);
  });

  it('says when there is nothing to compare yet', () => {
    const none = (finishedOrders: number, forecasts: number): AccuracyTextInput => ({
      finishedOrders,
      history: { forecasts, read: 0 },
      horizons: [{ horizonMs: 5 * MIN, orders: 0, late: noLate }],
    });

    expect(accuracyText(none(0, 3), 'the twin')).toMatch(
      /No order has finished a step yet: nothing to compare\.$/,
    );
    expect(accuracyText(none(4, 0), 'the twin')).toMatch(/No forecast in history: nothing to compare\.$/);
    // A history over more than a day gives both ends their date.
    const long = {
      ...none(0, 2),
      history: { forecasts: 2, firstAsOf: T0, lastAsOf: T0 + 26 * 60 * MIN, read: 0 },
    };
    expect(accuracyText(long, 'the twin')).toMatch(
      /, 2026-11-27 08:00:00Z to 2026-11-28 10:00:00Z \(plant time\)/,
    );
  });

  it('names a horizon that is not a duration, and reads nothing', async () => {
    const run = await twin('accuracy', '--horizons', '15m,soon', '--endpoint', 'http://127.0.0.1:9');

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'twin: --horizons must be durations above 0 and at most 3650d, comma-separated, such as 15m,1h,1h30m; "soon" is not one\n',
    );
  });
});
