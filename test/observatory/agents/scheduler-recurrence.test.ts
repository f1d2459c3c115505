// Recurring routine requests through the real scheduler (simulated clock, 600x): a visit puts a
// request with a cadence back to pending, its next visit planned a cadence later, across a restart;
// a request observed one night in N gets no copy on the nights after a visit.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { SchedulerAgent } from '../../../src/observatory/agents/scheduler-agent.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { Msg } from '../../../src/observatory/messages.js';
import {
  createObservatoryContext,
  type ObservatoryContext,
} from '../../../src/observatory/observatory-context.js';
import { loadObservatorySettings } from '../../../src/observatory/settings/observatory-settings.js';
import { Sender } from '../../../src/sender/sender.js';
import { tempDir } from '../../helpers.js';
import { observatoryConfig, type TempObservatory, tempObservatory } from '../observatory-fixture.js';
import { type Peer, startPeer } from './peers.js';

const T = Date.parse('2026-11-29T20:00:00Z');
const HOUR = 3_600_000;
const exposures = [{ filter: 'R', exposureS: 60, count: 2 }];
const PROGRAMME = {
  requests: [
    // Circumpolar at Calern: observable all night.
    {
      id: 'mon',
      targetName: 'Monitor',
      target: { raDeg: 40, decDeg: 80 },
      priority: 5,
      exposures,
      cadenceH: 1,
    },
    {
      id: 'lpv',
      targetName: 'Long-period',
      target: { raDeg: 60, decDeg: 75 },
      priority: 5,
      exposures,
      everyNights: 3,
    },
  ],
};

/** The scheduler, with the level of each of its plan log lines in view. */
class LoggedScheduler extends SchedulerAgent {
  readonly planLevels: string[] = [];
  constructor(ctx?: ObservatoryContext) {
    super(ctx);
    const log = this.log as unknown as Record<'info' | 'debug', (...args: unknown[]) => void>;
    for (const level of ['info', 'debug'] as const) {
      const write = log[level].bind(this.log);
      log[level] = (...args: unknown[]) => {
        if (typeof args[0] === 'string' && args[0].startsWith('plan v')) this.planLevels.push(level);
        write(...args);
      };
    }
  }
}

