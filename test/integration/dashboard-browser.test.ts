// The dashboard end to end in real headless Chromium (Debian's, driven by playwright-core) against
// DynamoDB Local: rows, delay marks, the "now" line, the flow shop's steps and station units, live
// refresh, the forecast store going away and coming back, the empty plant, the token, and 500 orders.
// Without Chromium the tests are skipped with how to install it, except under CI, where they fail.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { Page } from 'playwright-core';
import { afterAll, expect, it } from 'vitest';
import type { ForecastRecord } from '../../contracts/forecastRecord.ts';
import { resourceNames } from '../../contracts/resources.ts';
import { DynamoDbAlertSource } from '../../dashboard/alertSource.ts';
import { DynamoDbForecastSource, type ForecastSource } from '../../dashboard/forecastSource.ts';
import { GRID } from '../../dashboard/page/gantt.ts';
import { startDashboardServer } from '../../dashboard/server.ts';
import { DynamoDbAlertSink } from '../../forecast/DynamoDbAlertSink.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { latenessAlerts } from '../../forecast/latenessAlerts.ts';
import { createDocumentClient } from '../../local/clients.ts';
import { createTableInputs } from '../../local/provision.ts';
import {
  demoMonteCarloRecord,
  demoRecord,
  flowShopDowntimeRecord,
  flowShopRecord,
  MIN,
  recordOf,
  syntheticRecord,
  T0,
} from '../dashboard/fixtures.ts';
import { ARTIFACTS, describeInChromium } from '../support/browser.ts';
import { useDashboardBrowser } from '../support/dashboardBrowser.ts';
import { useEmulators } from '../support/emulators.ts';

