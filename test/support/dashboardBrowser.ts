// What every dashboard browser test starts with: Chromium launched and the page built before the
// suite's tests; after them, Chromium closed and the servers the suite started closed too.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { buildDashboard } from '../../dashboard/build.ts';
import { type Chromium, launchChromium } from './browser.ts';

export interface DashboardBrowser {
  /** Servers the suite started: closed after its tests. */
  servers: { close(): Promise<void> }[];
  /** A new page of the suite's browser. */
  newPage(): Promise<Page>;
}

/** Chromium with pages of `viewport`, and the dashboard's page built, for the suite that calls it. */
export function useDashboardBrowser(viewport: { width: number; height: number }): DashboardBrowser {
  const servers: DashboardBrowser['servers'] = [];
  let chrome: Chromium | undefined;
  beforeAll(async () => {
    [chrome] = await Promise.all([launchChromium(viewport), buildDashboard()]);
  }, 60_000);
  afterAll(async () => {
    await chrome?.close();
    await Promise.all(servers.map((s) => s.close()));
  }, 30_000);
  return {
    servers,
    newPage: () => {
      if (chrome === undefined) throw new Error("Chromium did not start (see the suite's first error)");
      return chrome.context.newPage();
    },
  };
}
