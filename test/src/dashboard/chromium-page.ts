import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_CHROMIUM_ARGS } from '@taskwire/workerd';
import { type Browser, chromium, type Page } from 'playwright-core';
import { repoRoot } from '../fleet/paths.js';
import { selectedStore } from '../fleet/store.js';

/** Debian's Chromium (installed by .ci/run); never a downloaded browser. */
const CHROMIUM = process.env['TASKWIRE_TEST_CHROMIUM'] ?? '/usr/bin/chromium';

/** Where the screenshots of the pages go, one folder per store: kept as test artifacts. */
export const SCREENSHOT_DIR = join(repoRoot, 'test-results', 'dashboard');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...DEFAULT_CHROMIUM_ARGS] });
}

/** A page that records what the browser complains about (console errors, uncaught exceptions). */
export interface WatchedPage {
  readonly page: Page;
  /** Console errors and page errors, in order. */
  readonly problems: string[];
  screenshot(name: string): Promise<string>;
}

export async function openPage(
  browser: Browser,
  viewport = { width: 1280, height: 900 },
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return {
    page,
    problems,
    async screenshot(name) {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${selectedStore()}-${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
  };
}
