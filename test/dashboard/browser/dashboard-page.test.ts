import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { swiftAlert, zenith } from '../../observatory/e2e/alert-samples.js';
import { ObservatoryHost } from '../../observatory/e2e/observatory-host.js';
import { type DashboardPage, launchChromium, openDashboard, screenshot } from './browser.js';

const START = '2026-11-29T17:10:00Z';
const SPEED = 600;
const TOKEN = 'browser-test-token';
const CALERN = { lat: 43.7523, lon: 6.9219 };
const AGENTS = [
  'alert_manager',
  'scheduler',
  'majordome',
  'observation_manager',
  'monitoring',
  'analyzer',
  'dashboard',
];
const BIN = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

// Callbacks passed to page.evaluate/waitForFunction run in the browser. tsconfig has no DOM lib
// (the project is Node code), so the little of the DOM they touch is declared here, in this module.
interface PageElement {
  readonly textContent: string | null;
  readonly children: ArrayLike<PageElement>;
  readonly complete?: boolean;
  readonly naturalWidth?: number;
  readonly width?: number;
  readonly height?: number;
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
};
declare const window: { notReloaded?: boolean };

/** `[data-testid="ID"]` */
const tid = (id: string) => `[data-testid="${id}"]`;

describe('the dashboard page in Chromium, on a real observatory host', { timeout: 150_000 }, () => {
  let host: ObservatoryHost;
  let browser: Browser;
  let url: string;

  before(async () => {
    // Chromium first: without it nothing else is worth starting, and the error says what to install.
    browser = await launchChromium();
    host = await ObservatoryHost.create('', { dashboard: { token: TOKEN } });
    await host.start(START, SPEED);
    url = await dashboardUp(host);
  });
  after(async () => {
    await browser?.close();
    await host?.stop();
    host?.dispose();
  });

  /**
   * Opens a fresh (logged-out) page, runs `body`, checks for script errors, screenshots the final
   * page; a failure carries the host's last log lines.
   */
  async function onPage(t: TestContext, body: (page: Page) => Promise<void>): Promise<void> {
    const dashboard: DashboardPage = await openDashboard(browser, url);
    try {
      await body(dashboard.page);
      assert.deepEqual(dashboard.errors, [], 'the page threw');
    } catch (err) {
      // What the observatory was doing says more than a timeout in the page.
      (err as Error).message += `\nhost log:\n${host.tail(25)}`;
      throw err;
    } finally {
      await screenshot(dashboard.page, t.name);
      await dashboard.context.close();
    }
  }

  it('shows the seven agents as up', async (t) => {
    await onPage(t, async (page) => {
      await page.waitForFunction(
        (names) =>
          names.every(
            (n) => document.querySelector(`[data-testid="agent-state-${n}"]`)?.textContent === 'up',
          ),
        AGENTS,
        { timeout: 15_000 },
      );
      const rows = await page
        .locator(`${tid('agents-body')} tr`)
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')));
      assert.deepEqual(rows.sort(), AGENTS.map((n) => `agent-row-${n}`).sort());
      assert.match((await page.locator(tid('sim-time')).textContent()) ?? '', /^\d\d:\d\d:\d\d UTC/);
    });
  });

  it('refuses an action when logged out, and the dome stays open', async (t) => {
    await onPage(t, async (page) => {
      const dome = page.locator(`${tid('now-dome')} [data-state]`);
      await page.locator(`${tid('now-dome')} [data-state="open"]`).waitFor({ timeout: 30_000 });
      await page.locator(tid('dome-close')).click();
      const status = page.locator(`${tid('action-status')}[data-kind="error"]`);
      await status.waitFor({ timeout: 5_000 });
      assert.match((await status.textContent()) ?? '', /close dome: 401: /);
      // Several state events later, the dome is still open, on the page and in the API.
      await page.waitForTimeout(2_500);
      assert.equal(await dome.getAttribute('data-state'), 'open');
      const now = (await (await fetch(`${url}/api/now`)).json()) as { dome: unknown };
      assert.equal(domeState(now.dome), 'open');
    });
  });

  it('sends a message to an agent and shows its reply, until logged out', async (t) => {
    await onPage(t, async (page) => {
      await logIn(page);
      await page.locator(tid('message-agent')).selectOption('monitoring');
      await page.locator(tid('message-text')).fill('Weather');
      await page.locator(tid('message-payload')).fill('{not json');
      await page.locator(tid('message-send')).click();
      await statusLine(page, 'error', /send to monitoring: the payload is not JSON/);
      await page.locator(tid('message-payload')).fill('');
      await page.locator(tid('message-send')).click();
      // Monitoring's "Weather" handler replies with the current reading.
      await statusLine(page, 'ok', /send to monitoring: .*cloudCoverPct/);
      // Logged out, the same action is refused, and the page says so.
      await page.locator(tid('logout-button')).click();
      await statusLine(page, 'ok', /logout: logged out/);
      await page.locator(tid('message-send')).click();
      await statusLine(page, 'error', /send to monitoring: 401: /);
      assert.equal(await page.locator(tid('session-state')).getAttribute('data-logged-in'), 'false');
    });
  });

  it('injects an alert from a file: accepted, then planned, then observed', async (t) => {
    await onPage(t, async (page) => {
      await logIn(page);
      // Paused, the majordome starts nothing: the alert's block stays in the plan for the page to show.
      await page.locator(tid('majordome-pause')).click();
      await statusLine(page, 'ok', /pause majordome: .*"paused":true/);

      const { time } = (await (await fetch(`${url}/api/state`)).json()) as { time: number };
      const { ra, dec } = zenith(time, CALERN.lat, CALERN.lon);
      const ivorn = 'ivo://test/dashboard#GRB-browser-1';
      const xml = swiftAlert({ ivorn, triggerId: '900101', ra, dec, time });
      await page
        .locator(tid('alert-file'))
        .setInputFiles({ name: 'grb.xml', mimeType: 'application/xml', buffer: Buffer.from(xml) });
      await page.locator(tid('alert-inject')).click();
      const reply = await statusLine(page, 'ok', /inject alert: .*"outcome":"accepted"/);
      const requestId = (JSON.parse(reply.replace(/^inject alert: /, '')) as { requestId: string }).requestId;
      assert.ok(requestId, reply);

      const row = page.locator(`${tid('alert-row')}[data-ivorn="${ivorn}"]`);
      await row.waitFor({ timeout: 5_000 });
      assert.equal(await row.getAttribute('data-outcome'), 'accepted');
      const block = page.locator(`${tid('timeline-block')}[data-request="${requestId}"]`);
      await block.waitFor({ timeout: 10_000 });
      assert.equal(await block.getAttribute('data-kind'), 'alert');
      assert.ok(((await block.boundingBox())?.width ?? 0) > 0, 'the block has a width on the timeline');

      await page.locator(tid('majordome-resume')).click();
      await statusLine(page, 'ok', /resume majordome: .*"paused":false/);
      await page
        .locator(`${tid('alert-row')}[data-ivorn="${ivorn}"] ${tid('alert-request-state')}`)
        .filter({ hasText: /^done$/ })
        .waitFor({ timeout: 30_000 });
    });
  });

  it('draws tonight: twilight bands, the current time, the altitude chart and image previews', async (t) => {
    await onPage(t, async (page) => {
      const kinds = await page
        .locator(tid('timeline-band'))
        .evaluateAll((bands) => bands.map((b) => b.getAttribute('data-kind')));
      assert.deepEqual(new Set(kinds), new Set(['civil', 'nautical', 'astronomical', 'night']));
      await page.locator(tid('timeline-now')).waitFor({ timeout: 5_000 });

      const canvas = page.locator(`${tid('altitude-chart')} canvas`).first();
      await canvas.waitFor({ timeout: 10_000 });
      const size = await canvas.evaluate((c) => [(c as PageElement).width, (c as PageElement).height]);
      assert.ok((size[0] ?? 0) > 0 && (size[1] ?? 0) > 0, `canvas ${size}`);
      // One series a planned target, as the API lists them.
      const altitudes = (await (await fetch(`${url}/api/plan/altitudes`)).json()) as {
        series: { target: string }[];
      };
      const legend = (await page.locator(`${tid('altitude-chart')} .u-legend`).textContent()) ?? '';
      for (const s of altitudes.series) assert.ok(legend.includes(s.target), `${s.target} in the legend`);

      await page.waitForFunction(
        () => {
          const images = Array.from(document.querySelectorAll('[data-testid="image-preview"]'));
          return images.length > 0 && images.every((i) => i.complete);
        },
        undefined,
        { timeout: 30_000 },
      );
      const widths = await page
        .locator(tid('image-preview'))
        .evaluateAll((imgs) => imgs.map((i) => (i as PageElement).naturalWidth ?? 0));
      assert.ok(
        widths.every((w) => w > 0),
        `every preview decoded: ${widths}`,
      );
    });
  });

  it('filters the message log by agent', async (t) => {
    await onPage(t, async (page) => {
      await page.locator(tid('messages-filter')).selectOption('scheduler');
      await page.waitForFunction(
        () => {
          // Every row is from or to the scheduler (columns 2 and 3).
          const rows = Array.from(document.querySelectorAll('[data-testid="message-row"]'));
          return (
            rows.length > 0 &&
            rows.every((r) =>
              Array.from(r.children)
                .slice(1, 3)
                .some((c) => c.textContent === 'scheduler'),
            )
          );
        },
        undefined,
        { timeout: 10_000 },
      );
    });
  });

  it('shows an agent stopping, without a reload', async (t) => {
    await onPage(t, async (page) => {
      await page
        .locator(`${tid('agent-state-monitoring')}`)
        .filter({ hasText: /^up$/ })
        .waitFor();
      // A reload would lose this mark.
      await page.evaluate(() => {
        window.notReloaded = true;
      });
      const send = spawnSync(
        process.execPath,
        [BIN, 'send', 'monitoring', 'SHUTDOWN', '--config', host.config],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(send.status, 0, send.stderr);
      await page
        .locator(tid('agent-state-monitoring'))
        .filter({ hasText: /^(down|stopped)$/ })
        .waitFor({ timeout: 15_000 });
      assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
      assert.equal((await page.locator(tid('agent-state-scheduler')).textContent()) ?? '', 'up');
    });
  });
});

/** Waits until the host's dashboard answers `/api/state`; returns its URL. */
async function dashboardUp(host: ObservatoryHost): Promise<string> {
  const url = host.dashboardUrl;
  assert.ok(url !== undefined);
  const until = Date.now() + 15_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/api/state`);
      if (response.ok) return url;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      throw new Error(
        `the dashboard did not answer ${url}/api/state within 15 s (is dist/ built? npm run build); ` +
          `last lines:\n${host.tail(20)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Logs in with the token through the form. */
async function logIn(page: Page): Promise<void> {
  await page.locator(tid('login-token')).fill(TOKEN);
  await page.locator(tid('login-button')).click();
  await page.locator(`${tid('session-state')}[data-logged-in="true"]`).waitFor({ timeout: 5_000 });
}

/** Waits for the status line to show `kind` and match `text`; returns its text. */
async function statusLine(page: Page, kind: 'ok' | 'error', text: RegExp): Promise<string> {
  const line = page.locator(`${tid('action-status')}[data-kind="${kind}"]`).filter({ hasText: text });
  try {
    await line.waitFor({ timeout: 10_000 });
  } catch {
    throw new Error(
      `status line never showed ${kind} ${text}: "${(await page.locator(tid('action-status')).textContent()) ?? ''}"`,
    );
  }
  return (await line.textContent()) ?? '';
}

/** The dome's state, whether `/api/now` gives it as a string or as `{ state }`. */
function domeState(dome: unknown): unknown {
  return typeof dome === 'object' && dome !== null ? (dome as { state?: unknown }).state : dome;
}
