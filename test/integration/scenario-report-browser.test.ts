// The scenario report in real headless Chromium (Debian's, driven by playwright-core): the page of the
// example warehouse renders from the file alone (no request beyond it), with a box per scenario in
// each box plot, the recommendation, the bottleneck and the sensitivity section; a screenshot is kept.
// Without Chromium the test is skipped with how to install it, except under CI, where it fails.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { scenarioReportHtml } from '../../twins/scenarios/reportHtml.ts';
import { runScenarios } from '../../twins/scenarios/runScenarios.ts';
import { parseWarehouseModel, warehouseTwin } from '../../twins/warehouse/index.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HOW_TO_INSTALL = 'install it (Debian: apt-get install chromium) or set CHROMIUM_PATH';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'];

describe('the scenario report in headless Chromium', () => {
  it('renders the warehouse report with its box plots, from the file alone', async (context) => {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI === 'true') throw new Error(`no Chromium at ${CHROMIUM}: ${HOW_TO_INSTALL}`);
      console.warn(`scenario report browser test skipped: no Chromium at ${CHROMIUM}: ${HOW_TO_INSTALL}`);
      context.skip(`no Chromium at ${CHROMIUM}`);
    }
    // Prepare: the example warehouse's scenarios, 5 replications each, written as a report.
    const model = parseWarehouseModel(JSON.parse(readFileSync('examples/models/warehouse.json', 'utf8')));
    const scenarios = warehouseTwin.parseScenarios(
      JSON.parse(readFileSync('examples/scenarios/warehouse.json', 'utf8')),
      model,
    );
    const report = runScenarios(warehouseTwin, model, scenarios, { replications: 5 });
    const dir = mkdtempSync(join(tmpdir(), 'twin-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, scenarioReportHtml(report, { title: `warehouse scenarios: ${model.name}` }));
    await mkdir(ARTIFACTS, { recursive: true });
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const requested: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));

      // Act
      await page.goto(pathToFileURL(file).href);

      // Assess: one box plot per main KPI, one drawn box per scenario in each.
      const plots = page.locator('.plots figure svg');
      expect(await plots.count()).toBe(warehouseTwin.kpis.filter((k) => k.main).length);
      for (let i = 0; i < (await plots.count()); i++) {
        const boxes = plots.nth(i).locator('g.box rect');
        expect(await boxes.count()).toBe(scenarios.length);
        for (let b = 0; b < scenarios.length; b++) {
          const box = await boxes.nth(b).boundingBox();
          expect(box!.width).toBeGreaterThan(0);
          expect(box!.height).toBeGreaterThan(0);
        }
      }
      await expect(page.locator('#recommended strong').textContent()).resolves.toBe(report.recommended);
      expect(await page.locator('#bottleneck').isVisible()).toBe(true);
      expect(await page.locator('#sensitivity tr').count()).toBe(1 + report.sensitivity.length);
      expect(requested).toEqual([pathToFileURL(file).href]);
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'scenario-report.png'), fullPage: true });
    } finally {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
