// `twin play`'s page in real headless Chromium (Debian's, driven by playwright-core): the map and the
// sliders render, a rate set with a slider takes effect in the run after its delay, and the inventory
// responds. Without Chromium the test is skipped with how to install it, except under CI, where it fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseDeliveryModel } from '../../twins/delivery/index.ts';
import { PlaySession } from '../../twins/delivery/PlaySession.ts';
import { type PlayServer, startPlayServer } from '../../twins/delivery/playServer.ts';
import { ARTIFACTS, type Chromium, describeInChromium, launchChromium } from '../support/browser.ts';

describeInChromium('twin play in headless Chromium', 'play browser tests', () => {
  let browser: BrowserContext | undefined;
  let chrome: Chromium | undefined;
  const servers: PlayServer[] = [];

  beforeAll(async () => {
    chrome = await launchChromium({ width: 1400, height: 820 });
    browser = chrome.context;
  }, 60_000);

  afterAll(async () => {
    await chrome?.close();
    await Promise.all(servers.map((s) => s.close()));
  }, 30_000);

  it('changes a center rate with its slider; the rate takes effect after its delay and the inventory responds', async () => {
    const json = JSON.parse(readFileSync('examples/models/product-delivery.json', 'utf8'));
    const model = parseDeliveryModel({ ...json, weeks: 2 });
    // Ten simulated hours a second: the mean delay of 2 h passes in a fifth of a second.
    const session = new PlaySession(model, { speed: 36_000, seed: 3 });
    const server = await startPlayServer(session);
    servers.push(server);
    const page = await browser!.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${server.url}?poll=100`);

    const slider = page.locator('input[data-center="Chicago"]');
    await slider.waitFor();
    await expect.poll(() => page.locator('[data-glyph]').count()).toBe(model.centers.length);
    expect(await page.locator('circle.distributor').count()).toBe(model.distributors.length);
    const rateShown = page.locator('[data-rate="Chicago"]');
    await expect.poll(() => rateShown.textContent()).toBe('70');

    await slider.fill('200');

    await expect.poll(() => rateShown.textContent(), { timeout: 15_000 }).toBe('200');
    const change = session.sim.rateChanges.find((c) => c.center === 'Chicago');
    expect(change).toMatchObject({ from: 70, to: 200 });
    expect(change!.delay).toBeGreaterThan(0);
    const inventory = async () =>
      Number((await page.locator('[data-inventory="Chicago"]').textContent())!.replaceAll(',', ''));
    const atChange = await inventory();
    await expect.poll(inventory, { timeout: 10_000 }).toBeGreaterThan(atChange + 200);
    await page.screenshot({ path: join(ARTIFACTS, 'play.png') });
    expect(problems).toEqual([]);
  }, 60_000);
});
