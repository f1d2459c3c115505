import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { readFits } from '../../../src/observatory/images/fits-reader.js';
import { waitFor } from '../../helpers.js';
import { swiftAlert, TEST_NOTICE, zenith } from './alert-samples.js';
import { ObservatoryHost } from './observatory-host.js';
import { publishVoEvent } from './vtp-publish.js';

const START = '2026-11-29T17:10:00Z';
const SPEED = 600;
const CALERN = { lat: 43.7523, lon: 6.9219 };

interface Observation {
  id: number;
  request_id: string;
  target_name: string;
  started_at: number;
  ended_at: number | null;
  state: string;
  reason: string | null;
}

describe('a simulated night, end to end (host, agents, devices, tasks)', { timeout: 120_000 }, () => {
  let host: ObservatoryHost;
  before(async () => {
    host = await ObservatoryHost.create();
    await host.start(START, SPEED);
  });
  after(async () => {
    await host.stop();
    host.dispose();
  });

  it('observes the routine requests in plan order', async () => {
    await host.waitForLog(/observation 2 of .* finished/, 30_000, 'observation_manager');
    const done = host.query<Observation>("SELECT * FROM observations WHERE state = 'done' ORDER BY id");
    assert.ok(done.length >= 2);
    const requests = host.query<{ kind: string }>(
      'SELECT kind FROM requests WHERE id IN (SELECT request_id FROM observations)',
    );
    assert.ok(requests.every((r) => r.kind === 'routine'));
  });

  it('an injected Swift BAT alert preempts the running routine block and is observed first', async () => {
    // Wait for a routine block to be running, then publish an alert at the zenith, over VTP.
    const before = host.lines.length;
    const started = await waitForNew(host, before, /^started /, 'majordome');
    assert.doesNotMatch(started.msg, /GRB/);
    const now = simNow(host);
    const { ra, dec } = zenith(now, CALERN.lat, CALERN.lon);
    const answer = await publishVoEvent(
      host.vtpPort,
      swiftAlert({ ivorn: 'ivo://test/e2e#GRB-1', triggerId: '900001', ra, dec, time: now }),
    );
    assert.equal(answer, 'ack', host.tail(20));
    await host.waitForLog(/preempting .* for alert/, 20_000, 'majordome');
    const finished = await host.waitForLog(
      /observation \d+ of GRB 120907 finished/,
      30_000,
      'observation_manager',
    );
    assert.ok(finished);
    const obs = host.query<Observation>('SELECT * FROM observations ORDER BY id');
    const alertObs = obs.find((o) => o.request_id.startsWith('alert-swift-900001'));
    assert.ok(alertObs !== undefined, 'the alert was observed');
    const preempted = obs.find((o) => o.state === 'aborted' && /preempted by alert/.test(o.reason ?? ''));
    assert.ok(preempted !== undefined, `a routine observation was preempted: ${JSON.stringify(obs)}`);
    assert.equal(alertObs.id, preempted.id + 1, 'the alert ran right after the preempted block');
  });

  it('writes valid FITS images with the right header, and stores their analysis', async () => {
    const images = host.query<{
      id: number;
      path: string;
      object: string;
      filter: string;
      exposure_s: number;
      date_obs: number;
      ra_deg: number;
      dec_deg: number;
    }>('SELECT * FROM images ORDER BY id');
    assert.ok(images.length >= 5, `${images.length} images`);
    for (const image of [images[0], images[images.length - 1]]) {
      if (image === undefined) continue;
      const verify = spawnSync('fitsverify', ['-q', image.path], { encoding: 'utf8' });
      assert.equal(verify.error, undefined, 'fitsverify must be installed (apt-get install fitsverify)');
      assert.match(verify.stdout, /verification OK/, verify.stdout);
      const fits = await readFits(image.path);
      assert.equal(fits.header.OBJECT, image.object);
      assert.equal(fits.header.FILTER, image.filter);
      assert.equal(fits.header.EXPTIME, image.exposure_s);
      assert.equal(Date.parse(`${String(fits.header['DATE-OBS'])}Z`), image.date_obs);
      assert.ok(Math.abs(Number(fits.header.RA) - image.ra_deg) < 1e-6);
      assert.ok(Math.abs(Number(fits.header.DEC) - image.dec_deg) < 1e-6);
      assert.equal(typeof fits.header.TELESCOP, 'string');
    }
    await waitFor(
      () => {
        const [row] = host.query<{ n: number; analyzed: number }>(
          'SELECT COUNT(*) AS n, COUNT(analysis) AS analyzed FROM images WHERE id <= ?',
          images.length,
        );
        return row !== undefined && row.analyzed === row.n;
      },
      30_000,
      'every image analysed',
    );
    const [first] = host.query<{ analysis: string }>(
      'SELECT analysis FROM images WHERE id = ?',
      images[0]?.id,
    );
    const analysis = JSON.parse(first?.analysis ?? '{}') as {
      background: number;
      noise: number;
      sourceCount: number;
    };
    assert.ok(
      analysis.background > 0 && analysis.noise > 0 && analysis.sourceCount >= 0,
      JSON.stringify(analysis),
    );
  });

  it('records a test notice without observing it, and a retraction cancels a pending alert', async () => {
    assert.equal(await publishVoEvent(host.vtpPort, TEST_NOTICE), 'ack');
    const [test] = host.query<{ outcome: string; request_id: string | null }>(
      "SELECT outcome, request_id FROM alerts WHERE role = 'test'",
    );
    assert.deepEqual(test, { outcome: 'test', request_id: null });
    // An alert far in the south never rises here: it stays pending until its retraction.
    const now = simNow(host);
    const south = swiftAlert({
      ivorn: 'ivo://test/e2e#GRB-2',
      triggerId: '900002',
      ra: 100,
      dec: -70,
      time: now,
    });
    assert.equal(await publishVoEvent(host.vtpPort, south), 'ack');
    const retraction = swiftAlert({
      ivorn: 'ivo://test/e2e#GRB-2-retracted',
      triggerId: '900002',
      ra: 100,
      dec: -70,
      time: now,
      cites: { ivorn: 'ivo://test/e2e#GRB-2', kind: 'retraction' },
    });
    assert.equal(await publishVoEvent(host.vtpPort, retraction), 'ack');
    const [request] = host.query<{ state: string; reason: string }>(
      "SELECT state, reason FROM requests WHERE alert_ivorn = 'ivo://test/e2e#GRB-2'",
    );
    assert.equal(request?.state, 'cancelled');
    assert.match(request?.reason ?? '', /retracted by ivo:\/\/test\/e2e#GRB-2-retracted/);
    const observed = host.query('SELECT 1 FROM observations WHERE request_id LIKE ?', 'alert-swift-900002%');
    assert.equal(observed.length, 0);
  });
});

/** The simulated time now, from the saved clock (the host saves it every 500 ms) and the speed. */
function simNow(host: ObservatoryHost): number {
  const [row] = host.query<{ value: string }>("SELECT value FROM settings WHERE key = 'clock.simulated'");
  const saved = JSON.parse(row?.value ?? '{}') as { now: number };
  return saved.now;
}

async function waitForNew(host: ObservatoryHost, from: number, pattern: RegExp, agent: string) {
  const until = Date.now() + 30_000;
  for (;;) {
    const line = host.lines.slice(from).find((l) => l.agent === agent && pattern.test(l.msg));
    if (line !== undefined) return line;
    if (Date.now() > until) throw new Error(`no new ${pattern}: ${host.tail(10)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
