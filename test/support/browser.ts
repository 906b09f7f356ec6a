// Headless Chromium for the browser tests: where it is, how it starts, and what a test file does on
// a machine without it (CI must run the browser tests; elsewhere they are skipped, saying why).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { describe, it } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the browser tests leave their screenshots and timings. */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const HOW_TO_INSTALL = 'install it (Debian: apt-get install chromium) or set CHROMIUM_PATH';
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

/**
 * `describe(title, body)` where Chromium is. Elsewhere one test that says why the `tests` are
 * skipped (in every report, beside the skipped count), or fails in CI, which must run them.
 */
export function describeInChromium(title: string, tests: string, body: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(title, body);
    return;
  }
  describe(title, () => {
    it('needs Chromium', (context) => {
      if (process.env.CI === 'true') {
        throw new Error(`no Chromium at ${CHROMIUM}: CI must run the browser tests; ${HOW_TO_INSTALL}`);
      }
      const reason = `no Chromium at ${CHROMIUM}: ${HOW_TO_INSTALL}`;
      console.warn(`${tests} skipped: ${reason}`);
      context.skip(reason);
    });
  });
}

export interface Chromium {
  context: BrowserContext;
  /** Ends the browser and removes its profile. */
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile, pages of `viewport`, British English and UTC; ARTIFACTS made. */
export async function launchChromium(viewport: { width: number; height: number }): Promise<Chromium> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'twin-chromium-'));
  const removeProfile = () => rmSync(profile, { recursive: true, force: true });
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
    return {
      context,
      close: async () => {
        await context.close();
        removeProfile();
      },
    };
  } catch (error) {
    removeProfile();
    throw error;
  }
}
