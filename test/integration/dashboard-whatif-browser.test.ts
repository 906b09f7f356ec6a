// The what-if panel end to end in real headless Chromium (Debian's, driven by playwright-core) against
// DynamoDB Local: a job shop's live state written through the state store, its forecast stored; the
// panel composes a variant from the live forecast, runs it through POST api/whatif, and shows the
// ranked table and the variant's Gantt beside the baseline's; a recommendation is one click away.
// Without Chromium the tests are skipped with how to install it, except under CI, where they fail.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { OrderEventSchema } from '../../contracts/events.ts';
import { DynamoDbForecastSource } from '../../dashboard/forecastSource.ts';
import { GRID } from '../../dashboard/page/gantt.ts';
import { type DashboardServer, startDashboardServer } from '../../dashboard/server.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { runForecast } from '../../forecast/forecastHandler.ts';
import { createLiveWhatIf } from '../../lambdas/dashboardWhatIf.ts';
import { parsePlantModel, plantEvents, runPlant } from '../../orderflow/index.ts';
import { DynamoDbStateStore } from '../../state/DynamoDbStateStore.ts';
import { toDomainEvent } from '../../state/events.ts';
import { ARTIFACTS, describeInChromium } from '../support/browser.ts';
import { useDashboardBrowser } from '../support/dashboardBrowser.ts';
import { useEmulators } from '../support/emulators.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const NOW = T0 + 40 * MIN;