describe('SchedulerAgent, recurring requests', () => {
  let obs: TempObservatory | undefined;
  const agents: SchedulerAgent[] = [];
  let majordome: Peer | undefined;
  afterEach(async () => {
    for (const a of agents.splice(0)) {
      a.requestShutdown('test done');
      await a.stopped;
    }
    await majordome?.stop();
    obs?.dispose();
  });

  async function start(ctx: ObservatoryContext | undefined): Promise<SchedulerAgent> {
    const s = new SchedulerAgent(ctx);
    agents.push(s);
    await s.start();
    return s;
  }
  async function stop(s: SchedulerAgent): Promise<void> {
    s.requestShutdown('restart');
    await s.stopped;
    agents.splice(agents.indexOf(s), 1);
  }
  const record = async (id: string) =>
    (await Sender.request('scheduler', Msg.REQUESTS, { ids: [id], limit: 10 })).requests[0];
  const visitsPlanned = async (id: string) =>
    (await Sender.request('scheduler', Msg.PLAN, undefined)).blocks.filter((b) => b.requestId === id);

  it('a replan is logged at info when its plan changed, at debug when it is the same', async () => {
    // The real clock's pace: two replans a moment apart plan the same night.
    const clock = new SimClock(T, 1);
    const file = join(tempDir('pyros-programme-'), 'programme.json');
    writeFileSync(file, JSON.stringify(PROGRAMME));
    obs = tempObservatory(`routine_requests = ${file}\n[scheduler]\nreplan_every_s = 86400\n`, clock);
    await observatoryConfig(obs, ['scheduler', 'majordome']);
    majordome = await startPeer('majordome');
    const s = new LoggedScheduler(obs.ctx);
    agents.push(s);
    await s.start();
    await Sender.request('scheduler', Msg.REPLAN, undefined);
    await Sender.request('scheduler', Msg.REPLAN, undefined);
    assert.deepEqual(s.planLevels, ['info', 'debug', 'debug']);
    // News that changes the plan: an alert, first in it.
    const now = clock.now();
    await Sender.request('scheduler', Msg.NEW_ALERT, {
      ivorn: 'ivo://test#grb',
      request: {
        id: 'grb',
        kind: 'alert',
        targetName: 'GRB',
        target: { raDeg: 79.17, decDeg: 46 },
        priority: 100,
        exposures,
        window: { start: now - 60_000, end: now + 12 * HOUR },
        createdAt: now - 60_000,
        alertIvorn: 'ivo://test#grb',
        state: 'pending',
      },
    });
    await Sender.request('scheduler', Msg.REPLAN, undefined);
    assert.deepEqual(s.planLevels, ['info', 'debug', 'debug', 'info', 'debug']);
  });

  it('a visit puts it back to pending, the next planned a cadence after its end, restart or not; one night in N skips nights', async () => {
    const clock = new SimClock(T, 600);
    const file = join(tempDir('pyros-programme-'), 'programme.json');
    writeFileSync(file, JSON.stringify(PROGRAMME));
    obs = tempObservatory(`routine_requests = ${file}\n[scheduler]\nreplan_every_s = 86400\n`, clock);
    await observatoryConfig(obs, ['scheduler', 'majordome']);
    majordome = await startPeer('majordome');
    let s = await start(obs.ctx);
    const mon = 'mon@2026-11-29';
    assert.ok((await visitsPlanned(mon)).length >= 3, 'visited again and again in the night');
    const ids = { observationId: 1, requestId: mon, blockId: `${mon}@x` };
    await Sender.request('scheduler', Msg.OBS_STARTED, { ...ids, time: clock.now() });
    assert.equal((await record(mon))?.state, 'observing');
    const end = clock.now();
    await Sender.request('scheduler', Msg.OBS_FINISHED, { ...ids, time: end, images: 2 });
    // The same news again (a lost reply): one visit.
    await Sender.request('scheduler', Msg.OBS_FINISHED, { ...ids, time: end + 1000, images: 2 });
    const after = await record(mon);
    assert.equal(after?.state, 'pending');
    assert.equal(after?.reason, 'visit 1 done');
    const replanned = async () => {
      await Sender.request('scheduler', Msg.REPLAN, undefined);
      const next = await visitsPlanned(mon);
      assert.ok(next.length > 0, 'planned again');
      assert.ok(
        (next[0]?.start ?? 0) >= end + HOUR,
        `next visit ${new Date(next[0]?.start ?? 0).toISOString()}`,
      );
    };
    await replanned();
    await stop(s);
    s = await start(obs.ctx);
    await replanned();
    // The long-period one visited tonight: no copy the next two nights, one the third.
    const lpv = { observationId: 2, requestId: 'lpv@2026-11-29', blockId: 'lpv@x' };
    await Sender.request('scheduler', Msg.OBS_STARTED, { ...lpv, time: clock.now() });
    await Sender.request('scheduler', Msg.OBS_FINISHED, { ...lpv, time: clock.now(), images: 2 });
    assert.equal((await record('lpv@2026-11-29'))?.state, 'done');
    const settings = loadObservatorySettings(obs.settingsFile);
    for (const [days, date, copy] of [
      [1, '2026-11-30', false],
      [2, '2026-12-01', false],
      [3, '2026-12-02', true],
    ] as const) {
      await stop(s);
      s = await start(createObservatoryContext(settings, new SimClock(T + days * 24 * HOUR, 600)));
      assert.equal((await record(`lpv@${date}`)) !== undefined, copy, `lpv copy on ${date}`);
      assert.notEqual(await record(`mon@${date}`), undefined, `mon copy on ${date}`);
    }
    // Last night's recurring copy, visited once, closes as done when its window passes.
    const closed = await record(mon);
    assert.equal(closed?.state, 'done');
    assert.equal(closed?.reason, '1 visit(s)');
  });
});
