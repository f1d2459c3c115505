// A whole night of the real observatory (`pyros start`, built CLI, simulated clock at 300x) seen
// through its dashboard in Debian's Chromium, one screenshot per moment the operator meets:
// dusk, observing, an alert, paused, bad weather, and, after a restart the next morning, closed
// for dawn with the night's history still on the timeline. The dashboard has no token configured:
// it makes one at its first start and logs the link with it, and the page logs in by that link.
// Screenshots: test-output/screenshots/night-*.png (git-ignored).
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { TOKEN_FILE } from '../../../src/dashboard/first-run-token.js';
import { Msg } from '../../../src/observatory/messages.js';
import { swiftAlert, zenith } from '../../observatory/e2e/alert-samples.js';
import { ObservatoryHost } from '../../observatory/e2e/observatory-host.js';
import { type DashboardPage, launchChromium, openDashboard, screenshot } from './browser.js';

const MIN = 60_000;
/** Before sunset at Calern (15:55 UTC on this date); the dark time starts at 17:04. */
const DUSK = Date.parse('2026-12-01T15:40:00Z');
/** The next morning: the dark time ends at 05:39, the Sun rises at 06:57. */
const MORNING = '2026-12-02T05:15:00Z';
/**
 * Wind from 20:40 to 02:40: late enough that the evening's steps are done under load (a minute of
 * real time at 300x after the start), long enough that the page cannot miss it.
 */
const WIND = { from: DUSK + 300 * MIN, to: DUSK + 660 * MIN };
const SPEED = 300;
const CALERN = { latitudeDeg: 43.7523, longitudeDeg: 6.9219 };
const tid = (id: string) => `[data-testid="${id}"]`;

