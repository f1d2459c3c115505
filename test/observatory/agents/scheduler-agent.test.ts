// The scheduler, started for real on a simulated clock (600x: an observatory minute is 100 real
// ms), with the majordome played by a scripted peer in its own thread: what it is told (requests,
// observation news), what it answers, and the plans the majordome receives.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { SchedulerAgent } from '../../../src/observatory/agents/scheduler-agent.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { Msg } from '../../../src/observatory/messages.js';
import {
  createObservatoryContext,
  type ObservatoryContext,
} from '../../../src/observatory/observatory-context.js';
import type { ObservationRequest, Plan, RequestRecord } from '../../../src/observatory/scheduler/request.js';
import { loadRoutineRequests } from '../../../src/observatory/scheduler/routine-requests.js';
import { loadObservatorySettings } from '../../../src/observatory/settings/observatory-settings.js';
import type { Outbox } from '../../../src/observatory/store/outbox.js';
import { InvalidPayloadError } from '../../../src/sender/errors.js';
import { Sender } from '../../../src/sender/sender.js';
import { waitFor } from '../../helpers.js';
import { observatoryConfig, SHIPPED, type TempObservatory, tempObservatory } from '../observatory-fixture.js';
import { type Peer, startPeer } from './peers.js';

/** Evening at Calern: dark, Capella well up in the east. */
const T = Date.parse('2026-11-29T20:00:00Z');
const HOUR = 3_600_000;
/** The routine requests of the shipped file. */
const ROUTINE = loadRoutineRequests(`${SHIPPED}/routine-requests.json`, T).length;

/** The scheduler, with its outbox in view (what waits for the majordome). */
class Scheduler extends SchedulerAgent {
  get outbox(): Outbox {
    return this.store.outbox;
  }
}

/** An alert request at Capella, observable now, as the alert manager sends it. */
function alert(id: string, over: Partial<ObservationRequest> = {}, now = T): ObservationRequest {
  return {
    id,
    kind: 'alert',
    targetName: `GRB ${id}`,
    target: { raDeg: 79.17, decDeg: 46.0 },
    priority: 100,
    exposures: [{ filter: 'R', exposureS: 60, count: 3 }],
    window: { start: now - 60_000, end: now + 12 * HOUR },
    createdAt: now - 60_000,
    alertIvorn: `ivo://test#${id}`,
    state: 'pending',
    ...over,
  };
}

