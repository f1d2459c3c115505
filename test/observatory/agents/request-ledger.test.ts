// The scheduler's book of request states, moved by what the observation manager and the alert
// manager tell it: each piece of news counts once, whatever the number of times it is delivered.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import pino from 'pino';
import { MAX_FAILURES, RequestLedger } from '../../../src/observatory/agents/request-ledger.js';
import type { ObservationRequest, RequestState } from '../../../src/observatory/scheduler/request.js';
import { AgentStore } from '../../../src/observatory/store/agent-store.js';
import { REQUESTS_SQL, RequestsRepo } from '../../../src/observatory/store/requests-repo.js';
import { tempDir } from '../../helpers.js';

const T = Date.parse('2026-11-29T20:00:00Z');

function request(id: string, state: RequestState = 'scheduled'): ObservationRequest {
  return {
    id,
    kind: 'alert',
    targetName: id,
    target: { raDeg: 79.17, decDeg: 46 },
    priority: 100,
    exposures: [{ filter: 'R', exposureS: 60, count: 5 }],
    window: { start: T, end: T + 12 * 3_600_000 },
    createdAt: T,
    alertIvorn: `ivo://test#${id}`,
    state,
  };
}

describe('RequestLedger', () => {
  let dir: string;
  let store: AgentStore;
  let requests: RequestsRepo;
  let ledger: RequestLedger;
  beforeEach(() => {
    dir = tempDir('pyros-ledger-');
    store = AgentStore.open(join(dir, 'scheduler.db'), { version: 1, sql: REQUESTS_SQL });
    requests = new RequestsRepo(store.db);
    ledger = new RequestLedger(requests, pino({ level: 'silent' }));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const state = (id: string) => requests.get(id)?.state;
  const news = (observationId: number, requestId = 'a', time = T) => ({
    observationId,
    requestId,
    time,
  });

  it('a request with a cadence goes back to pending after each visit, each visit counted once', () => {
    requests.insert({ ...request('mon'), kind: 'routine', cadenceS: 3600 }, T);
    ledger.started(news(1, 'mon'));
    assert.equal(ledger.finished(news(1, 'mon', T + 10)), true);
    assert.equal(state('mon'), 'pending');
    assert.equal(ledger.finished(news(1, 'mon', T + 20)), false);
    ledger.started(news(2, 'mon', T + 4000));
    assert.equal(state('mon'), 'observing');
    assert.equal(ledger.finished(news(2, 'mon', T + 5000)), true);
    assert.equal(state('mon'), 'pending');
    assert.equal(requests.records({ ids: ['mon'], limit: 1 })[0]?.reason, 'visit 2 done');
    assert.deepEqual(requests.lastVisitEnds().get('mon'), T + 5000);
  });

  it('started, then finished: observing, then done; the same news again moves nothing', () => {
    requests.insert(request('a'), T);
    ledger.started(news(1));
    assert.equal(state('a'), 'observing');
    assert.equal(ledger.finished(news(1, 'a', T + 10)), true);
    assert.equal(state('a'), 'done');
    // The courier's resend after a lost reply: recognised by observation id.
    ledger.started(news(1));
    assert.equal(state('a'), 'done', 'a resent start does not reopen a done request');
    assert.equal(ledger.finished(news(1)), false);
    assert.equal(requests.records({ ids: ['a'], limit: 1 })[0]?.updatedAt, T + 10);
  });

  it('a start for a request closed meanwhile leaves it closed', () => {
    requests.insert(request('a', 'cancelled'), T);
    ledger.started(news(1));
    assert.equal(state('a'), 'cancelled');
    assert.equal(ledger.finished(news(1)), true, 'the news is recorded');
    assert.equal(state('a'), 'cancelled', 'but moves nothing');
  });

  it(`a failure puts the request back to pending; the ${MAX_FAILURES}rd gives it up`, () => {
    requests.insert(request('a'), T);
    for (let n = 1; n < MAX_FAILURES; n++) {
      ledger.started(news(n));
      assert.equal(ledger.failed({ ...news(n), reason: 'camera timeout', aborted: false }), true);
      assert.equal(state('a'), 'pending', `after failure ${n}`);
      // Delivered twice: counted once.
      assert.equal(ledger.failed({ ...news(n), reason: 'camera timeout', aborted: false }), false);
    }
    assert.equal(requests.failures('a'), MAX_FAILURES - 1);
    ledger.started(news(MAX_FAILURES));
    ledger.failed({ ...news(MAX_FAILURES), reason: 'camera timeout', aborted: false });
    assert.equal(state('a'), 'failed');
    assert.equal(requests.records({ ids: ['a'], limit: 1 })[0]?.reason, 'camera timeout');
  });

  it('an aborted observation (preempted, the weather) is not a failure', () => {
    requests.insert(request('a'), T);
    for (let n = 1; n <= MAX_FAILURES + 2; n++) {
      ledger.started(news(n));
      ledger.failed({ ...news(n), reason: 'preempted by alert grb', aborted: true });
      assert.equal(state('a'), 'pending');
    }
    assert.equal(requests.failures('a'), 0);
    ledger.failed({ ...news(100), reason: 'dome stuck', aborted: false });
    assert.equal(state('a'), 'pending', 'one real failure after the aborts');
  });

  it('a follow-up moves only an open request', () => {
    requests.insert(request('open', 'pending'), T);
    requests.insert(request('observing', 'observing'), T);
    requests.insert(request('done', 'done'), T);
    const target = { raDeg: 80, decDeg: 45.5 };
    assert.equal(ledger.retarget('open', target, T + 1), true);
    assert.deepEqual(requests.get('open')?.target, target);
    for (const id of ['observing', 'done']) {
      assert.equal(ledger.retarget(id, target, T + 1), false, id);
      assert.deepEqual(requests.get(id)?.target, { raDeg: 79.17, decDeg: 46 }, id);
    }
    assert.equal(ledger.retarget('unknown', target, T + 1), false);
  });

  it('a retraction cancels the open requests among those named, and says which', () => {
    requests.insert(request('p', 'pending'), T);
    requests.insert(request('s', 'scheduled'), T);
    requests.insert(request('d', 'done'), T);
    requests.insert(request('o', 'observing'), T);
    assert.deepEqual(ledger.cancel(['p', 's', 'd', 'o', 'unknown'], 'retracted by ivo://r#1', T + 1), [
      'p',
      's',
    ]);
    assert.equal(state('p'), 'cancelled');
    assert.equal(state('s'), 'cancelled');
    assert.equal(state('d'), 'done');
    assert.equal(state('o'), 'observing');
    assert.equal(requests.records({ ids: ['p'], limit: 1 })[0]?.reason, 'retracted by ivo://r#1');
    assert.deepEqual(ledger.cancel(['p', 's'], 'again', T + 2), [], 'a second retraction cancels nothing');
  });
});
