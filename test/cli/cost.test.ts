// `twin cost`: the cost per month on paper as a table and as JSON, its figures the model's for the
// stack's settings and the benchmark's forecast time, and a bad option named in one line.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  benchmarkFigures,
  costPerMonth,
  DEFAULT_INPUTS,
  measuredInputs,
  PRICES_DATE,
  usd,
} from '../../lib/costModel.ts';
import { stackCostSettings } from '../../lib/costSettings.ts';
import { twin } from '../support/cli.ts';

const exec = promisify(execFile);
const figures = benchmarkFigures(
  readFileSync(new URL('../../docs/benchmark-results.md', import.meta.url), 'utf8'),
);

/** What the model says for `plants` of `activeOrders`, with the benchmark's defaults unless overridden. */
function expected(plants: number, activeOrders = 200, override: { forecastMs?: number } = {}) {
  return costPerMonth(
    {
      ...DEFAULT_INPUTS,
      ...measuredInputs(figures, activeOrders),
      ...override,
      plants,
      activeOrdersPerPlant: activeOrders,
    },
    stackCostSettings(),
  );
}

describe('twin cost', () => {
  it("prints every line of the model's bill for the plants asked, and its total", async () => {
    const run = await twin('cost', '--plants', '10');

    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const estimate = expected(10);
    expect(run.stdout).toContain('10 plants of 10,000 events a day and 200 active orders each');
    expect(run.stdout).toContain(`as of ${PRICES_DATE}`);
    for (const line of estimate.lines) expect(run.stdout).toContain(line.item);
    const last = run.stdout.trimEnd().split('\n').at(-1)!;
    expect(last.startsWith('total ')).toBe(true);
    expect(last.endsWith(` ${usd(estimate.total)}`)).toBe(true);
  });

  it('takes the forecast time given, and the active orders and events a day given, as JSON', async () => {
    const run = await twin(
      'cost',
      '--plants',
      '3',
      '--active-orders',
      '1000',
      '--forecast-ms',
      '50',
      '--json',
    );

    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as {
      pricesDate: string;
      total: number;
      inputs: { forecastMs: number };
    };
    expect(printed.pricesDate).toBe(PRICES_DATE);
    expect(printed.inputs.forecastMs).toBe(50);
    expect(printed.total).toBeCloseTo(expected(3, 1000, { forecastMs: 50 }).total, 9);
    expect(printed.total).not.toBeCloseTo(expected(3, 1000).total, 2);
  });

  it('names a bad option, its value and what it takes, in one line with code 2', async () => {
    const plants = await twin('cost', '--plants', '0');
    const events = await twin('cost', '--events-per-day', 'many');
    const ms = await twin('cost', '--forecast-ms', '-5');

    expect(plants).toEqual({
      code: 2,
      stdout: '',
      stderr: 'twin: --plants must be a whole number from 1 to 10000, got "0"\n',
    });
    expect(events.stderr).toBe(
      'twin: --events-per-day must be a whole number from 1 to 100000000, got "many"\n',
    );
    expect(ms.code).toBe(2);
    expect(ms.stderr).toMatch(
      /^twin: --forecast-ms must be a number above 0 and at most 900000, got "-5"\n$/,
    );
  });

  it('runs from the bundle as a user runs it, finding the benchmark figures', async () => {
    const { stdout } = await exec(process.execPath, ['bin/twin.cjs', 'cost', '--plants', '100', '--json']);

    expect((JSON.parse(stdout) as { total: number }).total).toBeCloseTo(expected(100).total, 9);
  }, 60_000);
});