/** Waits (10 s at most) until an asynchronous `check` holds: a query's answer, say. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('SchedulerAgent', () => {
  let obs: TempObservatory | undefined;
  let agents: Scheduler[] = [];
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

  /**
   * The scheduler's world: a temp observatory at T (600x; the routine file unless `routine` is
   * false; no periodic replan unless `replanEveryS` says), the config, and the majordome's peer.
   */
  async function world(o: { routine?: boolean; replanEveryS?: number } = {}) {
    const clock = new SimClock(T, 600);
    const routine = o.routine === false ? '' : `routine_requests = ${SHIPPED}/routine-requests.json\n`;
    obs = tempObservatory(`${routine}[scheduler]\nreplan_every_s = ${o.replanEveryS ?? 86_400}\n`, clock);
    await observatoryConfig(obs, ['scheduler', 'majordome']);
    const majordome = await startMajordome();
    return { majordome, clock, ctx: obs.ctx };
  }

  async function startMajordome(): Promise<Peer> {
    const peer = await startPeer('majordome');
    peers.push(peer);
    return peer;
  }

  async function start(ctx = obs?.ctx): Promise<Scheduler> {
    const s = new Scheduler(ctx);
    agents.push(s);
    await s.start();
    return s;
  }

  async function restart(s: Scheduler, ctx = obs?.ctx): Promise<Scheduler> {
    s.requestShutdown('restart');
    await s.stopped;
    agents = agents.filter((a) => a !== s);
    return start(ctx);
  }

  const planOf = (r: { payload: unknown }) => r.payload as Plan;
  const plan = () => Sender.request('scheduler', Msg.PLAN, undefined);
  const requests = async (query: { ids?: string[]; states?: RequestRecord['state'][] } = {}) =>
    (await Sender.request('scheduler', Msg.REQUESTS, { ...query, limit: 1000 })).requests;
  const stateOf = async (id: string) => (await requests({ ids: [id] }))[0]?.state;
  const newAlert = (request: ObservationRequest) =>
    Sender.request('scheduler', Msg.NEW_ALERT, { ivorn: request.alertIvorn ?? 'ivo://x', request });
  /**
   * Waits until the courier has delivered everything (and so, nothing more is on its way), and
   * the peers' records hold what they answered.
   */
  const delivered = async (s: Scheduler) => {
    await waitFor(() => s.outbox.size() === 0, 10_000, 'an empty outbox');
    await Promise.all(peers.map((p) => p.synced()));
  };

  it('replans on start with the routine requests of the night, and sends the whole plan to the majordome', async () => {
    const { majordome } = await world();
    await start();
    const sent = planOf(await majordome.waitFor('Plan updated'));
    const current = await plan();
    assert.equal(current.version, 1);
    assert.deepEqual(sent, current, 'the whole plan, as the Plan query tells it');
    assert.ok(current.blocks.length > 3, `${current.blocks.length} blocks`);
    for (let i = 1; i < current.blocks.length; i++) {
      const [before, after] = [current.blocks[i - 1], current.blocks[i]];
      assert.ok((after?.start ?? 0) >= (before?.end ?? 0), 'blocks do not overlap');
    }
    const all = await requests();
    assert.equal(all.length, ROUTINE);
    assert.ok(
      all.every((r) => r.id.endsWith('@2026-11-29') && r.kind === 'routine'),
      all.map((r) => r.id).join(),
    );
    const scheduled = (await requests({ states: ['scheduled'] })).map((r) => r.id).sort();
    assert.deepEqual(scheduled, [...new Set(current.blocks.map((b) => b.requestId))].sort());
    // A replan in the same night loads nothing again.
    const replanned = await Sender.request('scheduler', Msg.REPLAN, undefined);
    assert.equal(replanned.version, 2);
    assert.equal(planOf(await majordome.waitFor('Plan updated', 2)).version, 2);
    assert.equal((await requests()).length, ROUTINE);
  });

  it('loads the routine requests once per night: a restart the same night adds none, the next night its own', async () => {
    const { majordome } = await world();
    const first = await start();
    await majordome.waitFor('Plan updated');
    const tonight = (await requests()).map((r) => r.id).sort();
    const again = await restart(first);
    assert.deepEqual((await requests()).map((r) => r.id).sort(), tonight);
    // The next evening, on the same data folder.
    const settings = loadObservatorySettings(obs?.settingsFile ?? '');
    const tomorrow: ObservatoryContext = createObservatoryContext(settings, new SimClock(T + 24 * HOUR, 600));
    await restart(again, tomorrow);
    const all = await requests();
    assert.equal(all.length, 2 * ROUTINE);
    const next = all.filter((r) => r.id.endsWith('@2026-11-30'));
    assert.equal(next.length, ROUTINE);
    assert.ok(
      next.every((r) => r.state === 'scheduled' || r.state === 'pending'),
      next.map((r) => r.state).join(),
    );
    // Nothing was observed (no observation manager): every copy of last night expired.
    const past = all.filter((r) => r.id.endsWith('@2026-11-29'));
    assert.ok(
      past.every((r) => r.state === 'expired'),
      `last night's copies are closed: ${past.map((r) => r.state).join()}`,
    );
    const blocks = (await plan()).blocks;
    assert.ok(blocks.length > 0);
    assert.ok(blocks.every((b) => b.requestId.endsWith('@2026-11-30')));
  });

  it('replans every replan_every_s of observatory time', async () => {
    // 600 observatory seconds: one real second.
    const { majordome } = await world({ routine: false, replanEveryS: 600 });
    await start();
    await majordome.waitFor('Plan updated');
    const second = planOf(await majordome.waitFor('Plan updated', 2));
    assert.equal(second.version, 2);
  });

  it('"New alert" creates the request once and replans with the alert first', async () => {
    const { majordome, clock } = await world();
    const s = await start();
    await majordome.waitFor('Plan updated');
    const request = alert('grb1', {}, clock.now());
    assert.deepEqual(await newAlert(request), { requestId: 'grb1', created: true });
    const current = await plan();
    assert.equal(current.version, 2);
    assert.equal(current.blocks[0]?.requestId, 'grb1');
    assert.equal(current.blocks[0]?.kind, 'alert');
    assert.equal(await stateOf('grb1'), 'scheduled');
    const sent = planOf(await majordome.waitFor('Plan updated', 2));
    assert.deepEqual(sent, current);
    // The alert manager's resend (a reply lost): nothing new, no replan.
    assert.deepEqual(await newAlert({ ...request, targetName: 'changed' }), {
      requestId: 'grb1',
      created: false,
    });
    assert.equal((await plan()).version, 2);
    const [record] = await requests({ ids: ['grb1'] });
    assert.equal(record?.targetName, 'GRB grb1');
    await delivered(s);
    assert.equal(majordome.all('Plan updated').length, 2);
  });

  it('an alert whose window has passed is closed as expired, not planned', async () => {
    const { clock } = await world({ routine: false });
    await start();
    const now = clock.now();
    const late = alert('late', {
      window: { start: now - 3 * HOUR, end: now - HOUR },
      createdAt: now - 3 * HOUR,
    });
    assert.equal((await newAlert(late)).created, true);
    const [record] = await requests({ ids: ['late'] });
    assert.equal(record?.state, 'expired');
    assert.equal(record?.reason, 'window passed');
    assert.deepEqual((await plan()).blocks, []);
  });

  it('"Alert updated" moves an open request and replans; a closed or unknown one stays as it is', async () => {
    const { clock } = await world({ routine: false });
    await start();
    await newAlert(alert('grb1', {}, clock.now()));
    const before = (await plan()).version;
    const target = { raDeg: 80.1, decDeg: 45.5 };
    const updated = await Sender.request('scheduler', Msg.ALERT_UPDATED, {
      ivorn: 'ivo://test#followup',
      requestId: 'grb1',
      target,
    });
    assert.deepEqual(updated, { updated: true, state: 'scheduled' });
    const replanned = await plan();
    assert.equal(replanned.version, before + 1);
    assert.deepEqual(replanned.blocks[0]?.target, target, 'the plan points at the new position');
    // Observed meanwhile: the follow-up comes too late.
    await Sender.request('scheduler', Msg.OBS_STARTED, {
      observationId: 1,
      requestId: 'grb1',
      blockId: 'b',
      time: clock.now(),
    });
    await Sender.request('scheduler', Msg.OBS_FINISHED, {
      observationId: 1,
      requestId: 'grb1',
      blockId: 'b',
      time: clock.now(),
      images: 3,
    });
    const late = await Sender.request('scheduler', Msg.ALERT_UPDATED, {
      ivorn: 'ivo://test#followup2',
      requestId: 'grb1',
      target: { raDeg: 81, decDeg: 44 },
    });
    assert.deepEqual(late, { updated: false, state: 'done' });
    assert.deepEqual((await requests({ ids: ['grb1'] }))[0]?.target, target);
    const unknown = await Sender.request('scheduler', Msg.ALERT_UPDATED, {
      ivorn: 'ivo://test#followup3',
      requestId: 'nobody',
      target,
    });
    assert.deepEqual(unknown, { updated: false, state: null });
  });

  it('"Alert retracted" cancels the open requests named, and replans', async () => {
    const { clock } = await world({ routine: false });
    await start();
    await newAlert(alert('open', {}, clock.now()));
    await newAlert(alert('observed', { target: { raDeg: 100, decDeg: 30 } }, clock.now()));
    await Sender.request('scheduler', Msg.OBS_STARTED, {
      observationId: 1,
      requestId: 'observed',
      blockId: 'b',
      time: clock.now(),
    });
    const before = (await plan()).version;
    const retracted = await Sender.request('scheduler', Msg.ALERT_RETRACTED, {
      ivorn: 'ivo://test#retraction',
      retracted: ['ivo://test#open', 'ivo://test#observed'],
      requestIds: ['open', 'observed', 'unknown'],
    });
    assert.deepEqual(retracted, { cancelled: ['open'] });
    const [record] = await requests({ ids: ['open'] });
    assert.equal(record?.state, 'cancelled');
    assert.equal(record?.reason, 'retracted by ivo://test#retraction');
    assert.equal(await stateOf('observed'), 'observing');
    const after = await plan();
    assert.equal(after.version, before + 1);
    assert.ok(!after.blocks.some((b) => b.requestId === 'open'));
    // The same retraction again: nothing left to cancel, no replan.
    const again = await Sender.request('scheduler', Msg.ALERT_RETRACTED, {
      ivorn: 'ivo://test#retraction',
      retracted: ['ivo://test#open'],
      requestIds: ['open'],
    });
    assert.deepEqual(again, { cancelled: [] });
    assert.equal((await plan()).version, before + 1);
  });

  it("an observation's start and end move the request once each, the same news twice counting once", async () => {
    const { clock } = await world({ routine: false });
    await start();
    await newAlert(alert('grb1', {}, clock.now()));
    const ids = { observationId: 7, requestId: 'grb1', blockId: 'grb1@x' };
    await Sender.request('scheduler', Msg.OBS_STARTED, { ...ids, time: clock.now() });
    assert.equal(await stateOf('grb1'), 'observing');
    await Sender.request('scheduler', Msg.OBS_STARTED, { ...ids, time: clock.now() });
    assert.equal(await stateOf('grb1'), 'observing');
    const finishedAt = clock.now();
    await Sender.request('scheduler', Msg.OBS_FINISHED, { ...ids, time: finishedAt, images: 3 });
    const [done] = await requests({ ids: ['grb1'] });
    assert.equal(done?.state, 'done');
    assert.equal(done?.updatedAt, finishedAt);
    // Resent after a lost reply: the start does not reopen it, the end moves nothing.
    await Sender.request('scheduler', Msg.OBS_STARTED, { ...ids, time: clock.now() });
    await Sender.request('scheduler', Msg.OBS_FINISHED, { ...ids, time: clock.now(), images: 3 });
    const [still] = await requests({ ids: ['grb1'] });
    assert.equal(still?.state, 'done');
    assert.equal(still?.updatedAt, finishedAt);
    // The end's replan: the done request is planned no more.
    await until(async () => (await plan()).version >= 3, 'the replan after the end');
    assert.ok(!(await plan()).blocks.some((b) => b.requestId === 'grb1'));
  });

  it('three failures give a request up; an aborted observation is no failure; the same failure twice counts once', async () => {
    const { clock } = await world({ routine: false });
    await start();
    await newAlert(alert('grb1', {}, clock.now()));
    const fail = (observationId: number, aborted = false) =>
      Sender.request('scheduler', Msg.OBS_FAILED, {
        observationId,
        requestId: 'grb1',
        blockId: `grb1@${observationId}`,
        time: clock.now(),
        reason: aborted ? 'preempted by alert grb2' : 'camera timeout',
        aborted,
      });
    const observe = (observationId: number) =>
      Sender.request('scheduler', Msg.OBS_STARTED, {
        observationId,
        requestId: 'grb1',
        blockId: `grb1@${observationId}`,
        time: clock.now(),
      });
    await observe(1);
    await fail(1);
    assert.equal(await stateOf('grb1'), 'pending');
    await fail(1);
    await observe(2);
    await fail(2, true);
    assert.equal(await stateOf('grb1'), 'pending', 'aborted: planned again');
    await observe(3);
    await fail(3);
    assert.equal(await stateOf('grb1'), 'pending', 'two failures (1 counted once, 3), one abort');
    await observe(4);
    await fail(4);
    const [record] = await requests({ ids: ['grb1'] });
    assert.equal(record?.state, 'failed');
    assert.equal(record?.reason, 'camera timeout');
    await until(
      async () => !(await plan()).blocks.some((b) => b.requestId === 'grb1'),
      'a plan without the failed request',
    );
  });

  it('the ends of observations that come together make one replan, a moment later', async () => {
    const { majordome, clock } = await world({ routine: false });
    const s = await start();
    await majordome.waitFor('Plan updated');
    const { version } = await plan();
    await Promise.all(
      [1, 2, 3].map((n) =>
        Sender.request('scheduler', Msg.OBS_FINISHED, {
          observationId: n,
          requestId: `r${n}`,
          blockId: `b${n}`,
          time: clock.now(),
          images: 1,
        }),
      ),
    );
    const updated = planOf(await majordome.waitFor('Plan updated', 2));
    assert.equal(updated.version, version + 1);
    // A replan asked now comes next: the three ends made one between them.
    assert.equal((await Sender.request('scheduler', Msg.REPLAN, undefined)).version, version + 2);
    await delivered(s);
    assert.deepEqual(
      majordome.all('Plan updated').map((r) => planOf(r).version),
      [version, version + 1, version + 2],
    );
  });

  /**
   * The majordome stops; a replan the courier then fails to deliver, and two more: returns the
   * scheduler and the newest plan's version.
   */
  async function replansWhileMajordomeDown() {
    const { majordome } = await world({ routine: false });
    const s = await start();
    await majordome.waitFor('Plan updated');
    await delivered(s);
    await majordome.stop();
    await Sender.request('scheduler', Msg.REPLAN, undefined);
    // The courier has tried, and failed, to deliver it.
    await waitFor(() => (s.outbox.next('majordome')?.attempts ?? 0) >= 1, 10_000, 'a failed delivery');
    await Sender.request('scheduler', Msg.REPLAN, undefined);
    const { version } = await Sender.request('scheduler', Msg.REPLAN, undefined);
    assert.equal(version, 4);
    return { s, newest: version };
  }

  it('with the majordome down, the plans wait in the outbox, and it gets the newest once back', async () => {
    const { s, newest } = await replansWhileMajordomeDown();
    assert.ok(s.outbox.size() >= 1);
    // A delivery in flight when the majordome comes back may still arrive before the newest plan
    // (the majordome ignores it then): the newest comes, last, and each plan at most once.
    const back = await startMajordome();
    const received = planOf(
      await waitFor(
        () => back.all('Plan updated').find((r) => planOf(r).version === newest),
        10_000,
        'the newest plan',
      ),
    );
    assert.deepEqual(received, await plan());
    await delivered(s);
    const versions = back.all('Plan updated').map((r) => planOf(r).version);
    assert.equal(versions.at(-1), newest, `nothing older after the newest: ${versions.join()}`);
    assert.deepEqual(
      versions,
      [...new Set(versions)].sort((x, y) => x - y),
      `each once, in order: ${versions.join()}`,
    );
  });

  it('with the majordome down, a newer plan replaces the one waiting in the outbox, even one already tried', async () => {
    const { s, newest } = await replansWhileMajordomeDown();
    assert.equal(s.outbox.size(), 1, 'the older plans were replaced');
    assert.equal((s.outbox.next('majordome')?.payload as Plan | undefined)?.version, newest);
  });

  it('a payload of the wrong shape is refused by field, and changes nothing', async () => {
    await world({ routine: false });
    const s = await start();
    const before = await plan();
    const bad = { ...alert('grb1'), target: { raDeg: '79.17', decDeg: 46 } };
    await assert.rejects(
      Sender.request('scheduler', Msg.NEW_ALERT.name, { ivorn: 'ivo://test#grb1', request: bad }),
      (err: Error) =>
        err instanceof InvalidPayloadError &&
        /"New alert"/.test(err.message) &&
        /request\.target\.raDeg/.test(err.message),
    );
    await assert.rejects(
      Sender.request('scheduler', Msg.OBS_FAILED.name, { observationId: 'one', requestId: 'grb1' }),
      (err: Error) => err instanceof InvalidPayloadError && /observationId/.test(err.message),
    );
    assert.equal(s.status().invalid, 2);
    assert.deepEqual(await requests(), []);
    assert.deepEqual(await plan(), before);
    // Nor does the typed Sender let it out.
    await assert.rejects(
      Sender.request('scheduler', Msg.NEW_ALERT, { ivorn: 'ivo://test#grb1', request: bad as never }),
      InvalidPayloadError,
    );
    assert.equal(s.status().invalid, 2, 'refused before sending');
  });

  it('a restart keeps the requests, their states and the plan version', async () => {
    const { majordome, clock } = await world();
    const first = await start();
    await newAlert(alert('grb1', {}, clock.now()));
    await newAlert(alert('grb2', { target: { raDeg: 100, decDeg: 30 } }, clock.now()));
    await Sender.request('scheduler', Msg.OBS_STARTED, {
      observationId: 1,
      requestId: 'grb1',
      blockId: 'b',
      time: clock.now(),
    });
    await Sender.request('scheduler', Msg.OBS_FAILED, {
      observationId: 2,
      requestId: 'grb2',
      blockId: 'b2',
      time: clock.now(),
      reason: 'dome stuck',
      aborted: false,
    });
    // The failure's replan comes a moment later (replanSoon): v4, after the start's and the two alerts'.
    await until(async () => (await plan()).version >= 4, 'the replan after the failure');
    const { version } = await plan();
    const before = await requests();
    await restart(first);
    const after = await requests();
    assert.deepEqual(
      after.map((r) => [r.id, r.state === 'scheduled' ? 'pending' : r.state]).sort(),
      before.map((r) => [r.id, r.state === 'scheduled' ? 'pending' : r.state]).sort(),
    );
    assert.equal((await requests({ ids: ['grb1'] }))[0]?.state, 'observing');
    const current = await plan();
    assert.equal(current.version, version + 1, 'the restart replans, after the last version');
    const sent = await waitFor(
      () => majordome.all('Plan updated').find((r) => planOf(r).version === version + 1),
      10_000,
      'the new plan at the majordome',
    );
    assert.deepEqual(planOf(sent), current);
    // The failure counted before the restart still counts.
    for (const n of [3, 4]) {
      await Sender.request('scheduler', Msg.OBS_FAILED, {
        observationId: n,
        requestId: 'grb2',
        blockId: `b${n}`,
        time: clock.now(),
        reason: 'dome stuck',
        aborted: false,
      });
    }
    assert.equal(await stateOf('grb2'), 'failed');
  });
});
