// A host killed with SIGKILL mid-night and started again with `--sim-start resume`: nothing it
// accepted is lost, nothing is observed twice, and what was unsafe or paused before the kill is
// still unsafe or paused after it. Every check asks the agents.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { Msg } from '../../../src/observatory/messages.js';
import { swiftAlert } from './alert-samples.js';
import { ObservatoryHost } from './observatory-host.js';
import { visitsTwice } from './visits.js';
import { publishVoEvent } from './vtp-publish.js';

const START = Date.parse('2026-11-29T17:10:00Z');
const MIN = 60_000;
const OM = 'observation_manager';

describe('a host killed and restarted', { timeout: 180_000 }, () => {
  let host: ObservatoryHost | undefined;
  afterEach(async () => {
    await host?.stop();
    host?.dispose();
    host = undefined;
  });

  const observations = async (h: ObservatoryHost) =>
    (await h.ask(OM, Msg.OBSERVATIONS, { limit: 1000 })).observations;

  it('loses no accepted alert, observes nothing twice, and goes on where it stopped', async () => {
    host = await ObservatoryHost.create();
    const h = host;
    await h.start(new Date(START).toISOString(), 600);
    await h.until(
      async () => (await observations(h)).filter((o) => o.state === 'done').length >= 2,
      30_000,
      'two done',
    );
    // An alert that cannot be observed yet (its target rises later): accepted, and pending.
    const alert = swiftAlert({
      ivorn: 'ivo://test/resume#GRB-3',
      triggerId: '900003',
      ra: 83.6,
      dec: 22.0,
      time: h.simNow(),
    });
    assert.equal(await publishVoEvent(h.vtpPort, alert), 'ack');
    await h.until(
      async () => (await h.ask(OM, Msg.DEVICES)).observing !== null,
      10_000,
      'an observation running',
    );
    const before = await observations(h);
    const killedAt = h.simNow();
    assert.equal(await h.stop('SIGKILL'), null);

    await h.start('resume', 600);
    const { alerts } = await h.ask('alert_manager', Msg.ALERTS, { limit: 10 });
    assert.equal(alerts.find((a) => a.ivorn === 'ivo://test/resume#GRB-3')?.outcome, 'accepted');
    const request = await h.until(
      async () => (await h.ask('scheduler', Msg.REQUESTS, { ids: ['alert-swift-900003'] })).requests[0],
      10_000,
      "the alert's request at the scheduler",
    );
    assert.ok(['pending', 'scheduled', 'observing', 'done'].includes(request.state), request.state);
    // What was running when the host was killed ended as aborted, and its request is planned again.
    const wasRunning = before.filter((o) => o.state === 'running');
    const after = await h.until(
      async () => {
        const all = await observations(h);
        return (
          all.some((o) => o.id > (before[0]?.id ?? 0) && o.startedAt >= killedAt && o.state === 'done') && all
        );
      },
      30_000,
      'an observation done after the restart',
    );
    for (const o of wasRunning) assert.equal(after.find((x) => x.id === o.id)?.state, 'aborted');
    assert.equal(after.filter((o) => o.state === 'running' && o.id <= (before.at(-1)?.id ?? 0)).length, 0);
    // Nothing observed twice: each request done at most once, or once per cadence for a recurring one.
    const ids = [...new Set(after.map((o) => o.requestId))];
    const { requests } = await h.ask('scheduler', Msg.REQUESTS, { ids, limit: 1000 });
    const cadence = new Map(requests.map((r) => [r.id, r.cadenceS]));
    assert.deepEqual(
      visitsTwice(after, (id) => cadence.get(id)),
      [],
    );
  });

  it('a restart in the wind does not open: closed until the wind has dropped for good_after_s', async () => {
    host = await ObservatoryHost.create('[monitoring]\npoll_s = 30\ngood_after_s = 600\n', {
      observatory: 'weather = weather.json',
    });
    const h = host;
    writeFileSync(
      join(h.dir, 'weather.json'),
      JSON.stringify({
        start: new Date(START).toISOString(),
        segments: [
          { at: '+20m', sky: 'wind' },
          { at: '+140m', sky: 'clear' },
        ],
      }),
    );
    await h.start(new Date(START).toISOString(), 600);
    // Closed for the wind itself (a start closes too, before the first verdict): then killed in it.
    await h.until(
      async () => {
        const e = await h.ask('majordome', Msg.EXECUTION);
        return e.state === 'closed' && /wind/.test(e.why);
      },
      30_000,
      'closed for the wind',
    );
    assert.equal(await h.stop('SIGKILL'), null);
    await h.start('resume', 600);
    // Right after the restart, in the wind: closed, parked, nothing started.
    const state = await h.ask('majordome', Msg.EXECUTION);
    assert.equal(state.state, 'closed', JSON.stringify(state));
    assert.match(state.why, /wind|monitoring/);
    const devices = await h.ask(OM, Msg.DEVICES);
    assert.equal(devices.dome, 'closed');
    await h.until(
      async () => (await h.ask('majordome', Msg.EXECUTION)).state === 'observing',
      40_000,
      'observing again after the wind',
    );
    const windEnd = START + 140 * MIN;
    // Monitoring reads the station every 30 s: the wind is known at most one reading after it starts.
    const started = (await observations(h)).filter((o) => o.startedAt > START + 20 * MIN + 30_000);
    assert.ok(
      started.every((o) => o.startedAt >= windEnd + 10 * MIN - 60_000),
      `nothing started in the wind, nor before it had dropped for 600 s: ${started.map((o) => new Date(o.startedAt).toISOString()).join(', ')}`,
    );
  });

  it('a restart while paused does not observe until Resume', async () => {
    host = await ObservatoryHost.create();
    const h = host;
    await h.start(new Date(START).toISOString(), 600);
    await h.until(async () => (await observations(h)).length >= 1, 30_000, 'an observation');
    const paused = await h.ask('majordome', Msg.PAUSE, { reason: 'checking the mirror' });
    assert.equal(paused.paused?.reason, 'checking the mirror');
    await h.until(
      async () => (await h.ask(OM, Msg.DEVICES)).observing === null,
      30_000,
      'the running block ended',
    );
    const count = (await observations(h)).length;
    assert.equal(await h.stop('SIGKILL'), null);
    await h.start('resume', 600);
    // Paused from the start (until monitoring answers, the state says closed: no verdict yet).
    assert.equal((await h.ask('majordome', Msg.EXECUTION)).paused?.reason, 'checking the mirror');
    await h.until(
      async () => (await h.ask('majordome', Msg.EXECUTION)).state === 'paused',
      10_000,
      'paused, and safe',
    );
    const later = h.simNow() + 20 * MIN;
    await h.until(() => h.simNow() > later, 10_000, 'twenty simulated minutes');
    assert.equal((await observations(h)).length, count, 'nothing started while paused');
    await h.ask('majordome', Msg.RESUME);
    await h.until(async () => (await observations(h)).length > count, 30_000, 'an observation after Resume');
  });
});
