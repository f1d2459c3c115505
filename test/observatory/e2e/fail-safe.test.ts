// The night's fail-safes on one host: dawn, a plan that runs out, a weather station that goes
// stale, and a monitoring agent that stops. Each is judged by what the agents say: the
// majordome's night state and why, the observation manager's devices and interlock.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { Msg } from '../../../src/observatory/messages.js';
import { ObservatoryHost } from './observatory-host.js';

const OM = 'observation_manager';

describe('the night fails safe', { timeout: 180_000 }, () => {
  let host: ObservatoryHost | undefined;
  afterEach(async () => {
    await host?.stop();
    host?.dispose();
    host = undefined;
  });

  /** Waits until the dome is closed and the telescope parked, and nothing is observed. */
  async function parked(h: ObservatoryHost, what: string) {
    return h.until(
      async () => {
        const d = await h.ask(OM, Msg.DEVICES);
        return d.dome === 'closed' && d.telescope.status === 'parked' && d.observing === null && d;
      },
      20_000,
      `closed and parked (${what})`,
    );
  }

  it('dawn: the Sun above the limit stops, parks and closes; the state is "day"', async () => {
    host = await ObservatoryHost.create();
    const h = host;
    // 04:35 UTC: the dark time ends at 05:37 at Calern on this night (an hour of it, 12 real s at
    // 300x, leaves room for a slow start under load and the first block).
    await h.start('2026-11-30T04:35:00Z', 300);
    await h.until(
      async () => (await h.ask(OM, Msg.DEVICES)).observing !== null,
      20_000,
      'observing before dawn',
    );
    const state = await h.until(
      async () => {
        const e = await h.ask('majordome', Msg.EXECUTION);
        return e.state === 'day' && e;
      },
      30_000,
      'the state "day"',
    );
    assert.equal(state.why, 'the night is over: the Sun is above the limit (-12°)');
    assert.equal(state.cause, 'dawn');
    const devices = await parked(h, 'at dawn');
    assert.equal(devices.safety.safe, false);
    assert.match(devices.safety.reason, /^daylight/);
  });

  it('a plan that runs out: parks and closes after the last block, and says why', async () => {
    host = await ObservatoryHost.create('', { routineRequests: 'one.json' });
    const h = host;
    const requests = join(h.dir, 'one.json');
    writeFileSync(
      requests,
      JSON.stringify({
        requests: [
          {
            id: 'm31',
            targetName: 'M31',
            target: { raDeg: 10.6847, decDeg: 41.2688 },
            priority: 5,
            exposures: [{ filter: 'R', exposureS: 30, count: 2 }],
          },
        ],
      }),
    );
    await h.start('2026-11-29T19:00:00Z', 600);
    await h.until(
      async () =>
        (await h.ask(OM, Msg.OBSERVATIONS, { limit: 5 })).observations.some((o) => o.state === 'done'),
      20_000,
      'the one observation done',
    );
    await parked(h, 'after the last block');
    const state = await h.ask('majordome', Msg.EXECUTION);
    assert.equal(state.state, 'idle');
    assert.equal(state.why, 'nothing left to observe in the plan');
  });

  it('a weather station that goes stale closes (its readings too old), and the night goes on once it answers again', async () => {
    host = await ObservatoryHost.create(
      '[monitoring]\npoll_s = 30\nmax_reading_age_s = 120\ngood_after_s = 300\n',
      {
        observatory: 'weather = weather.json',
      },
    );
    const h = host;
    writeFileSync(
      join(h.dir, 'weather.json'),
      JSON.stringify({
        start: '2026-11-29T17:10:00Z',
        segments: [
          // An hour after the start: the host's start under load (real seconds: simulated minutes
          // at 600x) comes first.
          { at: '+60m', station: 'frozen' },
          { at: '+80m', station: 'failed' },
          { at: '+90m', station: 'ok' },
        ],
      }),
    );
    await h.start('2026-11-29T17:10:00Z', 600);
    const stale = await h.until(
      async () => {
        const e = await h.ask('majordome', Msg.EXECUTION);
        return e.state === 'closed' && /^weather reading \d+ s old \(limit 120 s\)$/.test(e.why) && e;
      },
      30_000,
      'closed for a stale reading',
    );
    assert.equal(stale.safe, false);
    await parked(h, 'stale weather');
    await h.until(
      async () => /^weather station failed: /.test((await h.ask('majordome', Msg.EXECUTION)).why),
      20_000,
      'closed for a failed station',
    );
    await h.until(
      async () => (await h.ask('majordome', Msg.EXECUTION)).state === 'observing',
      30_000,
      'observing again',
    );
  });

  it('monitoring stopped, the majordome too: the verdict expires and the observation manager closes and parks by itself', async () => {
    // One long block (10 x 300 s of M31): the observation under way when monitoring goes silent is
    // still under way when its verdict expires, so the interlock is what ends it (the shipped
    // programme's short blocks may end first on their own).
    host = await ObservatoryHost.create(
      '[monitoring]\npoll_s = 30\nverdict_valid_s = 120\n[observation_manager]\nsafety_check_s = 10\n',
      { routineRequests: 'long.json' },
    );
    const h = host;
    writeFileSync(
      join(h.dir, 'long.json'),
      JSON.stringify({
        requests: [
          {
            id: 'm31-long',
            targetName: 'M31',
            target: { raDeg: 10.6847, decDeg: 41.2688 },
            priority: 5,
            exposures: [{ filter: 'R', exposureS: 300, count: 10 }],
          },
        ],
      }),
    );
    await h.start('2026-11-29T19:00:00Z', 600);
    await h.until(async () => (await h.ask(OM, Msg.DEVICES)).observing !== null, 20_000, 'observing');
    // The majordome first, so that what closes is the observation manager's own interlock.
    await h.send('majordome', 'SHUTDOWN');
    await h.send('monitoring', 'SHUTDOWN');
    const devices = await parked(h, 'monitoring silent, majordome gone');
    assert.equal(devices.safety.safe, false);
    assert.match(devices.safety.reason, /^no word from monitoring for \d+ s: its verdict has expired$/);
    const { observations } = await h.ask(OM, Msg.OBSERVATIONS, { limit: 5 });
    assert.match(observations[0]?.reason ?? '', /^unsafe: no word from monitoring/);
  });
});
