// The majordome, started for real on a simulated clock (600x: an observatory minute is 100 real
// ms), with the observation manager and monitoring played by scripted peers in their own threads.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { MajordomeAgent } from '../../../src/observatory/agents/majordome-agent.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { Msg } from '../../../src/observatory/messages.js';
import type { WeatherVerdict } from '../../../src/observatory/safety/weather-verdict.js';
import type { PlannedBlock } from '../../../src/observatory/scheduler/request.js';
import { Sender } from '../../../src/sender/sender.js';
import { waitFor } from '../../helpers.js';
import { observatoryConfig, type TempObservatory, tempObservatory } from '../observatory-fixture.js';
import { type Peer, startPeer } from './peers.js';

const T = Date.parse('2026-11-29T20:00:00Z');
const MIN = 60_000;

function block(id: string, start: number, over: Partial<PlannedBlock> = {}): PlannedBlock {
  return {
    id,
    requestId: id,
    kind: 'routine',
    targetName: id,
    target: { raDeg: 10, decDeg: 40 },
    priority: 5,
    start,
    end: start + 10 * MIN,
    altitudeDeg: 60,
    airmass: 1.15,
    exposures: [{ filter: 'R', exposureS: 60, count: 1 }],
    ...over,
  };
}

/** Monitoring's answer when the test does not say: safe for ten observatory hours. */
const good = (clock: SimClock) => verdict(clock, true, 36_000);

function verdict(
  clock: SimClock,
  safe: boolean,
  validS = 3600,
  reason = safe ? 'within limits' : 'wind 18.0 m/s > 15',
): WeatherVerdict {
  const now = clock.now();
  return { safe, reason, time: now, validUntil: now + validS * 1000, since: now, reading: null };
}

/** The observation manager's script: observation ids counting up, every call answered. */
const OM_SCRIPT = {
  'Start observation': 'state.n = (state.n ?? 0) + 1; return { observationId: state.n };',
  'Abort observation': 'return { aborted: state.n ?? null };',
  'Close dome': "return { aborted: null, dome: 'closed', telescope: 'parked' };",
  Devices: 'return state.devices;',
};