describeInChromium('what-if panel in headless Chromium', 'what-if browser tests', () => {
  const env = useEmulators('kinesalite');
  const { servers, newPage } = useDashboardBrowser({ width: 1440, height: 1100 });
  let server: DashboardServer | undefined;

  beforeAll(async () => {
    // The job shop 40 minutes after twelve orders began to come in, four minutes apart: the plant's
    // events up to then applied to the state table, and the forecast of that state stored.
    const model = parsePlantModel(
      JSON.parse(readFileSync(new URL('../../examples/models/job-shop.json', import.meta.url), 'utf8')),
    );
    const orders = Array.from({ length: 12 }, (_, i) => ({
      orderId: `job-${i + 1}`,
      product: i % 2 === 0 ? 'bracket' : 'housing',
      acceptedAt: T0 + i * 4 * MIN,
      dueAt: T0 + (i * 4 + 70) * MIN,
      priority: i % 3,
    }));
    const { clients, names } = env;
    const states = new DynamoDbStateStore(clients.dynamodb, names.orderStateTable);
    for (const event of plantEvents(runPlant(orders, model), NOW)) {
      await states.apply(toDomainEvent(OrderEventSchema.parse(event)));
    }
    const forecasts = new DynamoDbForecastStore(clients.documentClient, names.forecastsTable);
    const logger = new Logger({ serviceName: 'forecast', logLevel: 'SILENT' });
    // No recommendations carried by the forecast: the panel asks the twin for them (POST api/recommend).
    await runForecast({ states, forecasts, logger, model, clock: () => NOW, recommendBudgetMs: 0 });
    server = await startDashboardServer({
      forecasts: new DynamoDbForecastSource(clients.documentClient, names.forecastsTable),
      whatIf: createLiveWhatIf({ states, tableName: names.orderStateTable, model, clock: () => NOW }),
      build: false,
    });
    servers.push(server);
  }, 90_000);

  async function open(): Promise<Page & { problems: string[] }> {
    const page = (await newPage()) as Page & { problems: string[] };
    page.problems = [];
    page.on('pageerror', (error) => page.problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') page.problems.push(message.text());
    });
    await page.goto(`${server!.url}?auto=off`);
    await page.waitForSelector('#app[data-state="ready"]');
    return page;
  }

  const ranked = (page: Page) =>
    page.locator('#wi-body tr').evaluateAll((rows) =>
      rows.map((r) => ({
        rank: r.getAttribute('data-rank'),
        name: r.getAttribute('data-name'),
        verdict: r.getAttribute('data-verdict'),
      })),
    );

  it('composes a variant from the live forecast and shows the ranked table and both Gantts', async () => {
    const page = await open();

    await page.click('#whatif-toggle');
    await page.selectOption('#wi-kind', 'units');
    await page.selectOption('#wi-station', 'mill');
    await page.click('#wi-add');
    await page.selectOption('#wi-kind', 'priority');
    await page.selectOption('#wi-order', 'job-4');
    await page.fill('#wi-priority', '9');
    await page.click('#wi-add');
    await page.fill('#wi-replications', '30');
    await page.click('#wi-run');
    await page.waitForSelector('#whatif[data-state="ready"]', { timeout: 20_000 });

    const name = '+1 unit at Milling machine; job-4 priority 9';
    expect(await page.locator('#wi-changes li').allTextContents()).toEqual([
      '+1 unit at Milling machine',
      'job-4 priority 9',
    ]);
    expect(await ranked(page)).toEqual([
      { rank: '1', name, verdict: 'better' },
      { rank: '2', name: 'baseline', verdict: 'baseline' },
    ]);
    const best = page.locator('#wi-body tr').first();
    const cells = await best.locator('td, th').allTextContents();
    expect(cells[2]).toBe('better');
    // Differences with their 95 % interval: fewer late orders, by how many in 30 draws.
    expect(cells[6]).toMatch(/^−\d+(\.\d)? \[−\d+(\.\d)?, [−+]?\d+(\.\d)?\]$/);
    const panel = await page.locator('#whatif').evaluate((el) => ({ ...(el as HTMLElement).dataset }));
    expect(panel.chosen).toBe(name);
    expect(panel.gantts).toBe('baseline variant');
    // Both on one time axis.
    const [baseWindow, variantWindow] = panel.timeWindow!.split(' ');
    expect(baseWindow).toMatch(/^\d{4}-.*\/\d{4}-/);
    expect(variantWindow).toBe(baseWindow);
    expect(await page.locator('#wi-variant-caption').textContent()).toBe(`Variant: ${name}`);
    for (const id of ['wi-gantt-base', 'wi-gantt-variant']) {
      const box = (await page.locator(`#${id} canvas`).first().boundingBox())!;
      expect(box.width, id).toBeGreaterThan(500);
      expect(box.height, id).toBeGreaterThan(150);
    }
    expect(page.problems).toEqual([]);
    await page.locator('#whatif').screenshot({ path: join(ARTIFACTS, 'dashboard-whatif.png') });
  }, 60_000);

  it("computes a dragged order's variant in the page within 100 ms, and Undo returns to the live forecast", async () => {
    const page = await open();
    const order = () =>
      page
        .locator('#orders-body tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-order-id')!));
    const rows = await order();
    const rowPx = Number(await page.locator('#app').getAttribute('data-row-px'));
    const box = (await page.locator('#gantt').boundingBox())!;
    const rowY = (id: string) => box.y + GRID.top + (rows.indexOf(id) + 0.5) * rowPx;
    const last = rows.at(-1)!;

    // Drag the last order's name onto the first order's row.
    await page.mouse.move(box.x + 60, rowY(last));
    await page.mouse.down();
    await page.mouse.move(box.x + 60, rowY(rows[0]!), { steps: 5 });
    await page.mouse.up();
    await page.waitForSelector('#app[data-dragged^="job-"]', { timeout: 20_000 });

    const app = await page.locator('#app').evaluate((el) => ({ ...(el as HTMLElement).dataset }));
    expect(app.dragged).toBe(`${last} priority 1 (before ${rows[0]})`);
    expect(Number(app.dragMs), `computed in ${app.dragComputeMs} ms, drawn in the rest`).toBeLessThan(100);
    expect(await page.locator('#drag-banner').isVisible()).toBe(true);
    expect(await page.locator('#drag-text').textContent()).toMatch(
      new RegExp(
        `^What-if: ${last} priority 1 \\(before ${rows[0]}\\): .*late order.*lateness .*makespan .*\\(computed in the page in \\d+ ms\\)\\.$`,
      ),
    );
    await page.locator('#app').screenshot({ path: join(ARTIFACTS, 'dashboard-drag-whatif.png') });
    writeFileSync(
      join(ARTIFACTS, 'dashboard-drag-whatif-timings.json'),
      `${JSON.stringify({ dragMs: Number(app.dragMs), computeMs: Number(app.dragComputeMs), renderMs: Number(app.renderMs), chartMs: Number(app.chartMs) })}\n`,
    );

    await page.click('#drag-undo');

    expect(await page.locator('#app').getAttribute('data-dragged')).toBe('');
    expect(await page.locator('#drag-banner').isVisible()).toBe(false);
    expect(await order()).toEqual(rows);
    expect(page.problems).toEqual([]);
  }, 60_000);

  it("runs the twin's recommendation in one click, and says what is wrong with a variant it cannot run", async () => {
    const page = await open();
    await page.click('#whatif-toggle');

    await page.click('#wi-ask');
    await page.waitForSelector('#wi-recommendations button[data-index="0"]', { timeout: 20_000 });
    const text = await page.locator('#wi-recommendations li').first().textContent();
    await page.click('#wi-recommendations button[data-index="0"]');
    await page.waitForSelector('#whatif[data-state="ready"]', { timeout: 20_000 });

    expect(text).toMatch(/fewer late order/);
    const rows = await ranked(page);
    expect(rows[0]!.verdict).toBe('better');
    expect(text!.startsWith(`Show ${rows[0]!.name}: `)).toBe(true);

    await page.selectOption('#wi-kind', 'expedite');
    await page.fill('#wi-eta', '');
    await page.click('#wi-clear');
    await page.click('#wi-run');

    expect(await page.locator('#whatif').getAttribute('data-state')).toBe('error');
    expect(await page.locator('#wi-status').textContent()).toBe('give the new ETA');
    expect(page.problems).toEqual([]);
  }, 60_000);
});