describe('a whole night on the dashboard, the real observatory at 300x', { timeout: 300_000 }, () => {
  let host: ObservatoryHost;
  let browser: Browser;
  let dashboard: DashboardPage | undefined;

  before(async () => {
    browser = await launchChromium();
    host = await ObservatoryHost.create('[monitoring]\npoll_s = 30\ngood_after_s = 600\n', {
      observatory: 'weather = weather.json',
      dashboard: {},
    });
    writeFileSync(
      join(host.dir, 'weather.json'),
      JSON.stringify({
        start: new Date(DUSK).toISOString(),
        segments: [
          { at: `+${(WIND.from - DUSK) / MIN}m`, sky: 'wind' },
          { at: `+${(WIND.to - DUSK) / MIN}m`, sky: 'clear' },
        ],
      }),
    );
  });
  after(async () => {
    await dashboard?.context.close();
    await browser?.close();
    await stop();
    host?.dispose();
  });

  /**
   * Stops the host (SIGTERM: it closes and parks first); one that has not stopped within 30 s
   * (a start that failed half-way on a loaded machine) is killed, so the test file always ends.
   */
  async function stop(): Promise<void> {
    if (host === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => resolve(void host.stop('SIGKILL')), 30_000);
    });
    await Promise.race([host.stop(), killed]);
    clearTimeout(timer);
  }

  /** The dashboard's lines with its link and token, of this host's log so far. */
  const links = () => host.lines.filter((l) => l.agent === 'dashboard' && /^dashboard: http:/.test(l.msg));

  /** Waits for the page's night banner to match `selector` (attributes of the night-state badge). */
  async function night(page: Page, attributes: string, what: string, timeout = 30_000): Promise<void> {
    try {
      await page.locator(`${tid('night-state')}${attributes}`).waitFor({ timeout });
    } catch {
      const shown = (await page.locator(tid('night-section')).textContent())?.replace(/\s+/g, ' ');
      throw new Error(`the page never showed ${what}; it shows "${shown}"\n${host.tail(15)}`);
    }
  }

  /**
   * Opens the first analysed image large: its circles are the analyzer's sources, and each sits on
   * a star of the preview (brighter than the sky around), so the rows are flipped the right way.
   */
  async function sourcesOnStars(page: Page, url: string): Promise<void> {
    const card = page
      .locator(`${tid('image-card')}`)
      .filter({ hasText: / sources$/ })
      .first();
    await card.waitFor({ timeout: 30_000 });
    await card.locator(tid('image-open')).click();
    const viewer = page.locator(`${tid('image-viewer')}[open]`);
    await viewer.locator(tid('viewer-mark')).first().waitFor({ state: 'attached', timeout: 5_000 });
    const id = Number(await page.locator(tid('image-viewer')).getAttribute('data-id'));
    const marks = await viewer
      .locator(tid('viewer-mark'))
      .evaluateAll((cs) => cs.map((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]));
    const images = (await (await fetch(`${url}/api/images?limit=50`)).json()) as Array<{
      id: number;
      analysis: { sources: Array<{ x: number; y: number }> } | null;
    }>;
    const sources = images.find((i) => i.id === id)?.analysis?.sources ?? [];
    assert.equal(marks.length, sources.length);
    assert.ok(marks.length > 0, 'an image with sources');
    const png = PNG.sync.read(
      Buffer.from(await (await fetch(`${url}/api/images/${id}/preview.png`)).arrayBuffer()),
    );
    const grey = (x: number, y: number) =>
      png.data[(Math.round(y) * png.width + Math.round(x)) * 4] as number;
    const sky = [...Array(200).keys()]
      .map((i) => grey((i * 37) % png.width, (i * 53) % png.height))
      .sort((a, b) => a - b)[100] as number;
    // The five brightest (the analyzer lists them brightest first): their centres are near white.
    const star = (sky + 255) / 2;
    for (const [cx, cy] of marks.slice(0, 5) as Array<[number, number]>) {
      assert.ok(grey(cx, cy) > star, `the circle at ${cx}, ${cy} is on a star (${grey(cx, cy)}; sky ${sky})`);
    }
    await page.locator(tid('viewer-close')).click();
  }

  it('from dusk to bad weather: each moment on the page, as the majordome says it', async () => {
    await host.start(new Date(DUSK).toISOString(), SPEED);
    try {
      await evening();
    } finally {
      // Stopped whatever happened: the morning starts this host again.
      await dashboard?.context.close();
      dashboard = undefined;
      await stop();
    }
  });

  async function evening(): Promise<void> {
    const url = host.dashboardUrl as string;
    // The first start made a token, kept it private, and logged the link with it once.
    const file = join(host.dataDir('dashboard'), TOKEN_FILE);
    const token = readFileSync(file, 'utf8').trim();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(links().length, 1);
    assert.match(links()[0]?.msg ?? '', new RegExp(`^dashboard: ${url}/\\?token=${token} `));

    dashboard = await openDashboard(browser, `${url}/?token=${token}`);
    const { page } = dashboard;
    await page.locator(`${tid('session-state')}[data-logged-in="true"]`).waitFor({ timeout: 10_000 });
    assert.ok(!page.url().includes('token'), 'the token is out of the address bar');

    await night(page, '[data-state="day"][data-cause="dusk"]', 'day before dusk');
    assert.match((await page.locator(tid('night-why')).textContent()) ?? '', /until 17:0\d:\d\d UTC/);
    await screenshot(page, 'night-1-dusk');

    await night(page, '[data-state="observing"]', 'observing');
    await page.locator(tid('observation-running')).waitFor({ timeout: 30_000 });
    await page.locator(`${tid('timeline-block')}[data-state="running"]`).waitFor({ timeout: 10_000 });
    await screenshot(page, 'night-2-observing');
    await sourcesOnStars(page, url);

    // An alert at the zenith, from a file, through the page: it is received, marked, and planned.
    const now = host.simNow();
    const { ra, dec } = zenith(now, CALERN.latitudeDeg, CALERN.longitudeDeg);
    const ivorn = 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_909090-001';
    const xml = swiftAlert({ ivorn, triggerId: '909090', ra, dec, time: now - MIN });
    await page
      .locator(tid('alert-file'))
      .setInputFiles({ name: 'grb.xml', mimeType: 'application/xml', buffer: Buffer.from(xml) });
    await page.locator(tid('alert-inject')).click();
    await page
      .locator(`${tid('action-status')}[data-kind="ok"]`)
      .filter({ hasText: /^inject alert: alert \S+: accepted/ })
      .waitFor({ timeout: 10_000 });
    await page.locator(`${tid('timeline-alert')}[data-ivorn="${ivorn}"]`).waitFor({ timeout: 10_000 });
    await page
      .locator(`${tid('timeline-block')}[data-kind="alert"]`)
      .first()
      .waitFor({ timeout: 20_000 });
    await screenshot(page, 'night-3-alert');

    await page.locator(tid('majordome-pause')).click();
    await night(page, '[data-state="paused"]', 'paused');
    assert.match(
      (await page.locator(tid('night-why')).textContent()) ?? '',
      /^paused by the operator at \d\d:\d\d:\d\d UTC \(paused from the dashboard\)/,
    );
    await screenshot(page, 'night-4-paused');
    await page.locator(tid('majordome-resume')).click();
    await page.locator(`${tid('action-status')}[data-action="resume majordome"][data-kind="ok"]`).waitFor();

    // The wind rises: closed for weather, why, and the dome closed on the page.
    await night(page, '[data-state="closed"][data-cause="weather"]', 'closed for weather', 120_000);
    assert.equal(await page.locator(tid('night-state')).textContent(), 'closed for weather');
    assert.match((await page.locator(tid('night-why')).textContent()) ?? '', /^wind \d+\.\d m\/s > 15/);
    await page.locator(`${tid('now-dome')} [data-state="closed"]`).waitFor({ timeout: 20_000 });
    await screenshot(page, 'night-5-bad-weather');
    assert.deepEqual(dashboard.errors, [], 'the page threw');
    assert.equal(links().length, 1, 'the link is logged once a start');
  }

  it('the next morning: closed for dawn, the dome closed after sunrise, the night’s history kept', async () => {
    const before = links().length;
    await host.start(MORNING, 600);
    const file = join(host.dataDir('dashboard'), TOKEN_FILE);
    const token = readFileSync(file, 'utf8').trim();
    assert.equal(links().length, before + 1);
    assert.match(
      links().at(-1)?.msg ?? '',
      new RegExp(`\\?token=${token} .*the one made at the first start`),
    );

    dashboard = await openDashboard(browser, `${host.dashboardUrl}/?token=${token}`);
    const { page } = dashboard;
    await page.locator(`${tid('session-state')}[data-logged-in="true"]`).waitFor({ timeout: 10_000 });
    await night(page, '[data-state="day"][data-cause="dawn"]', 'closed for dawn');
    assert.equal(await page.locator(tid('night-state')).textContent(), 'closed for dawn');
    // After sunrise (06:57), the dome is closed and the telescope parked: on the page and at its owner.
    await page.waitForFunction(
      (t) =>
        Number(
          (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body
            .dataset.stateTime,
        ) > t,
      Date.parse('2026-12-02T07:00:00Z'),
      { timeout: 30_000 },
    );
    await page.locator(`${tid('now-dome')} [data-state="closed"]`).waitFor({ timeout: 5_000 });
    assert.equal(await page.locator(tid('telescope-status')).getAttribute('data-status'), 'parked');
    assert.equal(((await page.locator(tid('night-warning')).textContent()) ?? '').trim(), '');
    const devices = await host.ask('observation_manager', Msg.DEVICES);
    assert.equal(devices.dome, 'closed');
    assert.equal(devices.telescope.status, 'parked');
    // Last night's blocks are still on the timeline: done ones, from the observation manager.
    const done = await page.locator(`${tid('timeline-item')}[data-state="done"]`).count();
    assert.ok(done >= 1, `${done} done blocks listed`);
    await screenshot(page, 'night-6-dawn-closed');
    assert.deepEqual(dashboard.errors, [], 'the page threw');
  });
});