describe('MajordomeAgent', () => {
  let obs: TempObservatory | undefined;
  let agents: MajordomeAgent[] = [];
  let peers: Peer[] = [];
  afterEach(async () => {
    for (const a of agents) {
      a.requestShutdown('test done');
      await a.stopped;
    }
    await Promise.all(peers.map((p) => p.stop()));
    agents = [];
    peers = [];
    obs?.dispose();
    obs = undefined;
  });

  /** The majordome's world: a temp observatory at T (600x, `ini` appended), the two peers, the config. */
  async function world(
    ini = '',
    monitoring: ((clock: SimClock) => WeatherVerdict) | 'silent' = good,
    start = T,
  ) {
    const clock = new SimClock(start, 600);
    obs = tempObservatory(ini, clock);
    await observatoryConfig(obs, ['majordome', 'observation_manager', 'monitoring', 'scheduler']);
    const om = await startPeer('observation_manager', OM_SCRIPT);
    peers.push(om);
    peers.push(await startPeer('scheduler', { Plan: 'return { version: 0, madeAt: 0, blocks: [] };' }));
    if (monitoring !== 'silent') {
      const mon = await startPeer('monitoring', {
        Weather: `return { reading: null, verdict: ${JSON.stringify(monitoring(clock))}, limits: { maxWindMps: 15, maxCloudPct: 80, maxHumidityPct: 90, maxReadingAgeS: 300 } };`,
      });
      peers.push(mon);
    }
    return { om, clock, ctx: obs.ctx };
  }

  async function start(): Promise<MajordomeAgent> {
    const m = new MajordomeAgent(obs?.ctx);
    agents.push(m);
    await m.start();
    return m;
  }

  const plan = (blocks: PlannedBlock[], version = 1, madeAt = T) =>
    Sender.request('majordome', Msg.PLAN_UPDATED, { version, madeAt, blocks });

  it('starts the block that is due, and the next one when its time comes', async () => {
    const { om, clock } = await world();
    await start();
    const t = clock.now();
    await plan([block('a', t - 1000), block('b', t + 2 * MIN)]);
    const first = await om.waitFor('Start observation');
    assert.equal((first.payload as { block: PlannedBlock }).block.id, 'a');
    await Sender.request('majordome', Msg.OBS_FINISHED, {
      observationId: 1,
      requestId: 'a',
      blockId: 'a',
      time: clock.now(),
      images: 1,
    });
    const second = await om.waitFor('Start observation', 2);
    assert.equal((second.payload as { block: PlannedBlock }).block.id, 'b');
    assert.ok(clock.now() >= t + 2 * MIN - 60_000, 'b started when its slew had to start, not before');
    const state = await Sender.request('majordome', Msg.EXECUTION, undefined);
    assert.equal(state.state, 'observing');
    assert.equal(state.running?.blockId, 'b');
  });

  it('with no word from monitoring, starts nothing and closes the dome', async () => {
    const { om, clock } = await world('', 'silent');
    await start();
    await plan([block('a', clock.now() - 1000)]);
    const close = await om.waitFor('Close dome');
    assert.deepEqual(close.payload, { reason: 'no weather verdict from monitoring', park: true });
    assert.equal(om.all('Start observation').length, 0);
    const state = await Sender.request('majordome', Msg.EXECUTION, undefined);
    assert.equal(state.state, 'closed');
    assert.equal(state.safe, false);
  });

  it('a verdict that expires (monitoring silent) stops the observation, closes and parks', async () => {
    const { om, clock } = await world('', 'silent');
    await start();
    await plan([block('a', clock.now() - 1000)]);
    await Sender.request('majordome', Msg.WEATHER_VERDICT, verdict(clock, true, 120));
    await om.waitFor('Start observation');
    // 120 observatory seconds: 200 real ms, then the verdict has expired.
    const abort = await om.waitFor('Abort observation');
    assert.match((abort.payload as { reason: string }).reason, /^unsafe: no word from monitoring for \d+ s/);
    const close = await om.waitFor('Close dome');
    assert.equal((close.payload as { park: boolean }).park, true);
  });

  it('wind (an unsafe verdict) stops and closes, keeps closed, and a safe verdict resumes', async () => {
    const { om, clock } = await world();
    await start();
    const t = clock.now();
    await plan([block('a', t - 1000, { end: t + 60 * MIN }), block('b', t + 30 * MIN)]);
    await om.waitFor('Start observation');
    await Sender.request('majordome', Msg.WEATHER_VERDICT, verdict(clock, false));
    await om.waitFor('Abort observation');
    await om.waitFor('Close dome');
    // More unsafe verdicts: it stays closed and starts nothing.
    await Sender.request('majordome', Msg.WEATHER_VERDICT, verdict(clock, false));
    await Sender.request('majordome', Msg.PLAN_UPDATED, {
      version: 2,
      madeAt: clock.now(),
      blocks: [block('a2', clock.now())],
    });
    assert.equal(om.all('Start observation').length, 1);
    assert.equal((await Sender.request('majordome', Msg.EXECUTION, undefined)).why, 'wind 18.0 m/s > 15');
    await Sender.request('majordome', Msg.WEATHER_VERDICT, verdict(clock, true));
    const again = await om.waitFor('Start observation', 2);
    assert.equal((again.payload as { block: PlannedBlock }).block.id, 'a2');
  });

  it('a restart in bad weather asks monitoring first, and does not open', async () => {
    const { om, clock } = await world('', (c) => verdict(c, false));
    await start();
    await plan([block('a', clock.now() - 1000)]);
    await om.waitFor('Close dome');
    assert.equal(om.all('Start observation').length, 0);
    assert.equal((await Sender.request('majordome', Msg.EXECUTION, undefined)).state, 'closed');
  });

  it('the Pause persists across a restart, until Resume', async () => {
    const { om, clock } = await world();
    const first = await start();
    const paused = await Sender.request('majordome', Msg.PAUSE, { reason: 'checking the focus' });
    assert.equal(paused.paused?.reason, 'checking the focus');
    first.requestShutdown('restart');
    await first.stopped;
    await start();
    await plan([block('a', clock.now() - 1000, { end: clock.now() + 60 * MIN })]);
    const state = await Sender.request('majordome', Msg.EXECUTION, undefined);
    assert.equal(state.state, 'paused');
    assert.equal(state.paused?.reason, 'checking the focus');
    assert.equal(om.all('Start observation').length, 0);
    const resumed = await Sender.request('majordome', Msg.RESUME, undefined);
    assert.equal(resumed.paused, null);
    await om.waitFor('Start observation');
  });

  /** Observes a short block first, so that the dome is open (the start-up's empty plan closed it). */
  async function observeOne(om: Peer, clock: SimClock): Promise<void> {
    const t = clock.now();
    await plan([block('first', t - 1000, { end: t + MIN })], 1, t);
    await om.waitFor('Start observation');
  }

  const finished = (clock: SimClock) =>
    Sender.request('majordome', Msg.OBS_FINISHED, {
      observationId: 1,
      requestId: 'first',
      blockId: 'first',
      time: clock.now(),
      images: 1,
    });

  it('a Pause that lasts the gap closes the dome', async () => {
    const { om, clock } = await world('[majordome]\nclose_gap_s = 300\n');
    await start();
    await observeOne(om, clock);
    const closes = om.all('Close dome').length;
    const paused = await Sender.request('majordome', Msg.PAUSE, undefined);
    await Sender.request('majordome', Msg.PLAN_UPDATED, {
      version: 2,
      madeAt: clock.now(),
      blocks: [block('next', clock.now() + MIN)],
    });
    await finished(clock);
    const close = await om.waitFor('Close dome', closes + 1);
    assert.ok(clock.now() - (paused.paused?.since ?? 0) >= 300_000, 'closed once the pause had lasted 300 s');
    assert.match(
      (close.payload as { reason: string }).reason,
      /^paused by the operator at \d\d:\d\d:\d\d UTC/,
    );
    assert.equal(om.all('Start observation').length, 1, 'nothing started while paused');
  });

  it('nothing planned for longer than the gap: parks and closes, and opens for the next block', async () => {
    const { om, clock } = await world('[majordome]\nclose_gap_s = 600\n');
    await start();
    await observeOne(om, clock);
    const closes = om.all('Close dome').length;
    await finished(clock);
    const t = clock.now();
    await Sender.request('majordome', Msg.PLAN_UPDATED, {
      version: 2,
      madeAt: t,
      blocks: [block('far', t + 20 * MIN)],
    });
    const close = await om.waitFor('Close dome', closes + 1);
    assert.match((close.payload as { reason: string }).reason, /^next: far at .* \(closed until then\)$/);
    const state = await Sender.request('majordome', Msg.EXECUTION, undefined);
    assert.equal(state.state, 'idle');
    assert.equal(state.next?.targetName, 'far');
    await om.waitFor('Start observation', 2);
    assert.ok(clock.now() >= t + 20 * MIN - 60_000);
  });

  it('a plan made before the end of the last observation does not close the dome at once', async () => {
    const { om, clock } = await world('[majordome]\nclose_gap_s = 600\n');
    await start();
    await observeOne(om, clock);
    const closes = om.all('Close dome').length;
    // The plan still holds the block of before; the observation ended late, the scheduler replans.
    await finished(clock);
    const t = clock.now();
    await Sender.request('majordome', Msg.PLAN_UPDATED, {
      version: 2,
      madeAt: t,
      blocks: [block('next', t + MIN)],
    });
    await om.waitFor('Start observation', 2);
    assert.equal(om.all('Close dome').length, closes, 'the dome stayed open');
  });

  it('an empty plan closes at once', async () => {
    const { om } = await world();
    await start();
    await plan([]);
    const close = await om.waitFor('Close dome');
    assert.equal((close.payload as { reason: string }).reason, 'nothing left to observe in the plan');
  });

  it('dawn: the Sun above the limit stops, closes and parks', async () => {
    // 05:20 UTC: the dark time ends at 05:37 at Calern on this night.
    const dawn = Date.parse('2026-11-30T05:20:00Z');
    const { om, clock } = await world('', good, dawn);
    await start();
    const t = clock.now();
    await plan([block('late', t - 1000, { end: t + 60 * MIN })], 1, t);
    await om.waitFor('Start observation');
    const abort = await om.waitFor('Abort observation');
    assert.match(
      (abort.payload as { reason: string }).reason,
      /^unsafe: daylight: the Sun at -1[12]\.\d° is above the limit \(-12°\)$/,
    );
    // The close for the daylight (not the one an empty plan made at the start), then the state.
    await waitFor(
      () => om.all('Close dome').some((c) => /daylight/.test((c.payload as { reason: string }).reason)),
      10_000,
      'the close at dawn',
    );
    const deadline = Date.now() + 10_000;
    let state = (await Sender.request('majordome', Msg.EXECUTION, undefined)).state;
    while (state !== 'day' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      state = (await Sender.request('majordome', Msg.EXECUTION, undefined)).state;
    }
    assert.equal(state, 'day');
    const execution = await Sender.request('majordome', Msg.EXECUTION, undefined);
    assert.equal(execution.cause, 'dawn');
    assert.equal(execution.why, 'the night is over: the Sun is above the limit (-12°)');
    assert.equal(execution.running, null);
  });

  it('preempts a routine block for an alert block that is due', async () => {
    const { om, clock } = await world();
    await start();
    const t = clock.now();
    await plan([block('routine', t - 1000, { end: t + 60 * MIN })]);
    await om.waitFor('Start observation');
    const alert = block('grb', clock.now(), { kind: 'alert', priority: 100 });
    await plan([alert, block('routine2', t + 30 * MIN)], 2, clock.now());
    const abort = await om.waitFor('Abort observation');
    assert.equal((abort.payload as { reason: string }).reason, 'preempted by alert grb');
    const started = await om.waitFor('Start observation', 2);
    assert.equal((started.payload as { block: PlannedBlock }).block.id, 'grb');
  });

  it('after a restart, follows the observation the observation manager is running', async () => {
    const { om, clock } = await world();
    const running = block('a', clock.now() - 1000, { end: clock.now() + 600 * MIN });
    om.script(
      'Devices',
      `return { telescope: { status: 'tracking', pointing: { raDeg: 10, decDeg: 40 } }, dome: 'open', filter: 'R', focuser: 50000, links: [], observing: { observationId: 7, block: ${JSON.stringify(running)} }, safety: { safe: true, reason: 'ok' } };`,
    );
    await start();
    await plan([running, block('b', clock.now() + 2 * MIN)]);
    const state = await Sender.request('majordome', Msg.EXECUTION, undefined);
    assert.equal(state.running?.observationId, 7);
    assert.equal(om.all('Start observation').length, 0, 'a is not started twice');
    await Sender.request('majordome', Msg.OBS_FINISHED, {
      observationId: 7,
      requestId: 'a',
      blockId: 'a',
      time: clock.now(),
      images: 1,
    });
    const next = await om.waitFor('Start observation');
    assert.equal((next.payload as { block: PlannedBlock }).block.id, 'b');
  });

  it('an older plan delivered late is ignored', async () => {
    const { om, clock } = await world();
    await start();
    await plan([block('new', clock.now() + 2 * MIN)], 5);
    await plan([block('old', clock.now() - 1000)], 4);
    await waitFor(() => om.all('Start observation').length > 0, 5000, 'a start');
    const first = om.all('Start observation')[0];
    assert.equal((first?.payload as { block: PlannedBlock } | undefined)?.block.id, 'new');
  });
});
