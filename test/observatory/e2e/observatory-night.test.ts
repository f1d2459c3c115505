// A whole simulated night on one host: everything the test knows it asked of the agents that own
// it (observations and images of the observation manager, requests of the scheduler, alerts of the
// alert manager, analyses of the analyzer), as any peer would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { readFits } from '../../../src/observatory/images/fits-reader.js';
import { Msg } from '../../../src/observatory/messages.js';
import { swiftAlert, TEST_NOTICE, zenith } from './alert-samples.js';
import { ObservatoryHost } from './observatory-host.js';
import { publishVoEvent } from './vtp-publish.js';

const START = '2026-11-29T17:10:00Z';
const SPEED = 600;
const CALERN = { lat: 43.7523, lon: 6.9219 };
const OM = 'observation_manager';

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

  const observations = async () => (await host.ask(OM, Msg.OBSERVATIONS, { limit: 1000 })).observations;

  it('observes the routine requests in plan order', async () => {
    const done = await host.until(
      async () => {
        const d = (await observations()).filter((o) => o.state === 'done');
        return d.length >= 2 && d;
      },
      30_000,
      'two observations done',
    );
    const { requests } = await host.ask('scheduler', Msg.REQUESTS, { ids: done.map((o) => o.requestId) });
    assert.equal(requests.length, done.length);
    // Done; or, for a request with a cadence, open again for its next visit.
    const visited = (r: (typeof requests)[number]) =>
      r.cadenceS === undefined ? r.state === 'done' : ['pending', 'scheduled', 'observing'].includes(r.state);
    assert.ok(
      requests.every((r) => r.kind === 'routine' && visited(r)),
      JSON.stringify(requests),
    );
  });

  it('an injected Swift BAT alert preempts the running routine block and is observed first', async () => {
    const routine = await host.until(
      async () => {
        const { observing } = await host.ask(OM, Msg.DEVICES);
        // With ten observatory minutes left (a real second): the alert comes before its end.
        const long = observing !== null && observing.block.end - host.simNow() > 600_000;
        return observing !== null && observing.block.kind === 'routine' && long && observing;
      },
      30_000,
      'a routine block running with ten minutes left',
    );
    const now = host.simNow();
    const { ra, dec } = zenith(now, CALERN.lat, CALERN.lon);
    const answer = await publishVoEvent(
      host.vtpPort,
      swiftAlert({ ivorn: 'ivo://test/e2e#GRB-1', triggerId: '900001', ra, dec, time: now }),
    );
    assert.equal(answer, 'ack', host.tail(20));
    const alertObs = await host.until(
      async () =>
        (await observations()).find(
          (o) => o.requestId.startsWith('alert-swift-900001') && o.state === 'done',
        ),
      30_000,
      'the alert observed',
    );
    const preempted = (await observations()).find((o) => o.id === routine.observationId);
    assert.equal(preempted?.state, 'aborted');
    assert.match(preempted?.reason ?? '', /preempted by alert/);
    assert.equal(alertObs.id, routine.observationId + 1, 'the alert ran right after the preempted block');
    const { requests } = await host.ask('scheduler', Msg.REQUESTS, {
      ids: [alertObs.requestId, routine.block.requestId],
    });
    const byId = new Map(requests.map((r) => [r.id, r.state]));
    assert.equal(byId.get(alertObs.requestId), 'done');
    assert.ok(
      ['pending', 'scheduled', 'observing', 'done'].includes(byId.get(routine.block.requestId) ?? ''),
      'the preempted request is planned again',
    );
  });

  it('writes valid FITS images with the right header, and the analyzer has their analysis', async () => {
    const { images } = await host.ask(OM, Msg.IMAGES, { limit: 500 });
    assert.ok(images.length >= 5, `${images.length} images`);
    for (const image of [images[0], images[images.length - 1]]) {
      if (image === undefined) continue;
      // The test reads the observation manager's files as an operator at its computer would.
      const verify = spawnSync('fitsverify', ['-q', image.path], { encoding: 'utf8' });
      assert.equal(verify.error, undefined, 'fitsverify must be installed (apt-get install fitsverify)');
      assert.match(verify.stdout, /verification OK/, verify.stdout);
      const fits = await readFits(image.path);
      assert.equal(fits.header.OBJECT, image.object);
      assert.equal(fits.header.FILTER, image.filter);
      assert.equal(fits.header.EXPTIME, image.exposureS);
      assert.equal(Date.parse(`${String(fits.header['DATE-OBS'])}Z`), image.dateObs);
      assert.ok(Math.abs(Number(fits.header.RA) - image.target.raDeg) < 1e-6);
      assert.ok(Math.abs(Number(fits.header.DEC) - image.target.decDeg) < 1e-6);
      assert.equal(typeof fits.header.TELESCOP, 'string');
    }
    const imageIds = images.map((i) => i.id);
    const analyses = await host.until(
      async () => {
        const { analyses } = await host.ask('analyzer', Msg.ANALYSES, { imageIds });
        return analyses.length === imageIds.length && analyses.every((a) => a.state === 'done') && analyses;
      },
      30_000,
      'every image analysed',
    );
    const first = analyses[0]?.analysis;
    assert.ok(
      first !== null && first !== undefined && first.background > 0 && first.noise > 0,
      JSON.stringify(first),
    );
  });

  it('records a test notice without observing it, and a retraction cancels a pending alert', async () => {
    assert.equal(await publishVoEvent(host.vtpPort, TEST_NOTICE), 'ack');
    const { alerts } = await host.ask('alert_manager', Msg.ALERTS, { limit: 50 });
    const test = alerts.find((a) => a.role === 'test');
    assert.equal(test?.outcome, 'test');
    assert.equal(test?.requestId, null);
    // An alert far in the south never rises here: it stays pending until its retraction.
    const now = host.simNow();
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
    const request = await host.until(
      async () => {
        const { requests } = await host.ask('scheduler', Msg.REQUESTS, { ids: ['alert-swift-900002'] });
        return requests[0]?.state === 'cancelled' && requests[0];
      },
      10_000,
      'the retracted alert cancelled',
    );
    assert.match(request.reason ?? '', /retracted by ivo:\/\/test\/e2e#GRB-2-retracted/);
    assert.equal(
      (await observations()).filter((o) => o.requestId.startsWith('alert-swift-900002')).length,
      0,
    );
  });
});
