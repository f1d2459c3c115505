import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { openBroker } from '../../../src/tasks/brokers/broker-url.js';
import { RedisBroker } from '../../../src/tasks/brokers/redis-broker.js';
import { brokerConformance, newTask } from './conformance.js';
import type { WorkerReport } from './fixtures/drain.js';
import { freePort, startRedisServer } from './redis-server.js';
import { runWorkerProcesses } from './worker-processes.js';

const T = 1_700_000_000_000;

const server = await startRedisServer();
// One admin connection empties a database before each broker opens on it.
const admin = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
await admin.connect();
after(async () => {
  admin.disconnect();
  await server.stop();
});

/** A broker on database `db`, emptied first. */
async function freshBroker(db: number): Promise<RedisBroker> {
  await admin.select(db);
  await admin.flushdb();
  return RedisBroker.open(server.url(db));
}

brokerConformance('redis broker', () => freshBroker(1));

const WORKER = fileURLToPath(new URL('./redis-server.ts', import.meta.url));

/** Runs the fixture worker processes on `url`, starting them together; returns their reports. */
function runWorkers(url: string, count: number, claimKeys: number): Promise<WorkerReport[]> {
  return runWorkerProcesses(WORKER, url, count, claimKeys);
}

describe('RedisBroker', () => {
  it('four processes drain 2,000 tasks: each claimed once and SUCCESS once', async () => {
    const broker = await freshBroker(2);
    const total = 2000;
    const all = Array.from({ length: total }, (_, i) => newTask({ id: `t${i}`, args: [i], priority: i % 3 }));
    await Promise.all(all.map((task) => broker.enqueue(task, T)));
    await broker.close();

    const reports = await runWorkers(server.url(2), 4, 40);

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

    const reopened = await RedisBroker.open(server.url(2));
    try {
      assert.deepEqual(await reopened.counts(), { SUCCESS: total });
      const byId = new Map(reports.flatMap((r) => r.claimed.map((id) => [id, r.workerId] as const)));
      const records = await reopened.list({});
      assert.equal(records.length, total);
      for (const record of records) {
        const i = Number(record.id.slice(1));
        assert.equal(record.attempt, 1);
        assert.equal(record.workerId, byId.get(record.id));
        assert.deepEqual(record.result, { by: byId.get(record.id), double: i * 2 });
      }
    } finally {
      await reopened.close();
    }
  });

  it('stores tasks as BullMQ jobs that BullMQ itself reads', async () => {
    const broker = await freshBroker(3);
    const queue = new Queue('default', { connection: { host: '127.0.0.1', port: server.port, db: 3 } });
    try {
      const done = newTask({
        name: 'camera.expose',
        args: [{ exp: 30 }],
        maxRetries: 2,
        retryBackoffMs: 500,
      });
      const running = newTask();
      const failed = newTask();
      for (const t of [done, running, failed]) await broker.enqueue(t, T);
      assert.equal((await broker.reserve(['default'], 'w1', 1000, 3, T + 5)).length, 3);
      await broker.progress(running.id, 'w1', 25, 'slewing');
      await broker.complete(done.id, 'w1', { frames: 3 }, T + 10);
      await broker.fail(
        failed.id,
        'w1',
        { name: 'E', message: 'dome closed', stack: 'E: dome closed' },
        undefined,
        T + 20,
      );

      const job = await queue.getJob(done.id);
      assert.equal(job?.id, done.id);
      assert.equal(job?.name, 'camera.expose');
      assert.deepEqual(job?.data, [{ exp: 30 }]);
      assert.deepEqual(job?.returnvalue, { frames: 3 });
      assert.equal(job?.timestamp, done.createdAt);
      assert.equal(job?.processedOn, T + 5);
      assert.equal(job?.finishedOn, T + 10);
      assert.equal(job?.opts.attempts, 3);
      assert.equal(job?.attemptsStarted, 1);
      assert.deepEqual((await queue.getJob(running.id))?.progress, { pct: 25, note: 'slewing' });
      const bad = await queue.getJob(failed.id);
      assert.equal(bad?.failedReason, 'dome closed');
      assert.deepEqual(bad?.stacktrace, ['E: dome closed']);
      assert.deepEqual(await queue.getJobCounts('active', 'completed', 'failed'), {
        active: 1,
        completed: 1,
        failed: 1,
      });
      assert.deepEqual(
        (await queue.getCompleted()).map((j) => j.id),
        [done.id],
      );
    } finally {
      await queue.close();
      await broker.close();
    }
  });

  it('makes a scheduled task available exactly at its eta, with no Redis timer', async () => {
    const broker = await freshBroker(4);
    try {
      const start = Date.now();
      const task = newTask({ eta: start + 150, createdAt: start });
      await broker.enqueue(task, start);
      const asked = Date.now();
      const wait = await broker.nextDue(['default'], asked);
      assert.equal(wait, Math.max(0, task.eta - asked));
      await new Promise((resolve) => setTimeout(resolve, wait));
      let got = await broker.reserve(['default'], 'w1', 1000, 1, Date.now());
      // A timer may fire a ms early by Date.now(): then the next ms must bring it.
      while (got.length === 0 && Date.now() < task.eta + 2) {
        got = await broker.reserve(['default'], 'w1', 1000, 1, Date.now());
      }
      assert.deepEqual(
        got.map((r) => r.id),
        [task.id],
      );
      const late = (got[0]?.startedAt ?? 0) - task.eta;
      // Only this process's own timer can make it late (BullMQ's delayed jobs wait for Redis's
      // 100 ms timer at the default hz 10); the bound is loose for loaded CI machines.
      assert.ok(late >= 0 && late < 50, `taken ${late} ms after its eta`);
    } finally {
      await broker.close();
    }
  });

  it('rejects task ids and queue names that would clash with BullMQ keys', async () => {
    const broker = await freshBroker(4);
    try {
      await assert.rejects(broker.enqueue(newTask({ id: 'completed' }), T), /reserved by BullMQ/);
      await assert.rejects(broker.enqueue(newTask({ queue: 'a:b' }), T), /bad queue name "a:b"/);
      assert.deepEqual(await broker.counts(), {});
    } finally {
      await broker.close();
    }
  });

  it('removeFinished also forgets old claimOnce keys', async () => {
    const broker = await freshBroker(5);
    try {
      assert.equal(await broker.claimOnce('old', T), true);
      assert.equal(await broker.claimOnce('new', T + 100), true);
      await broker.removeFinished(T + 50);
      assert.equal(await broker.claimOnce('old', T + 200), true);
      assert.equal(await broker.claimOnce('new', T + 200), false);
    } finally {
      await broker.close();
    }
  });

  it('is what openBroker returns for a redis:// URL', async () => {
    const broker = await openBroker(server.url(5));
    try {
      assert.ok(broker instanceof RedisBroker);
      assert.equal(broker.url, server.url(5));
    } finally {
      await broker.close();
    }
  });

  it('fails fast, in one line naming the URL, when nothing listens', async () => {
    const url = `redis://127.0.0.1:${await freePort()}/0`;
    const started = Date.now();
    await assert.rejects(RedisBroker.open(url), (error: Error) => {
      assert.match(error.message, new RegExp(`^cannot connect to Redis broker "${url}": .*ECONNREFUSED`));
      assert.ok(!error.message.includes('\n'));
      return true;
    });
    assert.ok(Date.now() - started < 2000, 'took too long');
  });

  it('gives up within the timeout on a server that never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    assert.ok(address !== null && typeof address === 'object');
    const url = `redis://127.0.0.1:${address.port}/0`;
    const started = Date.now();
    try {
      await assert.rejects(RedisBroker.open(url, { connectTimeoutMs: 300 }), (error: Error) => {
        assert.ok(error.message.startsWith(`cannot connect to Redis broker "${url}": `), error.message);
        assert.ok(!error.message.includes('\n'));
        return true;
      });
      assert.ok(Date.now() - started < 1500, 'took too long');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('refuses a bad URL in one line, hiding the password', async () => {
    const cases: [string, RegExp][] = [
      ['redis://localhost:notaport/0', /^bad broker URL "redis:\/\/localhost:notaport\/0": /],
      ['redis://localhost:6379/abc', /^bad broker URL ".*": bad database "abc"/],
      ['redis://localhost:6379/0/1', /^bad broker URL ".*": bad database "0\/1"/],
      ['redis://localhost:6379/0?x=1', /^bad broker URL ".*": no query/],
      ['http://localhost:6379/0', /^bad broker URL ".*": unknown scheme "http:"/],
      ['redis://user:secret@localhost:6379/x', /^bad broker URL "redis:\/\/user:\*\*\*@localhost:6379\/x"/],
    ];
    for (const [url, expected] of cases) {
      await assert.rejects(RedisBroker.open(url), (error: Error) => {
        assert.match(error.message, expected);
        assert.ok(!error.message.includes('\n'));
        assert.ok(!error.message.includes('secret'));
        return true;
      });
    }
  });
});
