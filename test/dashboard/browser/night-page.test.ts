// The night as the operator reads it, in Debian's Chromium: the night's state at the top, the
// timeline's done, running, planned and failed blocks with their list and the alerts on it, a
// coherent "Now", the times in one format, the image viewer with its sources, and the login by
// the link the dashboard logs (?token=). The owners are scripted peers (dashboard-fixture.ts):
// re-scripting one changes what the page must show, live.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DashboardAgent } from '../../../src/dashboard/dashboard-agent.js';
import { setHostApps } from '../../../src/host/host-apps.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { type DashboardWorld, dashboardWorld, type NightData, T } from '../dashboard-fixture.js';
import { launchChromium, openDashboard, screenshot } from './browser.js';

const TOKEN = 'night-page-token';
const MIN = 60_000;
const tid = (id: string) => `[data-testid="${id}"]`;
/** The page's time format: `21:14:05 UTC`, or `2026-12-02 21:14 UTC` outside the night on screen. */
const TIME = /^(\d\d:\d\d:\d\d|\d{4}-\d\d-\d\d \d\d:\d\d) UTC$/;

describe('the night on the page, in Chromium', { timeout: 120_000 }, () => {
  let world: DashboardWorld;
  let agent: DashboardAgent;
  let browser: Browser;
  let url: string;

  before(async () => {
    browser = await launchChromium();
    world = await dashboardWorld({
      ini: `[dashboard]\nport = 0\ntoken = ${TOKEN}\n`,
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

  /** Runs `body` on a fresh page, checks it threw nothing, and leaves a screenshot. */
  async function onPage(t: TestContext, body: (page: Page) => Promise<void>, path = '/'): Promise<void> {
    const dashboard = await openDashboard(browser, url + path);
    try {
      await body(dashboard.page);
      assert.deepEqual(dashboard.errors, [], 'the page threw');
    } finally {
      await screenshot(dashboard.page, t.name);
      await dashboard.context.close();
    }
  }

  const text = async (page: Page, id: string) => ((await page.locator(tid(id)).textContent()) ?? '').trim();

  it('says the night at the top: opening, closed for dawn (and a dome left open), with why and since when', async (t) => {
    const { data } = world;
    t.after(() => Promise.all(['majordome', 'observation_manager'].map((o) => world.rescript(o))));
    await onPage(t, async (page) => {
      await page.locator(`${tid('night-state')}[data-state="observing"]`).waitFor({ timeout: 5_000 });
      // Always in sight: the banner stays at the top of the window when the page scrolls.
      await page.evaluate('window.scrollTo(0, document.body.scrollHeight)');
      const box = await page.locator(tid('night-section')).boundingBox();
      assert.ok(box !== null && box.y <= 1, `the night banner at the top after scrolling (y ${box?.y})`);

      // The block is being started: the dome opens, no observation yet.
      const opening: NightData = {
        ...data,
        execution: {
          ...data.execution,
          state: 'opening',
          why: 'starting M42: the dome opens, the telescope slews',
        },
        devices: {
          ...data.devices,
          dome: 'opening',
          telescope: { ...data.devices.telescope, status: 'slewing' },
        },
        observations: data.observations.filter((o) => o.state !== 'running'),
      };
      await Promise.all(['majordome', 'observation_manager'].map((o) => world.rescript(o, opening)));
      await page.locator(`${tid('night-state')}[data-label="opening"]`).waitFor({ timeout: 5_000 });
      assert.equal(await text(page, 'night-state'), 'opening');
      assert.equal(await text(page, 'now-observation'), 'starting M45: the dome opens, the telescope slews');

      // Dawn: the majordome has closed for it, but the dome is reported open: the page says so.
      const dawn: NightData = {
        ...data,
        execution: {
          ...data.execution,
          state: 'day',
          cause: 'dawn',
          why: 'the night is over: the Sun is above the limit (-12°)',
          since: T - 2 * MIN,
          running: null,
        },
        observations: data.observations.filter((o) => o.state !== 'running'),
      };
      await Promise.all(['majordome', 'observation_manager'].map((o) => world.rescript(o, dawn)));
      await page.locator(`${tid('night-state')}[data-cause="dawn"]`).waitFor({ timeout: 5_000 });
      assert.equal(await text(page, 'night-state'), 'closed for dawn');
      assert.equal(
        await text(page, 'night-why'),
        'the night is over: the Sun is above the limit (-12°) (since 19:58:00 UTC)',
      );
      assert.match(await text(page, 'night-warning'), /^the dome is open although the night is closed/);
      // "Now" agrees: no observation, and why.
      assert.equal(
        await text(page, 'now-observation'),
        'none (closed for dawn: the night is over: the Sun is above the limit (-12°))',
      );
      assert.match(
        await text(page, 'now-telescope'),
        /^tracking at RA .*, holding its last target between blocks/,
      );
    });
  });

  it('draws done, running, planned and failed blocks, each readable, with their list and the alerts', async (t) => {
    await onPage(t, async (page) => {
      const blocks = page.locator(tid('timeline-block'));
      await page.waitForFunction(
        'document.querySelectorAll(\'[data-testid="timeline-block"]\').length === 5',
        undefined,
        { timeout: 5_000 },
      );
      const drawn = await blocks.evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-target'), e.getAttribute('data-state')]),
      );
      assert.deepEqual(drawn, [
        ['M33', 'failed'],
        ['M31', 'done'],
        ['M45', 'running'],
        ['GRB 261129A', 'planned'],
        ['M42', 'planned'],
      ]);
      // Hover: each says its target, times and state.
      assert.equal(
        await blocks.nth(0).getAttribute('title'),
        'M33 (routine): 18:58:00 UTC – 19:05:00 UTC, failed: camera: readout timed out',
      );
      assert.equal(
        await blocks.nth(3).getAttribute('title'),
        'GRB 261129A (alert, priority 100): 20:15:00 UTC – 20:35:00 UTC, planned',
      );
      // No label cut, none over another block: each is shown whole in the free time of its lane, or not at all.
      const labels = (await page.evaluate(`(() => {
        const track = document.querySelector('.timeline-track').getBoundingClientRect();
        const out = [];
        for (const lane of ['observed', 'planned']) {
          const blocks = Array.from(document.querySelectorAll('.block.lane-' + lane))
            .map((b) => [b, b.getBoundingClientRect()]).sort((a, b) => a[1].left - b[1].left);
          blocks.forEach(([b, r], i) => {
            const label = b.querySelector('.block-label');
            const l = label.getBoundingClientRect();
            const limit = i + 1 < blocks.length ? blocks[i + 1][1].left : track.right;
            out.push([b.dataset.target, label.hidden, l.left >= r.left - 0.5 && l.right <= limit + 0.5]);
          });
        }
        return out;
      })()`)) as Array<[string, boolean, boolean]>;
      assert.equal(labels.length, 5);
      for (const [target, hidden, fits] of labels)
        assert.ok(hidden || fits, `${target}: label cut or over the next block`);
      // At 1400 px, half an hour of free time is room for a short name (M33 and the GRB may lack it).
      const shown = labels.filter(([, hidden]) => !hidden).map(([target]) => target);
      for (const target of ['M31', 'M45', 'M42'])
        assert.ok(shown.includes(target), `${target} named on the chart`);

      // The list under the chart, in time order.
      const rows = await page
        .locator(tid('timeline-item'))
        .evaluateAll((trs) =>
          trs.map((tr) =>
            Array.from(tr.children).map((td) => (td as { textContent: string | null }).textContent),
          ),
        );
      assert.deepEqual(rows, [
        ['18:58:00 UTC – 19:05:00 UTC', 'M33', 'routine', 'failed camera: readout timed out'],
        ['19:20:00 UTC – 19:40:00 UTC', 'M31', 'routine', 'done'],
        ['19:51:00 UTC – 20:10:00 UTC', 'M45', 'routine', 'running'],
        ['20:15:00 UTC – 20:35:00 UTC', 'GRB 261129A', 'alert', 'planned'],
        ['21:00:00 UTC – 21:20:00 UTC', 'M42', 'routine', 'planned'],
      ]);
      // The alerts on it, where they were received.
      const marks = page.locator(tid('timeline-alert'));
      assert.equal(await marks.count(), 2);
      assert.match(
        (await marks.nth(1).getAttribute('title')) ?? '',
        /^alert ivo:\/\/nasa\.gsfc\.gcn\/SWIFT#.* received 19:52:00 UTC: accepted/,
      );
      assert.match(await text(page, 'plan-summary'), /1 done, 1 running, 2 planned, 1 failed$/);
    });
  });

  it('writes every time one way (UTC, the date when not tonight), the message log newest first', async (t) => {
    const { data } = world;
    const old = {
      ...(data.alerts[1] as NightData['alerts'][number]),
      ivorn: 'ivo://test#old',
      receivedAt: T - 2 * 24 * 60 * MIN,
    };
    t.after(() => world.rescript('alert_manager'));
    await world.rescript('alert_manager', { ...data, alerts: [...data.alerts, old] });
    await onPage(t, async (page) => {
      const row = page.locator(`${tid('alert-row')}[data-ivorn="ivo://test#old"]`);
      await row.waitFor({ timeout: 5_000 });
      assert.equal(await row.locator('td').first().textContent(), '2026-11-27 20:00 UTC');
      assert.equal(
        await page
          .locator(`${tid('alert-row')}`)
          .first()
          .locator('td')
          .first()
          .textContent(),
        '19:57:00 UTC',
      );
      await page.locator(tid('message-row')).nth(7).waitFor({ timeout: 5_000 });
      const log = await page
        .locator(tid('message-row'))
        .evaluateAll((trs) =>
          trs.map((tr) => [
            Number(tr.getAttribute('data-time')),
            (tr.children[0] as { textContent: string | null } | undefined)?.textContent,
          ]),
        );
      for (const [, shown] of log) assert.match(String(shown ?? ''), TIME);
      const times = log.map(([time]) => time as number);
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
        'newest first',
      );
      assert.equal(log[0]?.[1], '19:59:00 UTC');
      // Nowhere a time in another format (the hour ticks of the charts apart: their axis says UTC).
      const stray = (await page.evaluate(`(() => {
        const copy = document.body.cloneNode(true);
        for (const e of copy.querySelectorAll('.timeline-axis, .altitude-chart')) e.remove();
        return (copy.textContent.match(/\\d\\d:\\d\\d(?::\\d\\d)?(?![\\d:])(?! UTC)|\\dT\\d\\d:\\d\\d/g) ?? []);
      })()`)) as string[];
      assert.deepEqual(stray, []);
      assert.match(await text(page, 'sim-time'), /^2026-11-29 20:0\d:\d\d UTC/);
    });
  });

  it('opens an image large with its measured sources marked, captions readable', async (t) => {
    await onPage(t, async (page) => {
      const cards = page.locator(tid('image-card'));
      await cards.nth(1).waitFor({ timeout: 5_000 });
      const size = await page
        .locator(tid('image-caption'))
        .first()
        .evaluate((e) =>
          Number.parseFloat(
            (
              globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }
            ).getComputedStyle(e).fontSize,
          ),
        );
      assert.ok(size >= 13, `caption font ${size} px`);
      assert.match(
        // biome-ignore lint/performance/useDomNodeTextContent: the caption's rendered lines are what is checked
        await cards.nth(1).locator(tid('image-caption')).innerText(),
        /^M45\nR, 60 s, 19:56:00 UTC\nbackground 1049\.5, noise 8\.70, 2 sources$/,
      );

      // Image 12 (64 px): its two sources, circled where the analyzer measured them.
      await cards.nth(1).locator(tid('image-open')).click();
      const viewer = page.locator(`${tid('image-viewer')}[open]`);
      await viewer.waitFor({ timeout: 5_000 });
      const marks = viewer.locator(tid('viewer-mark'));
      await marks.nth(1).waitFor({ state: 'attached', timeout: 5_000 });
      const centres = await marks.evaluateAll((cs) =>
        cs.map((c) => [c.getAttribute('cx'), c.getAttribute('cy')]),
      );
      // FITS rows count from the bottom, the preview's from the top: y 20 of 64 rows is row 43.
      assert.deepEqual(centres, [
        ['10', '43'],
        ['40', '30'],
      ]);
      const image = await viewer.locator(tid('viewer-image')).boundingBox();
      const overlay = await viewer.locator(tid('viewer-overlay')).boundingBox();
      assert.ok(image !== null && overlay !== null);
      assert.ok(image.width >= 500, `shown large: ${image.width} px`);
      for (const k of ['x', 'y', 'width', 'height'] as const)
        assert.ok(Math.abs(image[k] - overlay[k]) < 1, `overlay ${k}`);
      assert.equal(await viewer.locator(tid('viewer-source')).count(), 2);
      assert.equal(await text(page, 'viewer-analysis-line'), 'background 1049.5, noise 8.70, 2 sources');
      assert.match(await text(page, 'viewer-caption'), /^M45 image 12, observation 7: R, 60 s, 19:56:00 UTC/);
      await screenshot(page, 'image viewer');
      await page.locator(tid('viewer-close')).click();
      await page.locator(`${tid('image-viewer')}:not([open])`).waitFor({ state: 'attached', timeout: 5_000 });
    });
  });

  it('logs in from the link the dashboard logs (?token=), and takes the token out of the address', async (t) => {
    await onPage(
      t,
      async (page) => {
        await page.locator(`${tid('session-state')}[data-logged-in="true"]`).waitFor({ timeout: 5_000 });
        assert.equal(new URL(page.url()).search, '?panel=now');
        assert.ok(!page.url().includes(TOKEN));
        // The session acts.
        await page.locator(tid('majordome-pause')).click();
        await page.locator(`${tid('action-status')}[data-kind="ok"]`).waitFor({ timeout: 5_000 });
        assert.equal(world.peer('majordome').all('Pause').length >= 1, true);
        await page.locator(tid('majordome-resume')).click();
        await page
          .locator(`${tid('action-status')}[data-kind="ok"][data-action="resume majordome"]`)
          .waitFor({ timeout: 5_000 });
      },
      `/?token=${TOKEN}&panel=now`,
    );
  });
});
