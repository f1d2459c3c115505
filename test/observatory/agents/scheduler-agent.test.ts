import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { SchedulerAgent } from '../../../src/observatory/agents/scheduler-agent.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { stopStartedAgents } from '../../net-helpers.js';
import { SHIPPED, type TempObservatory, tempObservatory } from '../observatory-fixture.js';
import { startRecorder } from './recorder.js';

const EVENING = Date.parse('2026-11-29T18:00:00Z');

describe('SchedulerAgent', () => {
  let obs: TempObservatory | undefined;
  afterEach(async () => {
    await stopStartedAgents();
    obs?.dispose();
  });

  it('loads the routine file once per night, plans it, and tells the majordome', async () => {
    const majordome = await startRecorder('majordome');
    obs = tempObservatory(`routine_requests = ${SHIPPED}/routine-requests.json`, new SimClock(EVENING, 1));
    const scheduler = new SchedulerAgent(obs.ctx);
    const first = await scheduler.replan();
    assert.ok(first.blocks > 3, `${first.blocks} blocks`);
    assert.equal(
      ((await majordome.waitFor('Plan updated')).payload as { version: number }).version,
      first.version,
    );
    const ids = obs.ctx.requests.all().map((r) => r.id);
    assert.ok(
      ids.every((id) => id.endsWith('@2026-11-29')),
      ids.join(),
    );
    const second = await scheduler.replan();
    assert.equal(second.version, first.version + 1);
    assert.equal(obs.ctx.requests.all().length, ids.length, 'the same night loads nothing again');
    const blocks = obs.ctx.plan.blocks();
    for (let i = 1; i < blocks.length; i++) assert.ok((blocks[i]?.start ?? 0) >= (blocks[i - 1]?.end ?? 0));
    const scheduled = obs.ctx.requests.inStates(['scheduled']).map((r) => r.id);
    assert.deepEqual(scheduled.sort(), blocks.map((b) => b.requestId).sort());
  });

  it('puts a new alert first and closes requests whose window has passed', async () => {
    await startRecorder('majordome');
    obs = tempObservatory(`routine_requests = ${SHIPPED}/routine-requests.json`, new SimClock(EVENING, 1));
    const { requests } = obs.ctx;
    const now = obs.ctx.clock.now();
    // Capella, high in the evening sky at Calern.
    requests.insert(
      {
        id: 'alert-x',
        kind: 'alert',
        targetName: 'GRB X',
        target: { raDeg: 79.17, decDeg: 46.0 },
        priority: 100,
        exposures: [{ filter: 'R', exposureS: 60, count: 3 }],
        window: { start: now, end: now + 3_600_000 },
        createdAt: now,
        state: 'pending',
      },
      now,
    );
    requests.insert(
      {
        id: 'old',
        kind: 'alert',
        targetName: 'old',
        target: { raDeg: 79.17, decDeg: 46.0 },
        priority: 100,
        exposures: [{ filter: 'R', exposureS: 60, count: 1 }],
        window: { start: now - 7_200_000, end: now - 3_600_000 },
        createdAt: now - 7_200_000,
        state: 'pending',
      },
      now,
    );
    const scheduler = new SchedulerAgent(obs.ctx);
    await scheduler.actionsByMessage['New alert']?.call(scheduler, { requestId: 'alert-x' }, {} as never);
    assert.equal(obs.ctx.plan.blocks()[0]?.requestId, 'alert-x');
    assert.equal(requests.get('old')?.state, 'expired');
  });

  it('goes on planning when the majordome is down (the failure is logged)', async () => {
    obs = tempObservatory('', new SimClock(EVENING, 1));
    process.env.PYROS_AGENT_CONFIG = `${obs.dir}/missing.ini`;
    const scheduler = new SchedulerAgent(obs.ctx);
    const result = await scheduler.replan();
    assert.equal(result.version, 1);
  });

  it('replans once, a moment later, for the ends of observations that come together', async () => {
    const majordome = await startRecorder('majordome');
    obs = tempObservatory(`routine_requests = ${SHIPPED}/routine-requests.json`, new SimClock(EVENING, 1));
    const scheduler = new SchedulerAgent(obs.ctx);
    const { version } = await scheduler.replan();
    for (let i = 0; i < 3; i++) {
      await scheduler.actionsByMessage['Observation finished']?.call(
        scheduler,
        { observationId: i },
        {} as never,
      );
    }
    assert.equal(obs.ctx.plan.version(), version, 'not at once');
    const updated = await majordome.waitFor('Plan updated', 2);
    assert.equal((updated.payload as { version: number }).version, version + 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(obs.ctx.plan.version(), version + 1, 'once for the three');
  });
});
