import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { ObservationManagerAgent } from '../../../src/observatory/agents/observation-manager-agent.js';
import { observatoryDevices } from '../../../src/observatory/agents/observatory-devices.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { readFits } from '../../../src/observatory/images/fits-reader.js';
import type { PlannedBlock } from '../../../src/observatory/scheduler/request.js';
import { stopStartedAgents } from '../../net-helpers.js';
import { type TempObservatory, tempObservatory } from '../observatory-fixture.js';
import { startRecorder } from './recorder.js';

const T = Date.parse('2026-11-29T20:00:00Z');
/** Capella: high above Calern on this evening. */
const CAPELLA = { raDeg: 79.17, decDeg: 46.0 };

function block(id: string): PlannedBlock {
  return {
    id: `${id}@1`,
    requestId: id,
    kind: 'routine',
    targetName: 'Capella',
    target: CAPELLA,
    priority: 5,
    start: T,
    end: T + 600_000,
    altitudeDeg: 60,
    airmass: 1.15,
  };
}

describe('ObservationManagerAgent', () => {
  let obs: TempObservatory | undefined;
  let agent: ObservationManagerAgent | undefined;
  afterEach(async () => {
    await stopStartedAgents();
    await (agent as unknown as { shutdown(): Promise<void> } | undefined)?.shutdown();
    agent = undefined;
    obs?.dispose();
  });

  async function setup(weather = 'clear', speed = 1200) {
    const analyzer = await startRecorder('analyzer');
    obs = tempObservatory(
      `weather = ${weather}\n[observation_manager]\nimage_size = 64\n`,
      new SimClock(T, speed),
    );
    obs.ctx.requests.insert(
      {
        id: 'r1',
        kind: 'routine',
        targetName: 'Capella',
        target: CAPELLA,
        priority: 5,
        exposures: [
          { filter: 'R', exposureS: 30, count: 2 },
          { filter: 'V', exposureS: 30, count: 1 },
        ],
        createdAt: T,
        state: 'scheduled',
      },
      T,
    );
    agent = new ObservationManagerAgent(obs.ctx, await observatoryDevices(obs.ctx));
    return { analyzer, agent, ctx: obs.ctx };
  }

  async function ended(ctx: TempObservatory['ctx'], id: number) {
    const until = Date.now() + 10_000;
    for (;;) {
      const o = ctx.observations.get(id);
      if (o !== undefined && o.state !== 'running') return o;
      if (Date.now() > until) throw new Error('the observation did not end');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('opens, slews, exposes each filter, writes FITS images and hands them to the analyzer', async () => {
    const { analyzer, agent, ctx } = await setup();
    const { observationId } = agent.startObservation(block('r1'));
    assert.equal(ctx.requests.get('r1')?.state, 'observing');
    const o = await ended(ctx, observationId);
    assert.equal(o.state, 'done', o.reason);
    assert.equal(ctx.requests.get('r1')?.state, 'done');
    const images = ctx.observations.images().reverse();
    assert.deepEqual(
      images.map((i) => i.filter),
      ['R', 'R', 'V'],
    );
    const fits = await readFits(images[0]?.path ?? '');
    assert.equal(fits.header.OBJECT, 'Capella');
    assert.equal(fits.header.EXPTIME, 30);
    assert.equal(agent.devices.dome.state(), 'open');
    await analyzer.waitFor('New image', 3);
  });

  it('refuses a second observation while one runs, and aborts on request: nothing more is written', async () => {
    const { agent, ctx } = await setup('clear', 60);
    const { observationId } = agent.startObservation(block('r1'));
    assert.throws(() => agent.startObservation(block('r1')), /busy with observation/);
    const result = await agent.abort('preempted by alert test');
    assert.deepEqual(result, { aborted: observationId });
    const o = await ended(ctx, observationId);
    assert.equal(o.state, 'aborted');
    assert.equal(o.reason, 'preempted by alert test');
    assert.equal(ctx.requests.get('r1')?.state, 'pending', 'planned again later');
    assert.equal(ctx.observations.images().length, 0);
  });

  it('fails with the reason when the dome refuses to open in rain', async () => {
    const { agent, ctx } = await setup('rain');
    const { observationId } = agent.startObservation(block('r1'));
    const o = await ended(ctx, observationId);
    assert.equal(o.state, 'failed');
    assert.match(o.reason ?? '', /rain/);
    assert.equal(ctx.observations.images().length, 0);
    assert.equal(existsSync(ctx.settings.paths.images), false);
  });
});
