// The dashboard end to end in real headless Chromium (Debian's, driven by playwright-core) against
// DynamoDB Local: rows, delay marks, the "now" line, live refresh, the empty plant, the token, and 500
// orders. Without Chromium the tests are skipped with how to install it, except under CI, where they fail.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForecastRecord } from '../../contracts/forecastRecord.ts';
import { resourceNames } from '../../contracts/resources.ts';
import { buildDashboard } from '../../dashboard/build.ts';
import { DynamoDbForecastSource } from '../../dashboard/forecastSource.ts';
import { GRID } from '../../dashboard/page/gantt.ts';
import { type DashboardServer, startDashboardServer } from '../../dashboard/server.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { createTableInputs } from '../../local/provision.ts';
import {
  demoMonteCarloRecord,
  demoRecord,
  MIN,
  recordOf,
  syntheticRecord,
  T0,
} from '../dashboard/fixtures.ts';
import { useEmulators } from '../support/emulators.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HOW_TO_INSTALL = 'install it (Debian: apt-get install chromium) or set CHROMIUM_PATH';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

if (!existsSync(CHROMIUM)) {
  describe('dashboard in headless Chromium', () => {
    it('needs Chromium', (context) => {
      if (process.env.CI === 'true') {
        throw new Error(`no Chromium at ${CHROMIUM}: CI must run the browser tests; ${HOW_TO_INSTALL}`);
      }
      const reason = `no Chromium at ${CHROMIUM}: ${HOW_TO_INSTALL}`;
      // The note shows in verbose reports; the warning in every report, beside the skipped count.
      console.warn(`dashboard browser tests skipped: ${reason}`);
      context.skip(reason);
    });
  });
} else {
  describe('dashboard in headless Chromium', () => {
    const env = useEmulators('kinesalite');
    const servers: DashboardServer[] = [];
    let browser: BrowserContext | undefined;
    let profile: string | undefined;
    const timings: Record<string, number> = {};

    beforeAll(async () => {
      profile = mkdtempSync(join(tmpdir(), 'twin-chromium-'));
      const [context] = await Promise.all([
        chromium.launchPersistentContext(profile, {
          executablePath: CHROMIUM,
          headless: true,
          args: CHROMIUM_ARGS,
          viewport: { width: 1440, height: 900 },
          locale: 'en-GB',
          timezoneId: 'UTC',
        }),
        buildDashboard(),
        mkdir(ARTIFACTS, { recursive: true }),
      ]);
      browser = context;
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await Promise.all(servers.map((s) => s.close()));
      if (profile) rmSync(profile, { recursive: true, force: true });
      if (Object.keys(timings).length > 0) {
        writeFileSync(join(ARTIFACTS, 'dashboard-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
      }
    }, 30_000);

    /** A fresh forecasts table, its store, and a dashboard server on it. */
    async function setUp(token?: string) {
      const names = resourceNames(`web-${Math.random().toString(36).slice(2, 8)}-`);
      await env.clients.dynamodb.send(new CreateTableCommand(createTableInputs(names).forecasts));
      const store = new DynamoDbForecastStore(env.clients.documentClient, names.forecastsTable);
      const server = await startDashboardServer({
        forecasts: new DynamoDbForecastSource(env.clients.documentClient, names.forecastsTable),
        token,
        build: false,
      });
      servers.push(server);
      return { store, server };
    }

    async function open(url: string): Promise<Page> {
      const page = await browser!.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      (page as Page & { problems: string[] }).problems = problems;
      await page.goto(url);
      return page;
    }

    const problemsOf = (page: Page) => (page as Page & { problems: string[] }).problems;
    const data = (page: Page) => page.locator('#app').evaluate((el) => ({ ...(el as HTMLElement).dataset }));
    const tableRows = (page: Page) =>
      page.locator('#orders-body tr').evaluateAll((rows) =>
        rows.map((r) => ({
          id: r.getAttribute('data-order-id'),
          cause: r.getAttribute('data-delay-cause'),
          late: r.getAttribute('data-late'),
        })),
      );

    it('shows one row per order, marks own delay and knock-on, and draws "now" at the forecast time', async () => {
      const { store, server } = await setUp();
      const record = demoRecord(31);
      await store.save(record);

      const page = await open(`${server.url}?poll=0.3`);
      await page.waitForSelector('#app[data-state="ready"]');

      expect(await tableRows(page)).toEqual([
        { id: 'order-1', cause: 'none', late: 'false' },
        { id: 'order-2', cause: 'own-material', late: 'false' },
        { id: 'order-3', cause: 'knock-on', late: 'true' },
        { id: 'order-4', cause: 'knock-on', late: 'true' },
      ]);
      const state = await data(page);
      expect(state.rows).toBe('4');
      expect(state.window).toBe('0-3');
      expect(await page.locator('#kpi-active').textContent()).toBe('4');
      expect(await page.locator('#kpi-late').textContent()).toBe('2');
      expect(await page.locator('#kpi-own').textContent()).toBe('1');
      expect(await page.locator('#kpi-knock').textContent()).toBe('2');
      // A deterministic forecast has no chances: no "at risk" card.
      expect(await page.locator('#kpi-risk-card').isVisible()).toBe(false);
      const legend = await page.locator('.legend').textContent();
      expect(legend).toContain('Own delay (orange)');
      expect(legend).toContain('Knock-on (red)');
      expect(legend).toContain('Forecast (hatched)');
      expect(await page.locator('#made').textContent()).toContain('Forecast as of Mon, 5 Jan 2026, 08:31:00');
      expect(await page.locator('#kpi-runtime').textContent()).toBe('1.3 ms');

      // The "now" line: where ECharts holds it, and dark pixels on the canvas at that x.
      expect(state.nowAt).toBe(new Date(record.asOf).toISOString());
      const nowX = Number(state.nowX);
      const pixels = await page
        .locator('#gantt canvas')
        .first()
        .evaluate((canvas: HTMLCanvasElement, x) => {
          const ratio = canvas.width / canvas.getBoundingClientRect().width;
          const ctx = canvas.getContext('2d')!;
          const at = (px: number) =>
            Array.from(ctx.getImageData(Math.round(px * ratio), Math.round(40 * ratio), 1, 1).data);
          return { line: at(x), beside: at(x + 12) };
        }, nowX);
      // Over the page's white: a transparent pixel is white.
      const darkness = ([r, g, b, a]: number[]) => ((255 - (r! + g! + b!) / 3) * a!) / 255;
      expect(darkness(pixels.line)).toBeGreaterThan(150);
      expect(darkness(pixels.beside)).toBeLessThan(60);

      // Hovering a row tells its times and its delay.
      const box = (await page.locator('#gantt').boundingBox())!;
      await page.mouse.move(box.x + nowX + 30, box.y + GRID.top + 2.5 * Number(state.rowPx));
      const tooltip = page.locator('.gantt-tooltip');
      await expect.poll(() => tooltip.textContent()).toContain('order-3');
      expect(await tooltip.textContent()).toMatch(
        /knock-on: pushed back by another order.*Production\s*08:33:20 – 08:43:20/s,
      );
      await page.mouse.move(0, 0);
      await expect.poll(() => tooltip.isVisible()).toBe(false);

      // A deterministic forecast has no likely range: neither its legend nor its table columns show.
      expect(await page.locator('#legend-spread').isVisible()).toBe(false);
      expect(
        await page
          .locator('#orders-table th.mc')
          .first()
          .evaluate((th) => getComputedStyle(th).display),
      ).toBe('none');

      await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png') });
      expect(problemsOf(page)).toEqual([]);
      await page.close();
    });

    it('shows a Monte Carlo forecast: each order’s likely end and its chance to be on time', async () => {
      const { store, server } = await setUp();
      const record = demoMonteCarloRecord(31);
      await store.save(record);

      const page = await open(`${server.url}?poll=0.3`);
      await page.waitForSelector('#app[data-state="ready"]');

      expect(await page.locator('#made').textContent()).toContain('Monte Carlo, 200 draws');
      expect(await page.locator('#legend-spread').isVisible()).toBe(true);
      // order-2 is on time at the means, and late in about half of the draws: at risk.
      expect(record.kpis.ordersAtRisk).toBe(1);
      expect(await page.locator('#kpi-risk-card').isVisible()).toBe(true);
      expect(await page.locator('#kpi-risk').textContent()).toBe('1');
      expect(await page.locator('#kpi-risk-label').textContent()).toBe('at risk (≥ 20 % late)');
      // Hovering order-3 (late, knocked on) tells its likely end and its chance.
      const state = await data(page);
      const box = (await page.locator('#gantt').boundingBox())!;
      await page.mouse.move(box.x + Number(state.nowX) + 30, box.y + GRID.top + 2.5 * Number(state.rowPx));
      const tooltip = page.locator('.gantt-tooltip');
      await expect.poll(() => tooltip.textContent()).toContain('order-3');
      const order3 = record.orders.find((o) => o.orderId === 'order-3')!;
      const percent = `${Math.round(order3.onTimeProbability! * 100)} %`;
      expect(await tooltip.textContent()).toMatch(
        /Likely end \d\d:\d\d:\d\d – \d\d:\d\d:\d\d \(8 in 10 draws; median \d\d:\d\d:\d\d\)/,
      );
      expect(await tooltip.textContent()).toContain(`Chance to end by the due date: ${percent}`);
      await page.mouse.move(0, 0);

      // The table view has the two columns, with the same figures.
      await page.click('#as-table');
      const header = await page.locator('#orders-table thead').textContent();
      expect(header).toContain('Likely end (P10 – P90)');
      expect(header).toContain('Chance on time');
      const cells = await page
        .locator('#orders-body tr[data-order-id="order-3"] td.mc')
        .evaluateAll((tds) => tds.map((td) => td.textContent));
      expect(cells[0]).toMatch(/^\d\d:\d\d:\d\d – \d\d:\d\d:\d\d$/);
      expect(cells[1]).toBe(percent);

      await page.click('#as-table');
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-monte-carlo.png') });
      expect(problemsOf(page)).toEqual([]);
      await page.close();
    });

    it('shows a newer forecast without a reload while auto-refresh is on, and holds it while off', async () => {
      const { store, server } = await setUp();
      await store.save(demoRecord(31));
      const page = await open(`${server.url}?poll=0.25`);
      await page.waitForSelector('#app[data-state="ready"]');
      await page.evaluate(() => {
        (window as unknown as { notReloaded: boolean }).notReloaded = true;
      });

      const newer = demoRecord(41);
      const written = performance.now();
      await store.save(newer);
      await page.waitForSelector(`#app[data-as-of="${new Date(newer.asOf).toISOString()}"]`, {
        timeout: 5_000,
      });
      timings.newForecastShownAfterMs = Math.round(performance.now() - written);

      await page.locator('label.switch').click();
      await expect.poll(() => page.locator('#status').textContent()).toBe('Paused');
      await store.save(demoRecord(45));
      await page.waitForTimeout(1_000);
      const whileOff = await data(page);
      await page.locator('label.switch').click();
      await page.waitForSelector(`#app[data-as-of="${new Date(T0 + 45 * MIN).toISOString()}"]`, {
        timeout: 5_000,
      });

      expect(whileOff.asOf).toBe(new Date(newer.asOf).toISOString());
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
        true,
      );
      expect(await page.locator('#status').textContent()).toMatch(/^Live/);
      expect(problemsOf(page)).toEqual([]);
      await page.close();
    });

    it('shows an empty state, not an error, before the first forecast and for an empty plant', async () => {
      const { store, server } = await setUp();
      const page = await open(`${server.url}?poll=0.25`);

      await page.waitForSelector('#app[data-state="empty"]');
      expect(await page.locator('#empty-title').textContent()).toBe('No forecast yet');
      expect(await page.locator('#error').isHidden()).toBe(true);

      await store.save(recordOf({ asOf: T0 + 90 * MIN, orders: [] }));
      await expect.poll(() => page.locator('#empty-title').textContent()).toBe('The plant is empty');
      expect(await page.locator('#kpi-active').textContent()).toBe('0');
      expect(await page.locator('#error').isHidden()).toBe(true);
      expect(problemsOf(page)).toEqual([]);
      await page.close();
    });

    it('asks for the token when one is set, and uses the one it was opened with', async () => {
      const { store, server } = await setUp('page-token-1');
      await store.save(demoRecord(31));

      const without = await open(server.url);
      await without.waitForSelector('#app[data-state="unauthorized"]');
      expect(await without.locator('#empty-title').textContent()).toBe('This dashboard needs a token');
      await without.close();

      const page = await open(`${server.url}?token=page-token-1&poll=0.3`);
      await page.waitForSelector('#app[data-state="ready"]');
      expect(page.url()).not.toContain('page-token-1');
      await page.reload();
      await page.waitForSelector('#app[data-state="ready"]');
      await page.close();
    });

    it('stays quick and readable at 500 active orders: rows scroll, the stale forecast is flagged', async () => {
      const { store, server } = await setUp();
      const record: ForecastRecord = syntheticRecord(500, Date.now() - 10 * MIN);
      await store.save(record);

      const started = performance.now();
      const page = await open(server.url);
      await page.waitForSelector('#app[data-state="ready"]');
      await page.waitForSelector('#app[data-first-render-ms]');
      timings.load500Ms = Math.round(performance.now() - started);
      const state = await data(page);
      timings.firstRenderInPage500Ms = Number(state.firstRenderMs);
      timings.render500Ms = Number(state.renderMs);

      expect(state.rows).toBe('500');
      expect(await page.locator('#orders-body tr').count()).toBe(500);
      const [first, last] = state.window!.split('-').map(Number) as [number, number];
      expect(last - first + 1).toBeLessThan(40);
      expect(state.stale).toBe('true');
      expect(await page.locator('#stale').textContent()).toMatch(/^This forecast is 10 min( \d+ s)? old/);

      const box = (await page.locator('#gantt').boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.wheel(0, 300);
      await expect.poll(async () => (await data(page)).window).not.toBe(state.window);
      const scrolled = Number((await data(page)).window!.split('-')[0]);
      expect(scrolled).toBeGreaterThan(first);

      const sort = performance.now();
      await page.selectOption('#sort', 'late');
      timings.resort500Ms = Math.round(performance.now() - sort);
      expect(Number((await data(page)).renderMs)).toBeLessThan(1_000);
      await page.selectOption('#sort', 'start');
      await page.mouse.move(0, 0);
      await expect.poll(() => page.locator('.gantt-tooltip').isVisible()).toBe(false);

      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-500.png') });
      expect(timings.load500Ms).toBeLessThan(10_000);
      expect(problemsOf(page)).toEqual([]);
      await page.close();
    });
  });
}
