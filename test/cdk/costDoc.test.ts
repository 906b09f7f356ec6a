// docs/cost.md cannot go stale: its tables and figures are what the cost model gives today for the
// stack's settings, the benchmark's figures and the prices.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  benchmarkFigures,
  costPerMonth,
  costSummaryMarkdown,
  costTableMarkdown,
  DEFAULT_INPUTS,
  measuredInputs,
  PRICES_DATE,
  pricesMarkdown,
} from '../../lib/costModel.ts';
import { stackCostSettings } from '../../lib/costSettings.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const doc = read('docs/cost.md');

/** A figure the doc states it rests on (the doc is regenerated after `npm run bench`, not by it). */
function stated(pattern: RegExp): number {
  const match = pattern.exec(doc);
  expect(match, `docs/cost.md states no ${pattern}`).not.toBeNull();
  return Number(match![1]!.replaceAll(',', ''));
}
const measured = {
  forecastMs: stated(/([\d.]+) ms per plant's forecast/),
  forecastMsFrom: stated(/benchmark on DynamoDB Local for ([\d,]+) active orders/),
  forecastBytes: stated(/is ([\d,]+) bytes compressed/),
  ingestMsPerEvent: stated(/([\d.]+) ms per\s+event/),
};
const estimates = [1, 10, 100].map((plants) =>
  costPerMonth({ ...DEFAULT_INPUTS, ...measured, plants }, stackCostSettings()),
);

/** The section of the doc under `### <heading>`, to its next heading. */
function section(heading: string): string {
  const start = doc.indexOf(`\n### ${heading}\n`);
  expect(start, `docs/cost.md has no "### ${heading}"`).toBeGreaterThanOrEqual(0);
  const rest = doc.slice(start + heading.length + 6);
  return rest.slice(0, rest.search(/\n#{2,3} /) >>> 0);
}

describe('docs/cost.md', () => {
  it('holds the cost per month the model gives for 1, 10 and 100 plants, each under its heading', () => {
    expect(section('1 plant')).toContain(costTableMarkdown(estimates[0]!));
    expect(section('10 plants')).toContain(costTableMarkdown(estimates[1]!));
    expect(section('100 plants')).toContain(costTableMarkdown(estimates[2]!));
    expect(doc).toContain(costSummaryMarkdown(estimates));
  });

  it('states figures the benchmark measured, the prices with their date', () => {
    // Figures of a run of `npm run bench` (twin cost takes the latest run's: they may have moved since).
    const figures = benchmarkFigures(read('docs/benchmark-results.md'));
    expect(figures.forecastHandler.map((r) => r.activeOrders)).toContain(measured.forecastMsFrom);
    expect(measured.forecastMs).toBeGreaterThan(0);
    expect(measured.forecastBytes).toBeGreaterThan(0);
    expect(measured.ingestMsPerEvent).toBeGreaterThan(0);
    expect(measuredInputs(figures, DEFAULT_INPUTS.activeOrdersPerPlant).forecastMsFrom).toBe(
      measured.forecastMsFrom,
    );
    expect(doc).toContain(`as of ${PRICES_DATE}`);
    expect(doc).toContain(pricesMarkdown());
  });

  it("states the model's other assumptions as the model takes them", () => {
    expect(doc).toContain(`up to ${DEFAULT_INPUTS.orderItemBytes} bytes`);
    expect(doc).toContain(`${DEFAULT_INPUTS.eventBytes} bytes, one PUT payload unit`);
    expect(doc).toContain(`${DEFAULT_INPUTS.observerMs} ms per invocation (not measured)`);
    expect(doc).toContain(`${DEFAULT_INPUTS.logBytesPerInvocation} bytes of logs per invocation`);
    expect(doc).toContain(
      `${DEFAULT_INPUTS.eventsPerDayPerPlant.toLocaleString('en-US')} events a day and ${DEFAULT_INPUTS.activeOrdersPerPlant} active orders`,
    );
  });

  it('is linked from the deployment page and the README', () => {
    expect(read('docs/deploy-aws.md')).toContain('(cost.md)');
    expect(read('README.md')).toContain('(docs/cost.md)');
  });
});
