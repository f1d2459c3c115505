import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ObservationRequest, PlannedBlock } from '../../../src/observatory/scheduler/request.js';
import { openObservatoryDb } from '../../../src/observatory/store/observatory-db.js';
import { type TempObservatory, tempObservatory } from '../observatory-fixture.js';

const T = Date.parse('2026-11-29T20:00:00Z');

function request(id: string, over: Partial<ObservationRequest> = {}): ObservationRequest {
  return {
    id,
    kind: 'routine',
    targetName: `target ${id}`,
    target: { raDeg: 10.68, decDeg: 41.27 },
    priority: 5,
    exposures: [{ filter: 'R', exposureS: 60, count: 2 }],
    createdAt: T,
    state: 'pending',
    ...over,
  };
}

describe('observatory store', () => {
  let obs: TempObservatory;
  beforeEach(() => {
    obs = tempObservatory();
  });
  afterEach(() => obs.dispose());

  it('keeps requests with their optional fields, and moves them between states with a guard', () => {
    const { requests } = obs.ctx;
    const r = request('a', {
      window: { start: T, end: T + 1000 },
      minAltitudeDeg: 30,
      alertIvorn: 'ivo://x#1',
    });
    assert.equal(requests.insert(r, T), true);
    assert.equal(requests.insert(r, T), false, 'the same id twice adds nothing');
    assert.deepEqual(requests.get('a'), r);
    assert.equal(requests.setState('a', 'observing', T, undefined, ['done']), false);
    assert.equal(requests.setState('a', 'observing', T, undefined, ['pending']), true);
    assert.deepEqual(
      requests.inStates(['observing']).map((x) => x.id),
      ['a'],
    );
    assert.deepEqual(
      requests.ofAlert('ivo://x#1').map((x) => x.id),
      ['a'],
    );
    requests.setTarget('a', { raDeg: 1, decDeg: 2 }, T);
    assert.deepEqual(requests.get('a')?.target, { raDeg: 1, decDeg: 2 });
  });

  it('replaces the plan as a whole, its version going up', () => {
    const { plan } = obs.ctx;
    assert.equal(plan.version(), 0);
    const block = (id: string, start: number): PlannedBlock => ({
      id,
      requestId: id,
      kind: 'routine',
      targetName: id,
      target: { raDeg: 0, decDeg: 0 },
      priority: 1,
      start,
      end: start + 100,
      altitudeDeg: 50,
      airmass: 1.3,
    });
    assert.equal(plan.replace([block('b', T + 500), block('a', T)], T), 1);
    assert.deepEqual(
      plan.blocks().map((b) => b.id),
      ['a', 'b'],
    );
    assert.equal(plan.replace([block('c', T)], T), 2);
    assert.deepEqual(
      plan.blocks().map((b) => b.id),
      ['c'],
    );
  });

  it('records observations, images and analyses, and survives reopening the file', () => {
    const { observations } = obs.ctx;
    const id = observations.start({ requestId: 'a', blockId: 'a@1', targetName: 'M31', startedAt: T });
    const imageId = observations.addImage({
      observationId: id,
      path: '/tmp/x.fits',
      object: 'M31',
      filter: 'R',
      exposureS: 60,
      dateObs: T + 10,
      target: { raDeg: 10.68, decDeg: 41.27 },
    });
    observations.setAnalysis(imageId, { background: 1000, noise: 5, sourceCount: 3 }, T + 100);
    observations.end(id, 'done', T + 200);
    observations.end(id, 'failed', T + 300, 'too late: already ended');
    const again = openObservatoryDb(obs.ctx.settings.paths.database);
    try {
      const row = again
        .prepare<[], { state: string; ended_at: number }>('SELECT state, ended_at FROM observations')
        .get();
      assert.deepEqual(row, { state: 'done', ended_at: T + 200 });
    } finally {
      again.close();
    }
    assert.deepEqual(observations.image(imageId)?.analysis, { background: 1000, noise: 5, sourceCount: 3 });
    assert.equal(observations.image(imageId)?.analyzedAt, T + 100);
  });

  it('records an alert once by ivorn', () => {
    const { alerts } = obs.ctx;
    const a = {
      ivorn: 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729',
      receivedAt: T,
      source: 'cli',
      role: 'observation',
      outcome: 'accepted' as const,
      reason: 'ok',
      drill: false,
      xml: '<xml/>',
      raDeg: 74.74,
      decDeg: -9.31,
    };
    assert.equal(alerts.insert(a), true);
    assert.equal(alerts.insert({ ...a, reason: 'again' }), false);
    assert.deepEqual(alerts.get(a.ivorn), a);
    assert.equal(alerts.latest().length, 1);
  });
});
