import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { MajordomeAgent } from '../../../src/observatory/agents/majordome-agent.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import type { PlannedBlock } from '../../../src/observatory/scheduler/request.js';
import { stopStartedAgents } from '../../net-helpers.js';
import { type TempObservatory, tempObservatory } from '../observatory-fixture.js';
import { startRecorder } from './recorder.js';

const T = Date.parse('2026-11-29T20:00:00Z');

function block(id: string, start: number, over: Partial<PlannedBlock> = {}): PlannedBlock {
  return {
    id,
    requestId: id,
    kind: 'routine',
    targetName: id,
    target: { raDeg: 10, decDeg: 40 },
    priority: 5,
    start,
    end: start + 600_000,
    altitudeDeg: 60,
    airmass: 1.15,
    ...over,
  };
}

describe('MajordomeAgent', () => {
  let obs: TempObservatory | undefined;
  let majordome: MajordomeAgent | undefined;
  afterEach(async () => {
    await stopStartedAgents();
    await (majordome as unknown as { shutdown(): Promise<void> } | undefined)?.shutdown();
    majordome = undefined;
    obs?.dispose();
    obs = undefined;
  });

  /** The block's request, open (only blocks of open requests are started). */
  function insertRequest(b: PlannedBlock): void {
    obs?.ctx.requests.insert(
      {
        id: b.requestId,
        kind: b.kind,
        targetName: b.targetName,
        target: b.target,
        priority: b.priority,
        exposures: [{ filter: 'R', exposureS: 60, count: 1 }],
        createdAt: T,
        state: 'scheduled',
      },
      T,
    );
  }

  async function setup(blocks: PlannedBlock[]) {
    let next = 1;
    // 600x: one observatory minute is 100 real ms.
    obs = tempObservatory('', new SimClock(T, 600));
    const om = await startRecorder(
      'observation_manager',
      {
        'Start observation': () => ({ observationId: next++ }),
        'Abort observation': () => ({ aborted: next - 1 }),
        'Close dome': () => ({ aborted: null, dome: 'closed' }),
      },
      obs.ctx.clock,
    );
    for (const b of blocks) insertRequest(b);
    obs.ctx.plan.replace(blocks, T);
    majordome = new MajordomeAgent(obs.ctx);
    return { om, majordome };
  }

  it('starts the block that is due, and the next one when its time comes', async () => {
    const { om, majordome } = await setup([block('a', T - 1000), block('b', T + 60_000)]);
    await majordome.schedule();
    const first = await om.waitFor('Start observation');
    assert.equal((first.payload as { block: PlannedBlock }).block.id, 'a');
    await majordome.actionsByMessage['Observation finished']?.call(
      majordome,
      { observationId: 1 },
      {} as never,
    );
    const second = await om.waitFor('Start observation', 2);
    assert.equal((second.payload as { block: PlannedBlock }).block.id, 'b');
    // Started for its start, less the settling before it (same target: no slew), not before.
    assert.ok(second.at >= T + 60_000 - 5_000, `b started ${T + 55_000 - second.at} ms early`);
  });

  it("preempts a routine block for an alert's block that outranks it", async () => {
    const { om, majordome } = await setup([block('routine', T - 1000)]);
    await majordome.schedule();
    await om.waitFor('Start observation');
    const grb = block('grb', T, { kind: 'alert', priority: 100 });
    insertRequest(grb);
    obs?.ctx.plan.replace([grb], T);
    await majordome.actionsByMessage['Plan updated']?.call(majordome, { version: 2 }, {} as never);
    const abort = await om.waitFor('Abort observation');
    assert.match((abort.payload as { reason: string }).reason, /preempted by alert grb/);
    const started = await om.waitFor('Start observation', 2);
    assert.equal((started.payload as { block: PlannedBlock }).block.id, 'grb');
    assert.equal(majordome.executionState().running, 'grb');
  });

  it('closes on bad weather, starts nothing until good weather, and obeys pause', async () => {
    const { om, majordome } = await setup([block('a', T - 1000)]);
    await majordome.actionsByMessage['Bad weather']?.call(majordome, {}, {} as never);
    await om.waitFor('Close dome');
    await majordome.schedule();
    await majordome.actionsByMessage.Pause?.call(majordome, undefined, {} as never);
    await majordome.actionsByMessage['Good weather']?.call(majordome, {}, {} as never);
    assert.equal(om.received.filter((r) => r.message === 'Start observation').length, 0);
    assert.deepEqual(majordome.executionState(), { paused: true, weatherOk: true, running: null });
    await majordome.actionsByMessage.Resume?.call(majordome, undefined, {} as never);
    assert.equal(((await om.waitFor('Start observation')).payload as { block: PlannedBlock }).block.id, 'a');
  });

  it('does not start a block whose request is no longer open, and holds back a request that just failed', async () => {
    const { om, majordome } = await setup([block('done', T - 1000), block('next', T + 1000)]);
    obs?.ctx.requests.setState('done', 'done', T);
    await majordome.schedule();
    const started = await om.waitFor('Start observation');
    assert.equal((started.payload as { block: PlannedBlock }).block.id, 'next');
    // "next" fails (not aborted): it is not started again at once, though still planned and open.
    await majordome.actionsByMessage['Observation failed']?.call(
      majordome,
      { observationId: 1, requestId: 'next', aborted: false, reason: 'telescope: refused' },
      {} as never,
    );
    // The scheduler replans it (a new block of the same request).
    obs?.ctx.plan.replace([{ ...block('next', T), id: 'next@2' }], T);
    await majordome.actionsByMessage['Plan updated']?.call(majordome, { version: 2 }, {} as never);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(om.received.filter((r) => r.message === 'Start observation').length, 1);
    // 30 observatory seconds later (50 ms at 600x), it is tried again.
    await om.waitFor('Start observation', 2);
  });
});
