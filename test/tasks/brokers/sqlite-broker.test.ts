import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { BROKER_ENV, DEFAULT_BROKER_URL, openBroker } from '../../../src/tasks/brokers/broker-url.js';
import { SqliteBroker } from '../../../src/tasks/brokers/sqlite-broker.js';
import { SCHEMA_VERSION } from '../../../src/tasks/brokers/sqlite-schema.js';
import { brokerConformance, newTask } from './conformance.js';
import type { WorkerReport } from './fixtures/drain.js';
import { runWorkerProcesses } from './worker-processes.js';

const dir = mkdtempSync(join(tmpdir(), 'pyros-sqlite-broker-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function tempDb(): string {
  fileCount += 1;
  return join(dir, `broker-${fileCount}.db`);
}

brokerConformance('sqlite broker (file)', async () => SqliteBroker.open(tempDb()));
brokerConformance('sqlite broker (:memory:)', async () => SqliteBroker.open(':memory:'));

const T = 1_700_000_000_000;
const WORKER = fileURLToPath(new URL('./fixtures/reserve-worker.ts', import.meta.url));

/** Runs the fixture worker processes on `dbPath`, starting them together; returns their reports. */
function runWorkers(dbPath: string, count: number, claimKeys: number): Promise<WorkerReport[]> {
  return runWorkerProcesses(WORKER, dbPath, count, claimKeys);
}

describe('SqliteBroker', () => {
  it('four processes drain 2,000 tasks: each claimed once and SUCCESS once', async () => {
    const path = tempDb();
    const broker = SqliteBroker.open(path);
    const total = 2000;
    const all = Array.from({ length: total }, (_, i) => newTask({ id: `t${i}`, args: [i], priority: i % 3 }));
    for (const task of all) await broker.enqueue(task, T);
    await broker.close();

    const reports = await runWorkers(path, 4, 40);

    const claimed = reports.flatMap((r) => r.claimed);
    assert.equal(claimed.length, total, 'tasks claimed in all');
    assert.equal(new Set(claimed).size, total, 'no task claimed twice');
    assert.deepEqual(
      reports.map((r) => r.lostCompletes),
      [0, 0, 0, 0],
    );
    const claims = reports.flatMap((r) => r.claims).sort();
    assert.deepEqual(
      claims,
      Array.from({ length: 40 }, (_, i) => `tick@${i}`).sort(),
      'each claimOnce key won by one process',
    );

    const reopened = SqliteBroker.open(path);
    try {
      assert.deepEqual(await reopened.counts(), { SUCCESS: total });
      const byId = new Map(reports.flatMap((r) => r.claimed.map((id) => [id, r.workerId] as const)));
      for (const record of await reopened.list({})) {
        const i = Number(record.id.slice(1));
        assert.equal(record.attempt, 1);
        assert.equal(record.workerId, byId.get(record.id));
        assert.deepEqual(record.result, { by: byId.get(record.id), double: i * 2 });
      }
    } finally {
      await reopened.close();
    }
  });

  it('keeps tasks across close and reopen, in a WAL file with the schema version set', async () => {
    const path = tempDb();
    const first = SqliteBroker.open(path);
    const task = newTask({ args: [{ deep: ['☃'] }] });
    await first.enqueue(task, T);
    const [got] = await first.reserve(['default'], 'w1', 1000, 1, T);
    await first.progress(task.id, 'w1', 30, 'slewing');
    assert.equal(await first.claimOnce('k', T), true);
    await first.close();
    await first.close(); // closing twice is harmless

    const second = SqliteBroker.open(path);
    try {
      assert.deepEqual(await second.get(task.id), { ...got, progress: { pct: 30, note: 'slewing' } });
      assert.equal(await second.claimOnce('k', T), false);
      assert.equal(await second.complete(task.id, 'w1', 'ok', T + 1), true);
    } finally {
      await second.close();
    }

    const raw = new Database(path, { readonly: true });
    try {
      assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(raw.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    } finally {
      raw.close();
    }
  });

  it('shares one file between two connections: one reserve wins, one claim wins', async () => {
    const path = tempDb();
    const a = SqliteBroker.open(path);
    const b = SqliteBroker.open(path);
    try {
      const task = newTask();
      await a.enqueue(task, T);
      assert.equal((await b.get(task.id))?.state, 'PENDING');
      assert.equal((await b.reserve(['default'], 'wb', 1000, 5, T)).length, 1);
      assert.deepEqual(await a.reserve(['default'], 'wa', 1000, 5, T), []);
      assert.equal(await a.complete(task.id, 'wa', 1, T), false);
      assert.equal(await b.complete(task.id, 'wb', 2, T), true);
      assert.equal((await a.get(task.id))?.result, 2);
      assert.equal(await a.claimOnce('x', T), true);
      assert.equal(await b.claimOnce('x', T), false);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('removeFinished also forgets old claimOnce keys', async () => {
    const b = SqliteBroker.open(':memory:');
    try {
      assert.equal(await b.claimOnce('old', T), true);
      assert.equal(await b.claimOnce('new', T + 100), true);
      await b.removeFinished(T + 50);
      assert.equal(await b.claimOnce('old', T + 200), true);
      assert.equal(await b.claimOnce('new', T + 200), false);
    } finally {
      await b.close();
    }
  });

  it('commits the writes of one tick together, each caller getting its own result', async () => {
    const b = SqliteBroker.open(tempDb());
    try {
      const a = newTask({ id: 'a' });
      const dup = newTask({ id: 'a', args: ['dup'] });
      const c = newTask({ id: 'c' });
      // One tick: the duplicate fails alone; the tasks around it are stored.
      const enqueued = await Promise.allSettled([b.enqueue(a, T), b.enqueue(dup, T), b.enqueue(c, T)]);
      assert.deepEqual(
        enqueued.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.deepEqual((await b.get('a'))?.args, [1, 2]);
      assert.equal((await b.reserve(['default'], 'w1', 1000, 10, T)).length, 2);
      // One tick again: the holder's complete wins, the stranger's and the second one lose.
      const results = await Promise.all([
        b.complete('a', 'w2', 'stranger', T + 1),
        b.complete('a', 'w1', 'first', T + 1),
        b.complete('a', 'w1', 'second', T + 1),
        b.fail('c', 'w1', { name: 'E', message: 'm' }, undefined, T + 1),
        b.heartbeat('c', 'w1', 1000, T + 1),
        b.complete('missing', 'w1', null, T + 1),
      ]);
      assert.deepEqual(results, [false, true, false, true, { held: false, revokeRequested: false }, false]);
      assert.equal((await b.get('a'))?.result, 'first');
      assert.equal((await b.get('c'))?.state, 'FAILURE');
    } finally {
      await b.close();
    }
  });

  it('reads see the writes asked for before them, not yet committed', async () => {
    const b = SqliteBroker.open(':memory:');
    try {
      const t = newTask();
      void b.enqueue(t, T);
      assert.equal((await b.get(t.id))?.state, 'PENDING');
      assert.deepEqual(await b.counts(), { PENDING: 1 });
    } finally {
      await b.close();
    }
  });

  it('reports its url', async () => {
    const path = tempDb();
    const b = SqliteBroker.open(path);
    const c = SqliteBroker.open(path, 'sqlite:./x.db');
    assert.equal(b.url, `sqlite:${path}`);
    assert.equal(c.url, 'sqlite:./x.db');
    await b.close();
    await c.close();
  });

  it('refuses a file that is not a SQLite database, in one line naming it', () => {
    const path = join(dir, 'not-a-db.db');
    writeFileSync(path, 'this is a text file, not a database\n'.repeat(200));
    assert.throws(
      () => SqliteBroker.open(path),
      (error: Error) =>
        error.message.startsWith(`cannot open task database "${path}"`) &&
        /not a database/.test(error.message) &&
        !error.message.includes('\n'),
    );
  });

  it('refuses a missing folder, naming it, and creates no folder', () => {
    const path = join(dir, 'missing', 'tasks.db');
    assert.throws(
      () => SqliteBroker.open(path),
      (error: Error) =>
        error.message ===
        `cannot open task database "${path}": folder "${join(dir, 'missing')}" does not exist`,
    );
    assert.equal(existsSync(join(dir, 'missing')), false);
  });

  it('refuses a file written by a newer schema', () => {
    const path = tempDb();
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    assert.throws(() => SqliteBroker.open(path), /schema version 99 is newer/);
  });

  it('migrates a version 1 file: its tasks kept, running tasks moved out of the ready index', async () => {
    const path = tempDb();
    const first = SqliteBroker.open(path);
    const running = newTask({ createdAt: T });
    const waiting = newTask({ createdAt: T + 1 });
    await first.enqueue(running, T);
    await first.enqueue(waiting, T);
    assert.equal((await first.reserve(['default'], 'w1', 1000, 1, T))[0]?.id, running.id);
    await first.close();
    // What version 1 left in the file: one ready index holding running tasks too.
    const raw = new Database(path);
    raw.exec(`DROP INDEX tasks_ready; DROP INDEX tasks_locked;
      CREATE INDEX tasks_ready ON tasks (queue, priority DESC, eta, created_at, seq)
        WHERE state IN ('PENDING', 'SCHEDULED', 'RETRY', 'STARTED');`);
    raw.pragma('user_version = 1');
    raw.close();

    const second = SqliteBroker.open(path);
    try {
      assert.equal((await second.get(running.id))?.state, 'STARTED');
      assert.equal((await second.get(waiting.id))?.state, 'PENDING');
      // Once its lock (1 s) has run out, the running task is due again, in the order of both.
      const taken = await second.reserve(['default'], 'w2', 1000, 5, T + 2000);
      assert.deepEqual(
        taken.map((t) => t.id),
        [running.id, waiting.id],
      );
    } finally {
      await second.close();
    }
    const check = new Database(path, { readonly: true });
    try {
      assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      const ready = check
        .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'tasks_ready'")
        .get();
      assert.ok(ready !== undefined && !ready.sql.includes('STARTED'), ready?.sql);
      assert.ok(check.prepare("SELECT 1 FROM sqlite_master WHERE name = 'tasks_locked'").get() !== undefined);
    } finally {
      check.close();
    }
  });
});

describe('openBroker', () => {
  it('opens sqlite:PATH relative to baseDir, keeping the URL', async () => {
    const broker = await openBroker('sqlite:./sub-relative.db', { baseDir: dir });
    try {
      assert.equal(broker.url, 'sqlite:./sub-relative.db');
      assert.ok(existsSync(join(dir, 'sub-relative.db')));
    } finally {
      await broker.close();
    }
  });

  it('opens an absolute sqlite path and sqlite::memory:', async () => {
    const path = tempDb();
    const file = await openBroker(`sqlite:${path}`, { baseDir: '/nowhere' });
    await file.enqueue(newTask({ id: 'abs' }), T);
    await file.close();
    assert.ok(existsSync(path));
    const memory = await openBroker('sqlite::memory:');
    try {
      assert.equal(memory.url, 'sqlite::memory:');
      assert.deepEqual(await memory.counts(), {});
    } finally {
      await memory.close();
    }
  });

  it('rejects any other URL in one line', async () => {
    for (const url of [
      '',
      'sqlite:',
      'http://x/y',
      'postgres://db/tasks',
      'redis://',
      './tasks.db',
      'SQLITE:x.db',
    ]) {
      await assert.rejects(openBroker(url), {
        message: `bad broker URL "${url}": expected sqlite:PATH or redis://HOST:PORT/DB`,
      });
    }
  });

  it('has the default URL and environment variable', () => {
    assert.equal(DEFAULT_BROKER_URL, 'sqlite:./pyros-tasks.db');
    assert.equal(BROKER_ENV, 'PYROS_BROKER');
  });
});