describeInChromium('dashboard in headless Chromium', 'dashboard browser tests', () => {
  const env = useEmulators('kinesalite');
  const { servers, newPage } = useDashboardBrowser({ width: 1440, height: 900 });
  const clients: { destroy(): void }[] = [];
  const timings: Record<string, number> = {};

  afterAll(async () => {
    for (const client of clients) client.destroy();
    if (Object.keys(timings).length > 0) {
      writeFileSync(join(ARTIFACTS, 'dashboard-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    }
  }, 30_000);

  /**
   * A fresh forecasts table, its store, and a dashboard server on it. While `down()` says so, the
   * server reads through a DynamoDB client whose endpoint nobody listens on: the store is unreachable.
   */
  async function setUp(token?: string, down: () => boolean = () => false) {
    const names = resourceNames(`web-${Math.random().toString(36).slice(2, 8)}-`);
    await env.clients.dynamodb.send(new CreateTableCommand(createTableInputs(names).forecasts));
    const store = new DynamoDbForecastStore(env.clients.documentClient, names.forecastsTable);
    const up = new DynamoDbForecastSource(env.clients.documentClient, names.forecastsTable);
    const unreachable = createDocumentClient({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    clients.push(unreachable);
    const gone = new DynamoDbForecastSource(unreachable, names.forecastsTable);
    const forecasts: ForecastSource = {
      latest: () => (down() ? gone : up).latest(),
      version: () => (down() ? gone : up).version(),
    };
    const alerts = new DynamoDbAlertSource(env.clients.documentClient, names.forecastsTable);
    const server = await startDashboardServer({ forecasts, alerts, token, build: false });
    servers.push(server);
    return {
      store,
      server,
      alertSink: new DynamoDbAlertSink(env.clients.documentClient, names.forecastsTable),
    };
  }

  async function open(url: string): Promise<Page> {
    const page = await newPage();
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
    const legend = await page.locator('#legend').textContent();
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
      /knock-on: waited behind other orders at Production line.*production at Production line\s*08:33:20 – 08:43:20/s,
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

  it('draws the flow shop from its model: every step of every order, coloured by station, with a legend', async () => {
    const { store, server } = await setUp();
    const record = flowShopRecord();
    await store.save(record);

    const page = await open(server.url);
    await page.waitForSelector('#app[data-state="ready"]');

    // One bar per span of every order, as the chart's series holds them; the table lists the same.
    const spans = record.orders.reduce((n, o) => n + o.steps.length, 0);
    expect((await data(page)).segments).toBe(String(spans));
    const steps = await page
      .locator('#orders-body tr')
      .evaluateAll((rows) =>
        rows.map((r) => [
          r.getAttribute('data-order-id'),
          Array.from(r.querySelectorAll('.steps li')).map(
            (li) => `${li.getAttribute('data-kind')} ${li.getAttribute('data-station')}`,
          ),
        ]),
      );
    expect(Object.fromEntries(steps)).toEqual(
      Object.fromEntries(
        record.orders.map((o) => [o.orderId, o.steps.map((s) => `${s.kind} ${s.station ?? ''}`)]),
      ),
    );
    for (const [, list] of steps) {
      for (const station of ['saw', 'welder', 'booth']) expect(list).toContain(`operation ${station}`);
    }
    // The legend names the model's stations, in its order, each with its colour.
    const legend = await page
      .locator('#legend-stations li')
      .evaluateAll((items) =>
        items.map((li) => [li.textContent, getComputedStyle(li.querySelector('.sw')!).backgroundColor]),
      );
    expect(legend.map(([name]) => name)).toEqual(['Saw', 'Welder ×2', 'Paint booth']);
    expect(new Set(legend.map(([, colour]) => colour)).size).toBe(3);
    expect(await page.locator('#legend').textContent()).toContain('Queue wait');
    // The header: the model, its short hash and parameters, the busiest station.
    const model = await page.locator('#model').textContent();
    expect(model).toContain(`Model flow-shop ${record.model.hash.slice(0, 8)}`);
    expect(model).toContain('3 stations, 1 product · times in min · materialLeadTime 10 min · cutTime 4 min');
    expect(await page.locator('#kpi-busiest').textContent()).toBe('95 %');
    expect(await page.locator('#kpi-busiest-label').textContent()).toBe('busiest: Paint booth');
    expect(await page.locator('.kpis').textContent()).not.toMatch(/\bline\b/);
    // frame-7 waits longer than planned at the saw: the tooltip and the table say where.
    const rows = (await page
      .locator('#orders-body tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-order-id')))) as string[];
    const state = await data(page);
    const box = (await page.locator('#gantt').boundingBox())!;
    const frame7 = rows.indexOf('frame-7');
    await page.mouse.move(
      box.x + Number(state.nowX) + 4,
      box.y + GRID.top + (frame7 + 0.5) * Number(state.rowPx),
    );
    const tooltip = page.locator('.gantt-tooltip');
    await expect.poll(() => tooltip.textContent()).toContain('frame-7');
    expect(await tooltip.textContent()).toContain('knock-on: waited behind other orders at Saw');
    expect(await tooltip.textContent()).toMatch(
      /Queued for cut at Saw.*cut at Saw.*weld at Welder.*paint at Paint booth/s,
    );
    await page.mouse.move(0, 0);
    await expect.poll(() => tooltip.isVisible()).toBe(false);
    expect(
      await page.locator('#orders-body tr[data-order-id="frame-7"] td.cause-knock-on').textContent(),
    ).toMatch(/^knock-on: waited behind other orders at Saw \(\+/);
    await page.locator('#app').screenshot({ path: join(ARTIFACTS, 'dashboard-flow-shop.png') });
    expect(problemsOf(page)).toEqual([]);
    await page.close();
  });

  it('shows the flow shop per station unit: which order runs when on saw 1, welder 1 and 2, booth 1', async () => {
    const { store, server } = await setUp();
    const record = flowShopRecord();
    await store.save(record);
    const page = await open(server.url);
    await page.waitForSelector('#app[data-state="ready"]');

    await page.click('#tab-stations');
    await page.waitForSelector('#app[data-view="stations"][data-units]');

    const state = await data(page);
    expect(state.units).toBe('saw#1 welder#1 welder#2 booth#1');
    // Every operation of every order, once: a cut, a weld and a paint for each of the nine frames.
    expect(state.jobs).toBe(String(record.orders.length * 3));
    expect(page.url()).toContain('view=stations');
    expect(await page.locator('#gantt').isVisible()).toBe(false);
    const stations = await page
      .locator('#stations-body tr')
      .evaluateAll((trs) => trs.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
    expect(stations).toEqual([
      ['Saw', '1', '49 %', 'frame-5', '1', '2'],
      ['Welder', '2', '73 %', 'frame-4, frame-3', '0', '1'],
      ['Paint booth', '1', '95 %', 'frame-2', '0', '1'],
    ]);
    // Rows: the saw's queue, saw 1, the welders' queue, welder 1, welder 2, … At "now", frame-3 welds on welder 2.
    const box = (await page.locator('#stations').boundingBox())!;
    await page.mouse.move(box.x + Number(state.nowX) - 6, box.y + GRID.top + 4.5 * Number(state.rowPx));
    const tooltip = page.locator('#stations .gantt-tooltip');
    await expect.poll(() => tooltip.textContent()).toContain('frame-3');
    expect(await tooltip.textContent()).toMatch(/frame-3 · weld on Welder 2.*actual, then forecast/s);
    // The saw's queue at "now": frame-6 waits.
    await page.mouse.move(box.x + Number(state.nowX) + 2, box.y + GRID.top + 0.7 * Number(state.rowPx));
    await expect.poll(() => tooltip.textContent()).toMatch(/Saw · queue.*1 order waiting/s);
    await page.mouse.move(0, 0);
    await expect.poll(() => tooltip.isVisible()).toBe(false);
    await page.locator('#app').screenshot({ path: join(ARTIFACTS, 'dashboard-flow-shop-stations.png') });

    // The view is kept in the address: a reload opens it again.
    await page.reload();
    await page.waitForSelector('#app[data-view="stations"][data-units]');
    expect((await data(page)).units).toBe('saw#1 welder#1 welder#2 booth#1');
    await page.click('#tab-orders');
    await page.waitForSelector('#app[data-view="orders"]');
    expect(await page.locator('#gantt').isVisible()).toBe(true);
    expect(page.url()).not.toContain('view=');
    expect(problemsOf(page)).toEqual([]);
    await page.close();
  });

  it('draws a unit down and a station’s maintenance on their rows, and tags the orders they push back', async () => {
    const { store, server } = await setUp();
    const record = flowShopDowntimeRecord();
    await store.save(record);
    const page = await open(server.url);
    await page.waitForSelector('#app[data-state="ready"]');

    // The order view: the orders held up by downtime are tagged, the tooltip names the station.
    const causes = Object.fromEntries((await tableRows(page)).map((r) => [r.id, r.cause]));
    expect(causes['frame-7']).toBe('downtime');
    expect(causes['frame-4']).toBe('downtime');
    expect(await page.locator('#legend li', { hasText: 'downtime' }).isVisible()).toBe(true);

    await page.click('#tab-stations');
    await page.waitForSelector('#app[data-view="stations"][data-units]');
    const state = await data(page);
    expect(state.outages).toBe('down maintenance');
    expect(await page.locator('#legend-down').isVisible()).toBe(true);
    expect(await page.locator('#legend-maintenance').isVisible()).toBe(true);
    expect(await page.locator('#legend-off-shift').isVisible()).toBe(false);
    // Rows: saw queue, saw 1, welders' queue, welder 1, welder 2, booth queue, booth 1. Welder 2 is
    // down from a minute ago to 15 minutes on, under frame-4: the outage fills its row, the bar less.
    const box = (await page.locator('#stations').boundingBox())!;
    const tooltip = page.locator('#stations .gantt-tooltip');
    const row = (r: number) => box.y + GRID.top + (r + 0.5) * Number(state.rowPx);
    let found = '';
    for (let dx = 2; dx < 80 && !/Down/.test(found); dx += 3) {
      await page.mouse.move(box.x + Number(state.nowX) + dx, row(4) - 0.4 * Number(state.rowPx));
      await page.waitForTimeout(30);
      found = (await tooltip.textContent()) ?? '';
    }
    expect(found).toMatch(/Down · Welder 2/);
    let maintenance = '';
    for (let dx = 2; dx < 400 && !/Maintenance/.test(maintenance); dx += 4) {
      await page.mouse.move(box.x + Number(state.nowX) + dx, row(6) - 0.4 * Number(state.rowPx));
      await page.waitForTimeout(30);
      maintenance = (await tooltip.textContent()) ?? '';
    }
    expect(maintenance).toMatch(/Maintenance · Paint booth \(every unit\).*30 min/s);
    await page.mouse.move(0, 0);
    await expect.poll(() => tooltip.isVisible()).toBe(false);
    await page.locator('#app').screenshot({ path: join(ARTIFACTS, 'dashboard-downtime.png') });
    expect(problemsOf(page)).toEqual([]);
    await page.close();
  });

  it('keeps the last forecast on screen with a banner while the forecast store is down, and recovers by itself', async () => {
    let down = false;
    const { store, server } = await setUp(undefined, () => down);
    const record = flowShopRecord(Date.now() - 30_000);
    await store.save(record);
    const page = await open(`${server.url}?poll=0.25`);
    await page.waitForSelector('#app[data-state="ready"]');
    expect(await page.locator('#outage').isHidden()).toBe(true);

    down = true;
    const wentDown = Date.now();
    await page.waitForSelector('#app[data-outage="store"]', { timeout: 5_000 });

    // The API says why, in one line; the page keeps the forecast it had and says how old it is.
    const api = await fetch(`${server.url}api/forecast`);
    expect(api.status).toBe(503);
    const body = await api.text();
    expect(JSON.parse(body)).toEqual({
      error: 'unavailable',
      message: expect.stringMatching(/^the forecasts table did not answer/),
    });
    expect(body).not.toMatch(/\bat .*\.ts:\d+/);
    const banner = page.locator('#outage');
    expect(await banner.isVisible()).toBe(true);
    const text = (await banner.textContent())!;
    expect(text).toMatch(/^The forecast store is unreachable since \d\d:\d\d:\d\d \(\d+ s\)\./);
    expect(text).toContain(
      `Showing the last forecast, made ${new Date(record.generatedAt).toISOString().slice(11, 19)}: `,
    );
    expect(text).toMatch(/: (3\d|4\d) s old\. Retrying every 250 ms/);
    expect(text).toContain('Server: the forecasts table did not answer');
    expect(await page.locator('#status').textContent()).toBe('Forecast store unreachable');
    const state = await data(page);
    expect(state.state).toBe('ready');
    expect(state.rows).toBe('9');
    expect(await page.locator('#gantt').isVisible()).toBe(true);
    // The outage's start stays put while the polls keep failing.
    const since = text.match(/since (\S+)/)![1]!;
    await page.waitForTimeout(1_200);
    expect((await banner.textContent())!).toContain(`since ${since}`);
    expect(
      Math.abs(Date.parse(`${new Date(wentDown).toISOString().slice(0, 11)}${since}Z`) - wentDown),
    ).toBeLessThan(2_000);
    await page.locator('#app').screenshot({ path: join(ARTIFACTS, 'dashboard-store-down.png') });

    // The store comes back: the banner goes without a reload, and a newer forecast shows.
    down = false;
    await page.waitForSelector('#app[data-outage=""]', { timeout: 5_000 });
    expect(await banner.isHidden()).toBe(true);
    expect(await page.locator('#status').textContent()).toMatch(/^Live/);
    const newer = { ...flowShopRecord(), asOf: record.asOf + MIN };
    await store.save(newer);
    await page.waitForSelector(`#app[data-as-of="${new Date(newer.asOf).toISOString()}"]`, {
      timeout: 5_000,
    });

    // The server itself gone (no answer at all): the same, said of the server.
    await page.route('**/api/forecast', (route) => route.abort('connectionrefused'));
    await page.waitForSelector('#app[data-outage="network"]', { timeout: 5_000 });
    expect(await banner.textContent()).toMatch(
      /^The dashboard server is unreachable since .*Showing the last forecast/,
    );
    await page.unroute('**/api/forecast');
    await page.waitForSelector('#app[data-outage=""]', { timeout: 5_000 });
    expect(problemsOf(page).filter((p) => !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(p))).toEqual(
      [],
    );
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

  it('shows the newest lateness alert in a banner until acknowledged, and every recent alert in the list', async () => {
    const { store, server, alertSink } = await setUp();
    const at16 = demoRecord(16);
    const at31 = demoRecord(31);
    await store.save(at16);
    // The alerts the forecast raised: order 3 at 16 min (late behind order 2), order 4 at 31.
    const first = latenessAlerts({}, at16.orders, { asOf: at16.asOf, raisedAt: at16.asOf, basis: 0 });
    await alertSink.publish(first);
    const page = await open(`${server.url}?poll=0.25`);
    await page.waitForSelector('#app[data-state="ready"]');
    await page.waitForSelector('#alert-banner:not([hidden])');
    const bannerFirst = await page.locator('#alert-banner .alert-text').textContent();

    await page.locator('#alert-banner button[data-action="acknowledge"]').click();
    await page.waitForSelector('#alert-banner[hidden]', { state: 'attached' });
    const second = latenessAlerts({ 'order-3': 'late' }, at31.orders, {
      asOf: at31.asOf,
      raisedAt: at31.asOf,
      basis: 1,
    });
    await alertSink.publish(second);
    await store.save(at31);
    await page.waitForSelector(`#alert-banner[data-alert-id="${second[0]!.id}"]`, { timeout: 5_000 });

    expect(first.map((a) => a.kind === 'lateness' && a.orderId)).toEqual(['order-3']);
    expect(second.map((a) => a.kind === 'lateness' && a.orderId)).toEqual(['order-4']);
    expect(bannerFirst).toBe(first[0]!.text);
    expect(await page.locator('#alert-banner .alert-text').textContent()).toBe(second[0]!.text);
    expect(
      await page
        .locator('#alerts li')
        .evaluateAll((items) => items.map((i) => i.getAttribute('data-alert-id'))),
    ).toEqual([second[0]!.id, first[0]!.id]);
    expect(await page.locator('#alerts summary').textContent()).toBe('2 recent alerts');
    // Acknowledged in this browser: a reload does not bring the first one back.
    await page.locator('#alert-banner button[data-action="acknowledge"]').click();
    await page.reload();
    await page.waitForSelector('#app[data-state="ready"]');
    await page.waitForSelector('#alerts:not([hidden])');
    expect(await page.locator('#alert-banner').isHidden()).toBe(true);
    expect(problemsOf(page)).toEqual([]);
    await page.close();
  });

  it('shows an empty state, not an error, before the first forecast and for an empty plant', async () => {
    const { store, server } = await setUp();
    const page = await open(`${server.url}?poll=0.25`);

    await page.waitForSelector('#app[data-state="empty"]');
    expect(await page.locator('#empty-title').textContent()).toBe('No forecast yet');
    expect(await page.locator('#outage').isHidden()).toBe(true);

    await store.save(recordOf({ asOf: T0 + 90 * MIN, orders: [] }));
    await expect.poll(() => page.locator('#empty-title').textContent()).toBe('The plant is empty');
    expect(await page.locator('#kpi-active').textContent()).toBe('0');
    expect(await page.locator('#outage').isHidden()).toBe(true);
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
    await page.selectOption('#sort', 'first');
    await page.mouse.move(0, 0);
    await expect.poll(() => page.locator('.gantt-tooltip').isVisible()).toBe(false);

    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-500.png') });
    expect(timings.load500Ms).toBeLessThan(10_000);
    expect(problemsOf(page)).toEqual([]);
    await page.close();
  });
});
