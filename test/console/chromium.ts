import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium, Page } from 'playwright-core';

/** Debian's Chromium: .ci/run installs it with apt when it is missing. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * As root Chromium needs --no-sandbox; the rest keeps it from calling out (this network is closed, and each refused
 * connection is noise or a delay) and from doing first-run work.
 */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where the run's screenshots go (ignored by git); docs/console.png is one of them, committed by hand. */
export const SCREENSHOTS = join(__dirname, 'screenshots');

export interface Browser {
  context: BrowserContext;
  /** A new tab: its own sessionStorage, so its own sign-in. */
  page(width?: number): Promise<Page>;
  /** What the pages reported that they should not: uncaught errors, CSP refusals. */
  readonly problems: string[];
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  // A fresh profile per run: nothing from an earlier run (storage, cache) can make a test pass.
  const profile = mkdtempSync(join(tmpdir(), 'herald-chromium-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`console: ${message.text()}`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    problems,
    async page(width = 1280) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height: 900 });
      return page;
    },
    async screenshot(page, name) {
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
