import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium: the tests drive it, they download no browser. */
export const CHROMIUM = '/usr/bin/chromium';
/** Where each test leaves a full-page screenshot of its final page (gitignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../../test-output/screenshots/', import.meta.url));

/** Launches headless Chromium; a missing browser is a failure that says how to install it. */
export async function launchChromium(executable = CHROMIUM): Promise<Browser> {
  if (!existsSync(executable)) {
    throw new Error(`the browser tests need Chromium at ${executable}: apt-get install chromium`);
  }
  return chromium.launch({
    executablePath: executable,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page in its own browser context (its own cookies: logged out), and the errors it throws. */
export interface DashboardPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Uncaught exceptions in the page's scripts. */
  readonly errors: string[];
}

/** Opens the dashboard at `url` in a fresh context; resolves once it has drawn a first state. */
export async function openDashboard(browser: Browser, url: string): Promise<DashboardPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(url);
  // Live, and a first state drawn.
  await page.locator('[data-testid="connection"][data-live="true"]').waitFor({ timeout: 10_000 });
  await page.locator('body[data-state-time]').waitFor({ state: 'attached', timeout: 10_000 });
  return { page, context, errors };
}

/** Saves a full-page screenshot as `test-output/screenshots/NAME.png` (name made file-safe). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.png`);
  // Previews still loading would show as grey squares: give them a moment, not a condition.
  await page
    .waitForFunction('Array.from(document.images).every((i) => i.complete)', undefined, { timeout: 2_000 })
    .catch(() => undefined);
  // The night banner sticks to the top of the window: from the top, it is where it belongs.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
