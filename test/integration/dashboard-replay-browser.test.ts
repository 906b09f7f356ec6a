import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { type AccuracyRecord, emptyAccuracyRecord } from '../../contracts/accuracyRecord.ts';
import { resourceNames } from '../../contracts/resources.ts';
import { DynamoDbForecastSource } from '../../dashboard/forecastSource.ts';
import { DynamoDbHistorySource } from '../../dashboard/historySource.ts';
import { startDashboardServer } from '../../dashboard/server.ts';
import { DynamoDbAccuracyStore } from '../../forecast/DynamoDbAccuracyStore.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { addComparisons, addLatency, detectDrift } from '../../forecast/rollingAccuracy.ts';
import { createTableInputs } from '../../local/provision.ts';
import { demoRecord, MIN, T0 } from '../dashboard/fixtures.ts';
import { ARTIFACTS, describeInChromium } from '../support/browser.ts';
import { useDashboardBrowser } from '../support/dashboardBrowser.ts';
import { useEmulators } from '../support/emulators.ts';

/** A record of 30 steps each hour for three hours, 15 minutes ahead: 2 minutes late (20 % of 10), so in drift. */
function driftingRecord(): AccuracyRecord {
  let record = emptyAccuracyRecord([5 * MIN, 15 * MIN]);
  for (let i = 0; i < 90; i++) {
    const end = T0 + i * 2 * MIN;
    record = addComparisons(record, {
      steps: [
        {
          orderId: `o-${i}`,
          step: 'production',
          horizonMs: 15 * MIN,
          forecastAsOf: end - 10 * MIN,
          forecastEndAt: end - 2 * MIN,
          actualEndAt: end,
          errorMs: -2 * MIN,
        },
      ],
      completions: [],
    });
  }
  record = addLatency(record, { generatedAt: 10_450, latestEventAt: 10_000 });
  return detectDrift(record, { asOf: T0, raisedAt: 0 }).record;
}

describeInChromium('dashboard accuracy and replay in headless Chromium', 'dashboard browser tests', () => {
  const env = useEmulators('kinesalite');
  const { servers, newPage } = useDashboardBrowser({ width: 1440, height: 900 });

  /** A fresh forecasts table, its stores, and a dashboard server on it with the history API. */
  async function setUp() {
    const names = resourceNames(`replay-${Math.random().toString(36).slice(2, 8)}-`);
    await env.clients.dynamodb.send(new CreateTableCommand(createTableInputs(names).forecasts));
    const { documentClient } = env.clients;
    const server = await startDashboardServer({
      forecasts: new DynamoDbForecastSource(documentClient, names.forecastsTable),
      history: new DynamoDbHistorySource(documentClient, names.forecastsTable),
      build: false,
    });
    servers.push(server);
    return {
      server,
      forecasts: new DynamoDbForecastStore(documentClient, names.forecastsTable),
      accuracy: new DynamoDbAccuracyStore(documentClient, names.forecastsTable),
    };
  }

  async function open(url: string): Promise<{ page: Page; problems: string[] }> {
    const page = await newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(url);
    return { page, problems };
  }

  it('shows the error by horizon, the trend, drift and the data latency', async () => {
    const { server, forecasts, accuracy } = await setUp();
    await forecasts.save(demoRecord(31));
    await accuracy.write(driftingRecord(), 0);

    const { page, problems } = await open(server.url);
    await page.waitForSelector('#accuracy[data-state="drift"]');
    const summary = await page.locator('#accuracy summary').textContent();
    expect(summary).toBe(
      'Accuracy · 15 min ahead: 20 % off (bias −2 min) · data latency 450 ms (p95 450 ms) · DRIFT',
    );

    await page.locator('#accuracy summary').click();
    // One bar per horizon with comparisons, and an hour column per hour of the trend.
    expect(await page.locator('.acc-charts figure').first().locator('rect').count()).toBe(2);
    expect(await page.locator('.acc-trend rect').count()).toBe(3);
    const row = await page
      .locator('.acc-table tr[data-horizon="900000"] td')
      .evaluateAll((cells) => cells.map((c) => c.textContent));
    expect(row).toEqual(['90', '−2 min', '2 min', '20 %', '20 %', '–', 'drift (error)']);
    expect(await page.locator('.acc-note').textContent()).toContain('p50 450 ms, p95 450 ms');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-accuracy.png') });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('steps through the forecast history and redraws the Gantt from a past forecast, then back to live', async () => {
    const { server, forecasts } = await setUp();
    const minutes = [10, 20, 25, 31, 40];
    // Made now (wall clock): history expires 14 days after a forecast was made.
    for (const m of minutes) await forecasts.save(demoRecord(m, Date.now() + m));
    const firstLate = minutes.findIndex((m) => demoRecord(m).kpis.ordersLate > 0);
    expect(firstLate).toBeGreaterThan(0);

    const { page, problems } = await open(`${server.url}?poll=0.5`);
    await page.waitForSelector('#app[data-state="ready"]');
    expect(await page.locator('#app').getAttribute('data-as-of')).toBe(new Date(T0 + 40 * MIN).toISOString());

    await page.locator('#replay-open').click();
    await page.waitForSelector('#replay[data-state="replaying"]');
    expect(await page.locator('#replay').getAttribute('data-count')).toBe(String(minutes.length));
    // Stepping back with the keyboard redraws the chart from the forecast of 20 minutes earlier.
    await page.locator('#replay-slider').focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    const past = new Date(T0 + 25 * MIN).toISOString();
    await page.waitForSelector(`#app[data-as-of="${past}"]`);
    expect(await page.locator('#app').getAttribute('data-replaying')).toBe(past);
    expect(await page.locator('#orders-body tr').count()).toBe(demoRecord(25).orders.length);
    expect(await page.locator('#replay-text').textContent()).toMatch(/^Forecast 3 of 5, made at .*08:25:00/);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-replay.png') });

    // The first forecast that saw a late order coming.
    await page.locator('#replay-first-late').click();
    const first = new Date(T0 + minutes[firstLate]! * MIN).toISOString();
    await page.waitForSelector(`#app[data-as-of="${first}"]`);
    // A live poll meanwhile does not take the past forecast off the screen.
    await page.waitForTimeout(700);
    expect(await page.locator('#app').getAttribute('data-as-of')).toBe(first);

    await page.locator('#replay-live').click();
    await page.waitForSelector(`#app[data-as-of="${new Date(T0 + 40 * MIN).toISOString()}"]`);
    expect(await page.locator('#app').getAttribute('data-replaying')).toBeNull();
    expect(problems).toEqual([]);
    await page.close();
  });
});
