// `twin play`'s page in real headless Chromium (Debian's, driven by playwright-core): the map and the
// sliders render, a rate set with a slider takes effect in the run after its delay, and the inventory
// responds. Without Chromium the test is skipped with how to install it, except under CI, where it fails.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDeliveryModel } from '../../twins/delivery/index.ts';
import { PlaySession } from '../../twins/delivery/PlaySession.ts';
import { type PlayServer, startPlayServer } from '../../twins/delivery/playServer.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HOW_TO_INSTALL = 'install it (Debian: apt-get install chromium) or set CHROMIUM_PATH';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
];

if (!existsSync(CHROMIUM)) {
  describe('twin play in headless Chromium', () => {
    it('needs Chromium', (context) => {
      if (process.env.CI === 'true') {
        throw new Error(`no Chromium at ${CHROMIUM}: CI must run the browser tests; ${HOW_TO_INSTALL}`);
      }
      console.warn(`play browser tests skipped: no Chromium at ${CHROMIUM}: ${HOW_TO_INSTALL}`);
      context.skip(`no Chromium at ${CHROMIUM}`);
    });
  });
} else {
  describe('twin play in headless Chromium', () => {
    let browser: BrowserContext | undefined;
    let profile: string | undefined;
    const servers: PlayServer[] = [];

    beforeAll(async () => {
      profile = mkdtempSync(join(tmpdir(), 'twin-chromium-'));
      const [context] = await Promise.all([
        chromium.launchPersistentContext(profile, {
          executablePath: CHROMIUM,
          headless: true,
          args: CHROMIUM_ARGS,
          viewport: { width: 1400, height: 820 },
          locale: 'en-GB',
          timezoneId: 'UTC',
        }),
        mkdir(ARTIFACTS, { recursive: true }),
      ]);
      browser = context;
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await Promise.all(servers.map((s) => s.close()));
      if (profile) rmSync(profile, { recursive: true, force: true });
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
}
