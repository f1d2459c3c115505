// The dashboard page in Debian's Chromium (playwright-core), served by a real DashboardAgent in
// this thread, the six owners played by scripted peers in their own threads (dashboard-fixture.ts):
// what an owner says changes by re-scripting it, and the page must follow, live, without a reload.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DashboardAgent } from '../../../src/dashboard/dashboard-agent.js';
import { setHostApps } from '../../../src/host/host-apps.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { Sender } from '../../../src/sender/sender.js';
import { VOEVENTS } from '../../observatory/observatory-fixture.js';
import { type DashboardWorld, dashboardWorld, type NightData, OWNERS, T } from '../dashboard-fixture.js';
import { type DashboardPage, launchChromium, openDashboard, screenshot } from './browser.js';

const TOKEN = 'browser-test-token';
const AGENTS = [...OWNERS, 'dashboard'];
const SWIFT = readFileSync(join(VOEVENTS, 'swift_bat_grb_pos_61_GRB120907A_observation.xml'));
const SWIFT_IVORN = 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729';

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
  readonly body: { readonly dataset: Record<string, string | undefined> };
};
declare const window: { notReloaded?: boolean };
declare function getComputedStyle(element: unknown): { readonly color: string };

/** `[data-testid="ID"]` */
const tid = (id: string) => `[data-testid="${id}"]`;

