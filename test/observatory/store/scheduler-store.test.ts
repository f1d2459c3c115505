// The scheduler's store: its requests (with their states and the outcomes of their observations)
// and its plan, in its own SQLite file, as the scheduler opens it.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ObservationRequest, PlannedBlock } from '../../../src/observatory/scheduler/request.js';
import { AgentStore } from '../../../src/observatory/store/agent-store.js';
import { PLAN_SQL, PlanRepo } from '../../../src/observatory/store/plan-repo.js';
import {
  OPEN_STATES,
  REQUESTS_MIGRATION_1,
  REQUESTS_SQL,
  RequestsRepo,
} from '../../../src/observatory/store/requests-repo.js';
import { tempDir } from '../../helpers.js';

const T = Date.parse('2026-11-29T20:00:00Z');
const SCHEMA = { version: 2, sql: REQUESTS_SQL + PLAN_SQL, migrations: [REQUESTS_MIGRATION_1] };
/** The requests table as the first scheduler made it: no cadence. */
const VERSION_1_SQL = REQUESTS_SQL.replace(/^\s*cadence_s\s+REAL,\n/m, '') + PLAN_SQL;

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

function block(id: string, start: number): PlannedBlock {
  return {
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
    exposures: [{ filter: 'R', exposureS: 60, count: 1 }],
  };
}

