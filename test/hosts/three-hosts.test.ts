// The observatory spread over three computers (observatory-network.ts): network namespaces on one
// switch, no shared disk, the Redis task broker on (c). A notice sent to (a)'s VTP port is planned
// on (a), observed on (b), analysed on (c) (the image travels by message, not by path) and shown by
// the dashboard on (c). Then (a) is killed with SIGKILL mid-observation and restarted: nothing
// accepted is lost, nothing is observed twice, the Pause and the weather verdict hold, and the
// simulated clock is the same on every host.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Msg } from '../../src/observatory/messages.js';
import { swiftAlert, zenith } from '../observatory/e2e/alert-samples.js';
import { visitsTwice } from '../observatory/e2e/visits.js';
import { APPS, DASHBOARD_PORT, ObservatoryNetwork, TOKEN, VTP_PORT } from './observatory-network.js';

const CALERN = { lat: 43.7523, lon: 6.9219 };

describe('three hosts, no shared disk', { timeout: 240_000 }, () => {
  let net: ObservatoryNetwork;
  before(async () => {
    net = await ObservatoryNetwork.create({
      start: '2026-11-29T17:10:00Z',
      speed: 120,
      sections: { camera: ['image_size = 128'] },
    });
    await net.startAll();
  });
  after(async () => {
    await net?.destroy();
  });

  const observations = async () =>
    (await net.ops.ask('observation_manager', Msg.OBSERVATIONS, { limit: 1000 })).observations;

  it('a notice sent to (a) is planned on (a), observed on (b), analysed on (c) and shown by the dashboard on (c)', async () => {
    const { ops, addr } = net;
    await net.until(
      async () => {
        const { observing } = await ops.ask('observation_manager', Msg.DEVICES);
        return observing !== null && observing.block.kind === 'routine';
      },
      30_000,
      'a routine block observed on (b)',
    );
    const now = net.simNow('a').now;
    const { ra, dec } = zenith(now, CALERN.lat, CALERN.lon);
    const xml = swiftAlert({ ivorn: 'ivo://test/hosts#GRB-1', triggerId: '910001', ra, dec, time: now });
    assert.equal(await ops.publish(addr.a, VTP_PORT, xml), 'ack');
    const observed = await net.until(
      async () =>
        (await observations()).find(
          (o) => o.requestId.startsWith('alert-swift-910001') && o.state === 'done',
        ),
      60_000,
      'the alert observed on (b)',
    );
    const { images } = await ops.ask('observation_manager', Msg.IMAGES, { limit: 100 });
    const mine = images.filter((i) => i.observationId === observed.id).map((i) => i.id);
    assert.ok(mine.length > 0);
    await net.until(
      async () => {
        const { analyses } = await ops.ask('analyzer', Msg.ANALYSES, { imageIds: mine });
        return (
          analyses.length === mine.length && analyses.every((a) => a.state === 'done' && a.analysis !== null)
        );
      },
      60_000,
      "the alert's images analysed on (c)",
    );
    // The image files are on (b) only.
    assert.ok(existsSync(join(net.dirs.b, 'data', 'observation_manager', 'images')));
    assert.equal(existsSync(join(net.dirs.c, 'data', 'observation_manager')), false);
    const page = await ops.http(`http://${addr.c}:${DASHBOARD_PORT}/api/images?limit=50`, TOKEN);
    assert.equal(page.status, 200);
    const shown = (page.body as Array<{ id: number; analysisState: string | null }>).filter((i) =>
      mine.includes(i.id),
    );
    assert.equal(shown.length, mine.length, 'the dashboard on (c) shows the images of (b)');
    assert.ok(shown.every((i) => i.analysisState === 'done'));
    const alerts = await ops.http(`http://${addr.c}:${DASHBOARD_PORT}/api/alerts`, TOKEN);
    const alert = (alerts.body as Array<{ ivorn: string; requestState: string }>).find(
      (x) => x.ivorn === 'ivo://test/hosts#GRB-1',
    );
    assert.equal(alert?.requestState, 'done');
  });

  it('(a) killed mid-observation and restarted: nothing lost or done twice, the Pause and the verdict hold, one clock', async () => {
    const { ops } = net;
    const running = await net.until(
      async () => (await ops.ask('observation_manager', Msg.DEVICES)).observing ?? undefined,
      30_000,
      'an observation running on (b)',
    );
    await ops.ask('majordome', Msg.PAUSE, { reason: 'three-host test' });
    const { alerts: alertsBefore } = await ops.ask('alert_manager', Msg.ALERTS, { limit: 100 });
    await net.kill('a');
    // (b) goes on with its observation meanwhile: it needs no one to finish it.
    const ended = await net.until(
      async () => (await observations()).find((o) => o.id === running.observationId && o.state !== 'running'),
      60_000,
      'the running observation ended on (b)',
    );
    net.startHost('a', 'resume');
    await net.up(APPS.a);
    // One clock: every host has the same start, speed and anchor, so the same time.
    assert.equal(net.simNow('a').clock, net.simNow('b').clock);
    assert.equal(net.simNow('a').clock, net.simNow('c').clock);
    const execution = await ops.ask('majordome', Msg.EXECUTION);
    assert.equal(execution.state, 'paused', JSON.stringify(execution));
    assert.equal(execution.paused?.reason, 'three-host test');
    const weather = await ops.ask('monitoring', Msg.WEATHER);
    assert.equal(execution.safe, weather.verdict.safe, "the majordome holds monitoring's verdict");
    // Nothing accepted is lost: every alert is still there, and its request at the scheduler.
    const { alerts } = await ops.ask('alert_manager', Msg.ALERTS, { limit: 100 });
    assert.deepEqual(alerts.map((a) => a.ivorn).sort(), alertsBefore.map((a) => a.ivorn).sort());
    const ids = alerts.flatMap((a) => (a.requestId === null ? [] : [a.requestId]));
    assert.equal((await ops.ask('scheduler', Msg.REQUESTS, { ids })).requests.length, ids.length);
    // The end of the observation, while (a) was down, reached the scheduler afterwards: the outbox on (b) kept it.
    await net.until(
      async () => {
        const r = (await ops.ask('scheduler', Msg.REQUESTS, { ids: [running.block.requestId] })).requests[0];
        return r !== undefined && r.state !== 'observing' && r;
      },
      20_000,
      `request ${running.block.requestId} no longer observing at the scheduler (observation ${ended.state})`,
    );
    const count = (await observations()).length;
    await ops.ask('majordome', Msg.RESUME);
    await net.until(
      async () => (await observations()).length > count,
      30_000,
      'observing again after Resume',
    );
    // Nothing observed twice: each request done at most once, or once per cadence for a recurring one.
    const all = await observations();
    const observed = [...new Set(all.map((o) => o.requestId))];
    const { requests } = await ops.ask('scheduler', Msg.REQUESTS, { ids: observed, limit: 1000 });
    const cadence = new Map(requests.map((r) => [r.id, r.cadenceS]));
    assert.deepEqual(
      visitsTwice(all, (id) => cadence.get(id)),
      [],
    );
  });
});
