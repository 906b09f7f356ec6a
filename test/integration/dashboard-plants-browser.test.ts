// The dashboard of many plants in headless Chromium, against DynamoDB Local: the overview lists every
// plant with its last forecast's age, a row or the selector opens that plant (its orders in the Gantt,
// its id in the address), a link with ?plant= opens it, a page that names no plant opens the first
// plant with a forecast when the default plant has none, and a deployment of one plant shows neither.
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { resourceNames } from '../../contracts/resources.ts';
import { DynamoDbAlertSource } from '../../dashboard/alertSource.ts';
import { DynamoDbForecastSource } from '../../dashboard/forecastSource.ts';
import { startDashboardServer } from '../../dashboard/server.ts';
import { DynamoDbForecastStore } from '../../forecast/DynamoDbForecastStore.ts';
import { createTableInputs } from '../../local/provision.ts';
import { demoRecord, flowShopRecord, MIN, syntheticRecord } from '../dashboard/fixtures.ts';
import { ARTIFACTS, describeInChromium } from '../support/browser.ts';
import { useDashboardBrowser } from '../support/dashboardBrowser.ts';
import { useEmulators } from '../support/emulators.ts';

describeInChromium('the dashboard of many plants in headless Chromium', 'dashboard browser tests', () => {
  const env = useEmulators('kinesalite');
  const { servers, newPage } = useDashboardBrowser({ width: 1440, height: 900 });

  /** A fresh forecasts table, its store, and a dashboard server on it. */
  async function setUp() {
    const names = resourceNames(`plants-${Math.random().toString(36).slice(2, 8)}-`);
    await env.clients.dynamodb.send(new CreateTableCommand(createTableInputs(names).forecasts));
    const { documentClient } = env.clients;
    const server = await startDashboardServer({
      forecasts: new DynamoDbForecastSource(documentClient, names.forecastsTable),
      alerts: new DynamoDbAlertSource(documentClient, names.forecastsTable),
      build: false,
    });
    servers.push(server);
    return { server, store: new DynamoDbForecastStore(documentClient, names.forecastsTable) };
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

  const cells = (page: Page, selector: string) =>
    page.locator(selector).evaluateAll((els) => els.map((el) => el.textContent?.trim() ?? ''));
  const orderIds = async (page: Page) =>
    (
      await page
        .locator('#orders-body tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-order-id')))
    ).sort();

  it('lists every plant, and a row, the selector or a link opens that plant with its orders in the Gantt', async () => {
    const { server, store } = await setUp();
    // Three plants of different models and sizes; north's forecast is ten minutes old.
    const north = syntheticRecord(12, Date.now() - 10 * MIN);
    const plants = {
      default: demoRecord(31),
      north: { ...north, plantId: 'north', kpis: { ...north.kpis, ordersAtRisk: 3 } },
      south: { ...flowShopRecord(), plantId: 'south' },
    };
    for (const record of Object.values(plants)) await store.save(record);
    const ids = (record: { orders: { orderId: string }[] }) => record.orders.map((o) => o.orderId).sort();

    const { page, problems } = await open(`${server.url}?poll=0.5`);
    await page.waitForSelector('#plants:not([hidden]) #plants-body tr[data-plant="south"]');
    await page.waitForSelector('#app[data-state="ready"]');

    // The overview: by plant id, active, late, at risk, and the age of the last forecast.
    const rows = await page
      .locator('#plants-body tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent?.trim())));
    expect(rows.map((r) => r.slice(0, 4))).toEqual([
      ['default', '4', String(plants.default.kpis.ordersLate), '–'],
      ['north', '12', String(plants.north.kpis.ordersLate), '3'],
      ['south', '9', String(plants.south.kpis.ordersLate), '–'],
    ]);
    expect(rows[1]![4]).toMatch(/^10 min( \d\d s)? ago$/);
    expect(await page.locator('#plants-body tr[aria-current="true"]').getAttribute('data-plant')).toBe(
      'default',
    );
    expect(await cells(page, '#plant option')).toEqual(['default', 'north', 'south']);
    expect(await page.locator('#plant').inputValue()).toBe('default');
    expect(await orderIds(page)).toEqual(ids(plants.default));
    // The ages move on as the page runs: the default plant's forecast, made just now, grows older.
    await page.waitForFunction(
      () =>
        document.querySelector('#plants-body tr[data-plant="default"] td:last-child')?.textContent !==
        'just now',
      undefined,
      { timeout: 5_000 },
    );

    // A row opens its plant: the address names it, the Gantt draws its orders.
    await page.locator('#plants-body tr[data-plant="south"] button').click();
    await page.waitForURL(/[?&]plant=south\b/);
    await page.waitForSelector('#app[data-state="ready"][data-plant="south"]');
    expect(await orderIds(page)).toEqual(ids(plants.south));
    expect(Number(await page.locator('#app').getAttribute('data-rows'))).toBe(plants.south.orders.length);
    expect(Number(await page.locator('#app').getAttribute('data-segments'))).toBeGreaterThan(0);
    expect(new URL(page.url()).searchParams.get('poll')).toBe('0.5');
    expect(await page.locator('#plant').inputValue()).toBe('south');
    expect(await page.locator('#plant-name').textContent()).toBe('· plant south');
    await page.waitForSelector('#plants-body tr[data-plant="south"][aria-current="true"]');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-plants.png') });

    // The selector opens another: north, with its own forecast.
    await page.selectOption('#plant', 'north');
    await page.waitForURL(/[?&]plant=north\b/);
    await page.waitForSelector('#app[data-state="ready"][data-plant="north"]');
    expect(await orderIds(page)).toEqual(ids(plants.north));
    expect(await page.locator('#kpi-risk').textContent()).toBe('3');

    // A link with ?plant= opens that plant; the default plant's address names none.
    const linked = await open(`${server.url}?plant=south`);
    await linked.page.waitForSelector('#app[data-state="ready"][data-plant="south"]');
    expect(await orderIds(linked.page)).toEqual(ids(plants.south));
    await linked.page.selectOption('#plant', 'default');
    await linked.page.waitForSelector('#app[data-state="ready"][data-plant="default"]');
    expect(new URL(linked.page.url()).searchParams.has('plant')).toBe(false);
    expect(await orderIds(linked.page)).toEqual(ids(plants.default));

    expect(problems).toEqual([]);
    expect(linked.problems).toEqual([]);
    await page.close();
    await linked.page.close();
  });

  it('opens the first plant with a forecast when the address names none and the default plant has none', async () => {
    const { server, store } = await setUp();
    for (const plantId of ['south', 'north']) await store.save({ ...syntheticRecord(5), plantId });

    const { page, problems } = await open(`${server.url}?poll=0.5`);
    await page.waitForURL(/[?&]plant=north\b/);
    await page.waitForSelector('#app[data-state="ready"][data-plant="north"]');
    expect(new URL(page.url()).searchParams.get('poll')).toBe('0.5');
    expect(await cells(page, '#plant option')).toEqual(['north', 'south']);
    // The address of the default plant was replaced, not added to: back leaves the dashboard.
    expect(await page.evaluate(() => history.length)).toBe(2);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows a plant without a forecast yet as such, and no selector or overview to a deployment of one plant', async () => {
    const { server, store } = await setUp();
    await store.save(demoRecord(31));

    const single = await open(server.url);
    await single.page.waitForSelector('#app[data-state="ready"]');
    // The overview has been read (it holds the one plant), and stays out of sight.
    await single.page.waitForSelector('#plants[data-plants="1"]', { state: 'attached' });
    const none = await open(`${server.url}?plant=west`);
    await none.page.waitForSelector('#app[data-state="empty"][data-plant="west"]');
    await none.page.waitForSelector('#plants[data-plants="1"]:not([hidden])');

    expect(await single.page.locator('#plant-picker').isHidden()).toBe(true);
    expect(await single.page.locator('#plants').isHidden()).toBe(true);
    expect(await none.page.locator('#empty-title').textContent()).toBe('No forecast yet');
    expect(await cells(none.page, '#plant option')).toEqual(['default', 'west (no forecast yet)']);
    expect(await cells(none.page, '#plants-body tr[data-plant="west"] td')).toEqual(['no forecast yet']);
    expect(single.problems).toEqual([]);
    expect(none.problems).toEqual([]);
    await single.page.close();
    await none.page.close();
  });
});