describe("the scheduler's store", () => {
  let dir: string;
  let path: string;
  let store: AgentStore;
  let requests: RequestsRepo;
  let plan: PlanRepo;
  const open = () => {
    store = AgentStore.open(path, SCHEMA);
    requests = new RequestsRepo(store.db);
    plan = new PlanRepo(store.db);
  };
  beforeEach(() => {
    dir = tempDir('pyros-scheduler-store-');
    path = join(dir, 'scheduler', 'scheduler.db');
    open();
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a first-version file gains the cadence; visits and the last visit end come from the outcomes', () => {
    store.close();
    rmSync(path);
    assert.ok(!VERSION_1_SQL.includes('cadence_s'));
    const old = AgentStore.open(path, { version: 1, sql: VERSION_1_SQL });
    old.db
      .prepare(
        `INSERT INTO requests (id, kind, target_name, ra_deg, dec_deg, priority, exposures, created_at, state, updated_at)
         VALUES ('old', 'routine', 'Old', 1, 2, 3, '[]', ${T}, 'pending', ${T})`,
      )
      .run();
    old.close();
    open();
    assert.equal(requests.get('old')?.cadenceS, undefined);
    assert.equal(requests.insert(request('mon', { cadenceS: 3600 }), T), true);
    assert.equal(requests.get('mon')?.cadenceS, 3600);
    requests.recordOutcome(1, 'finished', 'mon', T + 10);
    requests.recordOutcome(2, 'finished', 'mon', T + 20);
    requests.recordOutcome(3, 'failed', 'mon', T + 30);
    assert.equal(requests.visits('mon'), 2);
    assert.deepEqual([...requests.lastVisitEnds()], [['mon', T + 20]]);
  });

  it('keeps a request with its optional fields, once by id', () => {
    const r = request('a', {
      kind: 'alert',
      window: { start: T, end: T + 1000 },
      minAltitudeDeg: 30,
      moonSeparationDeg: 20,
      alertIvorn: 'ivo://x#1',
    });
    assert.equal(requests.insert(r, T), true);
    assert.equal(
      requests.insert({ ...r, targetName: 'other' }, T + 1),
      false,
      'the same id twice adds nothing',
    );
    assert.deepEqual(requests.get('a'), r);
    const plain = request('b');
    requests.insert(plain, T);
    assert.deepEqual(requests.get('b'), plain, 'no optional field appears from nowhere');
    assert.equal(requests.get('nope'), undefined);
    assert.deepEqual(
      requests.ofAlert('ivo://x#1').map((x) => x.id),
      ['a'],
    );
  });

  it('moves a request between states only from the states given', () => {
    requests.insert(request('a'), T);
    assert.equal(requests.setState('a', 'observing', T + 1, undefined, ['done']), false);
    assert.equal(requests.get('a')?.state, 'pending');
    assert.equal(requests.setState('a', 'observing', T + 1, undefined, OPEN_STATES), true);
    assert.equal(requests.setState('a', 'cancelled', T + 2, 'retracted', OPEN_STATES), false);
    assert.equal(requests.setState('a', 'done', T + 3), true, 'without a guard, from anywhere');
    assert.equal(requests.setState('missing', 'done', T + 3), false);
    const [record] = requests.records({ ids: ['a'], limit: 10 });
    assert.equal(record?.state, 'done');
    assert.equal(record?.reason, null);
    assert.equal(record?.updatedAt, T + 3);
  });

  it('lists requests by state oldest first, and as records by id or state newest first', () => {
    requests.insert(request('old', { createdAt: T - 2000 }), T);
    requests.insert(request('new', { createdAt: T }), T);
    requests.insert(request('mid', { createdAt: T - 1000 }), T);
    requests.setState('mid', 'cancelled', T + 50, 'retracted by ivo://r#1');
    requests.setState('old', 'scheduled', T + 10);
    assert.deepEqual(
      requests.inStates(OPEN_STATES).map((r) => r.id),
      ['old', 'new'],
    );
    assert.deepEqual(
      requests.all().map((r) => r.id),
      ['old', 'mid', 'new'],
    );
    assert.deepEqual(
      requests.records({ limit: 10 }).map((r) => r.id),
      ['mid', 'old', 'new'],
      'by last change, newest first',
    );
    assert.deepEqual(
      requests.records({ limit: 1 }).map((r) => r.id),
      ['mid'],
    );
    assert.deepEqual(
      requests.records({ states: ['cancelled'], limit: 10 }).map((r) => [r.id, r.reason]),
      [['mid', 'retracted by ivo://r#1']],
    );
    assert.deepEqual(
      requests.records({ ids: ['new', 'old'], states: ['pending'], limit: 10 }).map((r) => r.id),
      ['new'],
    );
    assert.deepEqual(requests.records({ ids: [], limit: 10 }), [], 'no ids: nothing, not everything');
    assert.deepEqual(requests.records({ states: [], limit: 10 }), []);
  });

  it('moves the target of a request', () => {
    requests.insert(request('a'), T);
    requests.setTarget('a', { raDeg: 1, decDeg: 2 }, T + 5);
    assert.deepEqual(requests.get('a')?.target, { raDeg: 1, decDeg: 2 });
    assert.equal(requests.records({ ids: ['a'], limit: 1 })[0]?.updatedAt, T + 5);
  });

  it("records an observation's outcome once, and counts failures without the aborted ones", () => {
    requests.insert(request('a'), T);
    assert.equal(requests.recordOutcome(1, 'started', 'a', T), true);
    assert.equal(requests.recordOutcome(1, 'started', 'a', T + 1), false, 'the same news twice');
    assert.equal(
      requests.recordOutcome(1, 'failed', 'a', T + 2),
      true,
      'another event of the same observation',
    );
    assert.equal(requests.recordOutcome(1, 'failed', 'a', T + 2), false);
    assert.equal(requests.recordOutcome(2, 'aborted', 'a', T + 3), true);
    assert.equal(requests.recordOutcome(3, 'failed', 'a', T + 4), true);
    assert.equal(requests.recordOutcome(4, 'failed', 'b', T + 4), true);
    assert.equal(requests.failures('a'), 2);
    assert.equal(requests.failures('b'), 1);
    assert.equal(requests.failures('c'), 0);
  });

  it('replaces the plan as a whole, its blocks by start, its version going up', () => {
    assert.deepEqual(plan.current(), { version: 0, madeAt: 0, blocks: [] });
    const first = plan.replace([block('b', T + 500), block('a', T)], T);
    assert.equal(first.version, 1);
    assert.deepEqual(
      plan.blocks().map((b) => b.id),
      ['a', 'b'],
    );
    assert.deepEqual(plan.blocks()[0], block('a', T), 'a block comes back whole');
    const second = plan.replace([block('c', T + 100)], T + 60_000);
    assert.equal(second.version, 2);
    assert.deepEqual(plan.current(), { version: 2, madeAt: T + 60_000, blocks: [block('c', T + 100)] });
    assert.equal(plan.replace([], T + 120_000).version, 3);
    assert.deepEqual(plan.current().blocks, []);
  });

  it('a replan that fails in its transaction leaves the plan, its version and the requests as they were', () => {
    requests.insert(request('a'), T);
    plan.replace([block('a', T)], T);
    assert.throws(() =>
      store.transaction(() => {
        requests.setState('a', 'scheduled', T + 1, undefined, OPEN_STATES);
        plan.replace([block('x', T + 10)], T + 1);
        throw new Error('disk full');
      }),
    );
    assert.deepEqual(plan.current(), { version: 1, madeAt: T, blocks: [block('a', T)] });
    assert.equal(requests.get('a')?.state, 'pending');
  });

  it('keeps requests, outcomes and the plan version across reopening the file', () => {
    requests.insert(request('a', { alertIvorn: 'ivo://x#1', kind: 'alert' }), T);
    requests.setState('a', 'observing', T + 1);
    requests.recordOutcome(7, 'failed', 'a', T + 2);
    plan.replace([block('a', T)], T);
    plan.replace([block('a', T + 10)], T + 5);
    store.close();
    open();
    assert.equal(requests.get('a')?.state, 'observing');
    assert.equal(requests.failures('a'), 1);
    assert.equal(requests.recordOutcome(7, 'failed', 'a', T + 2), false);
    assert.deepEqual(plan.current(), { version: 2, madeAt: T + 5, blocks: [block('a', T + 10)] });
    assert.equal(plan.replace([], T + 6).version, 3);
  });
});