describe('the dashboard page in Chromium, the owners played by peers', { timeout: 120_000 }, () => {
  let world: DashboardWorld;
  let agent: DashboardAgent;
  let browser: Browser;
  let url: string;

  before(async () => {
    // Chromium first: without it nothing else is worth starting, and the error says what to install.
    browser = await launchChromium();
    world = await dashboardWorld({
      ini: `[dashboard]\nport = 0\ntoken = ${TOKEN}\n`,
      // Speed 1: the owners' fixed records (a verdict valid until 20:04:30) stay current.
      clock: new SimClock(T, 1),
    });
    agent = new DashboardAgent(world.obs.ctx);
    await agent.start();
    url = `http://127.0.0.1:${agent.httpPort}`;
  });
  after(async () => {
    setHostApps([]);
    await browser?.close();
    agent?.requestShutdown('test done');
    await agent?.stopped;
    await world?.stop();
  });

  /**
   * Opens a fresh (logged-out) page, runs `body`, checks for script errors, screenshots the final
   * page; a failure carries what the owners were last asked.
   */
  async function onPage(t: TestContext, body: (page: Page) => Promise<void>): Promise<void> {
    const dashboard: DashboardPage = await openDashboard(browser, url);
    try {
      await body(dashboard.page);
      assert.deepEqual(dashboard.errors, [], 'the page threw');
    } catch (err) {
      const night = (await dashboard.page.locator(tid('night-section')).textContent()) ?? '';
      (err as Error).message += `\nthe page's night: ${night.replace(/\s+/g, ' ').trim()}`;
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
      assert.match(
        (await page.locator(tid('sim-time')).textContent()) ?? '',
        /^2026-11-29 20:0\d:\d\d UTC \(simulated, ×1\)$/,
      );
    });
  });

  it('shows the night at the top (state and why), the interlock and the weather verdict, live', async (t) => {
    await onPage(t, async (page) => {
      const night = page.locator(tid('night-state'));
      await page.locator(`${tid('night-state')}[data-state="observing"]`).waitFor({ timeout: 5_000 });
      assert.equal(await page.locator(tid('night-why')).textContent(), 'observing M45 (since 19:51:00 UTC)');
      await page.locator(`${tid('now-interlock')} [data-safe="true"]`).waitFor();
      assert.match(
        (await page.locator(tid('now-interlock')).textContent()) ?? '',
        /^safe weather within limits; the Sun at -27\.3°$/,
      );
      assert.equal(
        await page.locator(`${tid('weather-verdict')} [data-safe]`).getAttribute('data-safe'),
        'true',
      );
      assert.match(
        (await page.locator(tid('weather-verdict')).textContent()) ?? '',
        /^safe within limits \(valid until 20:04:30 UTC\), reading at 19:59:30 UTC$/,
      );

      // The wind rises: monitoring says unsafe, the majordome closes, the interlock agrees.
      const { data } = world;
      const wind = 'wind 22.0 m/s > 20';
      const reading = {
        ...(data.weather.reading as NonNullable<NightData['weather']['reading']>),
        windSpeedMps: 22,
      };
      const windy: NightData = {
        ...data,
        weather: {
          ...data.weather,
          reading,
          verdict: { ...data.weather.verdict, safe: false, reason: wind, reading },
        },
        execution: {
          ...data.execution,
          state: 'closed',
          why: wind,
          cause: 'weather',
          running: null,
          safe: false,
          safety: wind,
          next: null,
        },
        devices: {
          ...data.devices,
          dome: 'closed',
          telescope: { ...data.devices.telescope, status: 'parked' },
          observing: null,
          safety: { safe: false, reason: wind },
        },
      };
      const owners = ['monitoring', 'majordome', 'observation_manager'];
      t.after(() => Promise.all(owners.map((owner) => world.rescript(owner))));
      await Promise.all(owners.map((owner) => world.rescript(owner, windy)));
      await page.locator(`${tid('night-state')}[data-state="closed"]`).waitFor({ timeout: 5_000 });
      assert.equal(await page.locator(tid('night-why')).textContent(), `${wind} (since 19:51:00 UTC)`);
      assert.equal(await night.textContent(), 'closed for weather');
      await page.locator(`${tid('weather-verdict')} [data-safe="false"]`).waitFor({ timeout: 5_000 });
      assert.equal(await page.locator(tid('weather-reason')).textContent(), ` ${wind}`);
      await page.locator(`${tid('weather-wind')}[data-over="true"]`).waitFor({ timeout: 5_000 });
      await page.locator(`${tid('now-interlock')} [data-safe="false"]`).waitFor({ timeout: 5_000 });
      await page.locator(`${tid('now-dome')} [data-state="closed"]`).waitFor({ timeout: 5_000 });

      // Nothing to observe before the next block: idle, and when.
      const idle = 'next: M42 at 21:00:00 UTC (closed until then)';
      await world.rescript('majordome', {
        ...data,
        execution: { ...data.execution, state: 'idle', why: idle, running: null },
      });
      await page.locator(`${tid('night-state')}[data-state="idle"]`).waitFor({ timeout: 5_000 });
      assert.equal(await page.locator(tid('night-why')).textContent(), `${idle} (since 19:51:00 UTC)`);

      // The majordome fails to answer: the page says so rather than show an old state.
      await world.script('majordome', 'Execution', "throw new Error('busy replanning');");
      await page.locator(`${tid('night-state')}[data-state="unknown"]`).waitFor({ timeout: 5_000 });
      assert.match(
        (await page.locator(tid('night-why')).textContent()) ?? '',
        /^majordome: .*busy replanning/,
      );
      assert.equal(await night.textContent(), 'unknown');

      await Promise.all(owners.map((owner) => world.rescript(owner)));
      await page.locator(`${tid('night-state')}[data-state="observing"]`).waitFor({ timeout: 5_000 });
    });
  });

  it('refuses an action when logged out, and the dome stays open', async (t) => {
    await onPage(t, async (page) => {
      const dome = page.locator(`${tid('now-dome')} [data-state]`);
      await page.locator(`${tid('now-dome')} [data-state="open"]`).waitFor({ timeout: 5_000 });
      await page.locator(tid('dome-close')).click();
      const status = page.locator(`${tid('action-status')}[data-kind="error"]`);
      await status.waitFor({ timeout: 5_000 });
      assert.match((await status.textContent()) ?? '', /close dome: 401: /);
      // Two state events later, the dome is still open, and the observation manager was never asked.
      for (let i = 0; i < 2; i++) await nextState(page);
      assert.equal(await dome.getAttribute('data-state'), 'open');
      assert.equal(world.peer('observation_manager').all('Close dome').length, 0);
    });
  });

  it('a page on another port of this machine cannot act with the session (CSRF), the dashboard itself can', async (t) => {
    // The attacker's page: same site as the dashboard (127.0.0.1), so even a SameSite=Strict
    // cookie goes along with its requests; only the Origin check stands in the way.
    const attacker = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>elsewhere</title>');
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    const elsewhere = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
    try {
      await onPage(t, async (page) => {
        await logIn(page);
        const cookie = (await page.context().cookies(url)).find((c) => c.name === 'pyros_session');
        assert.equal(cookie?.sameSite, 'Strict');
        assert.equal(cookie?.httpOnly, true);
        const other = await page.context().newPage();
        await other.goto(elsewhere);
        const sent = await other.evaluate(async (base) => {
          const out: string[] = [];
          for (const path of ['/api/dome/close', '/api/majordome/pause', '/api/logout']) {
            const res = await fetch(base + path, { method: 'POST', credentials: 'include', mode: 'no-cors' });
            out.push(res.type);
          }
          return out;
        }, url);
        assert.deepEqual(sent, ['opaque', 'opaque', 'opaque'], 'the requests went out');
        await other.close();
        assert.equal(world.peer('observation_manager').all('Close dome').length, 0);
        assert.equal(world.peer('majordome').all('Pause').length, 0);
        // Still logged in (the forged logout did nothing), and the page's own action goes through.
        await page.locator(tid('dome-close')).click();
        await statusLine(page, 'ok', /close dome/);
        assert.equal(world.peer('observation_manager').all('Close dome').length, 1);
      });
    } finally {
      attacker.close();
    }
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

  it('pauses, injects an alert from a file: accepted, then planned, then observed, resumes', async (t) => {
    await onPage(t, async (page) => {
      await logIn(page);
      await page.locator(tid('majordome-pause')).click();
      await statusLine(
        page,
        'ok',
        /^pause majordome: The majordome is paused: paused by the operator at 20:00:00 UTC \(paused from the dashboard\)\. Paused by the operator at 20:00:00 UTC \(paused from the dashboard\)\.$/,
      );
      await page.locator(`${tid('night-state')}[data-state="paused"]`).waitFor({ timeout: 5_000 });
      assert.equal(
        await page.locator(tid('night-why')).textContent(),
        'paused by the operator at 20:00:00 UTC (paused from the dashboard) (since 20:00:00 UTC)',
      );

      await page
        .locator(tid('alert-file'))
        .setInputFiles({ name: 'grb.xml', mimeType: 'application/xml', buffer: SWIFT });
      await page.locator(tid('alert-inject')).click();
      await statusLine(page, 'ok', /^inject alert: alert \S+: accepted \(.*\); it made request \S+\.$/);
      const answer = await page.locator(tid('action-status')).getAttribute('data-answer');
      const { requestId, ivorn } = JSON.parse(answer ?? '') as {
        requestId: string;
        ivorn: string;
      };
      assert.equal(ivorn, SWIFT_IVORN);
      const heard = await world.peer('alert_manager').waitFor('Notice');
      assert.deepEqual(heard.payload, { text: SWIFT.toString('utf8'), drill: false, source: 'dashboard' });

      const row = page.locator(`${tid('alert-row')}[data-ivorn="${ivorn}"]`);
      await row.waitFor({ timeout: 5_000 });
      assert.equal(await row.getAttribute('data-outcome'), 'accepted');
      const requestState = row.locator(tid('alert-request-state'));
      assert.equal(await requestState.textContent(), '—', 'the scheduler has no such request yet');

      // The scheduler plans it.
      const { data } = world;
      const planned = (state: 'scheduled' | 'done'): NightData => {
        const block = {
          ...(data.plan.blocks[1] as NightData['plan']['blocks'][number]),
          id: 'grb-browser',
          requestId,
          targetName: 'GRB 120907A',
          start: T + 25 * 60_000,
          end: T + 40 * 60_000,
        };
        const request = { ...(data.requests[0] as NightData['requests'][number]), id: requestId, state };
        return {
          ...data,
          plan: { ...data.plan, version: data.plan.version + 1, blocks: [...data.plan.blocks, block] },
          requests: [request, ...data.requests],
        };
      };
      t.after(() => world.rescript('scheduler'));
      await world.rescript('scheduler', planned('scheduled'));
      const block = page.locator(`${tid('timeline-block')}[data-request="${requestId}"]`);
      await block.waitFor({ timeout: 5_000 });
      assert.equal(await block.getAttribute('data-kind'), 'alert');
      assert.ok(((await block.boundingBox())?.width ?? 0) > 0, 'the block has a width on the timeline');
      await requestState.filter({ hasText: /^scheduled$/ }).waitFor({ timeout: 5_000 });

      await page.locator(tid('majordome-resume')).click();
      await statusLine(page, 'ok', /^resume majordome: The majordome is observing: observing M45\.$/);
      await page.locator(`${tid('night-state')}[data-state="observing"]`).waitFor({ timeout: 5_000 });

      // Observed: the scheduler marks the request done.
      await world.rescript('scheduler', planned('done'));
      await requestState.filter({ hasText: /^done$/ }).waitFor({ timeout: 5_000 });
    });
  });

  it('draws tonight: twilight bands, the current time, the altitude chart and image previews', async (t) => {
    await onPage(t, async (page) => {
      await page.locator(tid('timeline-band')).first().waitFor({ timeout: 5_000 });
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
      assert.equal(altitudes.series.length, 3);
      const legend = (await page.locator(`${tid('altitude-chart')} .u-legend`).textContent()) ?? '';
      for (const s of altitudes.series) assert.ok(legend.includes(s.target), `${s.target} in the legend`);

      await page.waitForFunction(
        () => {
          const images = Array.from(document.querySelectorAll('[data-testid="image-preview"]'));
          return images.length === 2 && images.every((i) => i.complete);
        },
        undefined,
        { timeout: 10_000 },
      );
      const widths = await page
        .locator(tid('image-preview'))
        .evaluateAll((imgs) => imgs.map((i) => (i as PageElement).naturalWidth ?? 0));
      assert.deepEqual(widths, [512, 64], 'every preview decoded, at its image size');
      const analyses = await page.locator(tid('image-analysis')).allTextContents();
      assert.deepEqual(analyses, ['analysis pending', 'background 1049.5, noise 8.70, 2 sources']);
    });
  });

  it('shows the alert sources, a feed whose heartbeat has stopped standing out', async (t) => {
    await onPage(t, async (page) => {
      const sources = page.locator(tid('alert-source'));
      await sources.first().waitFor({ timeout: 5_000 });
      assert.deepEqual(
        await sources.evaluateAll((els) =>
          els.map((e) => [e.getAttribute('data-url'), e.getAttribute('data-state')]),
        ),
        [
          ['vtp-listen://127.0.0.1:8098', 'listening'],
          ['gcn-kafka:', 'connected'],
        ],
      );
      const warning = page.locator(tid('alert-source-warning'));
      assert.equal(await warning.count(), 1);
      assert.match((await warning.textContent()) ?? '', /^no gcn\.heartbeat for 120 s/);
      const colour = await warning.evaluate((e) => getComputedStyle(e).color);
      assert.notEqual(
        colour,
        await page
          .locator(`${tid('alert-source')} code`)
          .first()
          .evaluate((e) => getComputedStyle(e).color),
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
            rows.length === 3 &&
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

  it('shows an agent stopping, then what its host says, without a reload', async (t) => {
    await onPage(t, async (page) => {
      await page
        .locator(`${tid('agent-state-monitoring')}`)
        .filter({ hasText: /^up$/ })
        .waitFor();
      // A reload would lose this mark.
      await page.evaluate(() => {
        window.notReloaded = true;
      });
      await Sender.sendTo('monitoring', 'SHUTDOWN');
      await page
        .locator(tid('agent-state-monitoring'))
        .filter({ hasText: /^down$/ })
        .waitFor({ timeout: 10_000 });
      await page.locator(`${tid('weather-verdict')} [data-safe="unknown"]`).waitFor({ timeout: 5_000 });
      assert.match((await page.locator(tid('weather-verdict')).textContent()) ?? '', /monitoring: /);
      // The dashboard's host restarts it.
      setHostApps([
        { name: 'monitoring', state: 'restarting', restarts: 1, port: 0, lastError: 'monitoring: crashed' },
      ]);
      await page
        .locator(tid('agent-state-monitoring'))
        .filter({ hasText: /^restarting$/ })
        .waitFor({ timeout: 5_000 });
      assert.match(
        (await page.locator(`${tid('agent-row-monitoring')}`).textContent()) ?? '',
        /monitoring: crashed/,
      );
      assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');
      assert.equal((await page.locator(tid('agent-state-scheduler')).textContent()) ?? '', 'up');
    });
  });
});

/** Waits for the page to draw a state newer than the one on screen. */
async function nextState(page: Page): Promise<void> {
  const shown = await page.evaluate(() => Number(document.body.dataset.stateTime));
  await page.waitForFunction((t) => Number(document.body.dataset.stateTime) > t, shown, { timeout: 5_000 });
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
