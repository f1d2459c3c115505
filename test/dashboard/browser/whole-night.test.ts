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
const WIND = { from: DUSK + 170 * MIN, to: DUSK + 200 * MIN };
const SPEED = 300;
const CALERN = { latitudeDeg: 43.7523, longitudeDeg: 6.9219 };
const tid = (id: string) => `[data-testid="${id}"]`;

describe('a whole night on the dashboard, the real observatory at 300x', { timeout: 240_000 }, () => {
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
    await host?.stop();
    host?.dispose();
  });

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

  it('from dusk to bad weather: each moment on the page, as the majordome says it', async () => {
    await host.start(new Date(DUSK).toISOString(), SPEED);
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
    await night(page, '[data-state="closed"][data-cause="weather"]', 'closed for weather', 60_000);
    assert.equal(await page.locator(tid('night-state')).textContent(), 'closed for weather');
    assert.match((await page.locator(tid('night-why')).textContent()) ?? '', /^wind \d+\.\d m\/s > 15/);
    await page.locator(`${tid('now-dome')} [data-state="closed"]`).waitFor({ timeout: 20_000 });
    await screenshot(page, 'night-5-bad-weather');
    assert.deepEqual(dashboard.errors, [], 'the page threw');
    await dashboard.context.close();
    dashboard = undefined;
    assert.equal(links().length, 1, 'the link is logged once a start');
    await host.stop();
  });

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
