// A worker whose broker goes away while it records results: each result is recorded once, when
// the broker is back, and no finished task runs again. And what a worker says of Redis durability.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedisBroker } from '../../src/tasks/brokers/redis-broker.js';
import { defineTask } from '../../src/tasks/define-task.js';
import type { TaskContext } from '../../src/tasks/task-context.js';
import { TaskWorker } from '../../src/tasks/task-worker.js';
import { recordingLog, tempDir, waitFor } from '../helpers.js';
import { startRedisServer } from './brokers/redis-server.js';

const runs = new Map<string, number>();
let release: () => void = () => undefined;
let released = new Promise<void>((r) => {
  release = r;
});
const held = defineTask('held-until-released', async (n: number, ctx: TaskContext) => {
  runs.set(ctx.taskId, (runs.get(ctx.taskId) ?? 0) + 1);
  await released;
  return n * 2;
});

describe('recording results through a Redis outage', { timeout: 60_000 }, () => {
  it('Redis down 1.5 s as two tasks end: both recorded once when it is back, neither run again', async () => {
    const aofDir = tempDir('pyros-redis-aof-');
    const first = await startRedisServer(undefined, { aofDir });
    const broker = await RedisBroker.open(first.url(0));
    const { log, lines } = recordingLog();
    // A short lock: without the retry, a lost result would let the task run again within 2 s.
    const worker = new TaskWorker({ broker, log, concurrency: 2, lockMs: 2000, pollMs: 20 });
    let second: Awaited<ReturnType<typeof startRedisServer>> | undefined;
    try {
      const a = await held.applyAsync([1], { broker, taskId: 'outage-a' });
      const b = await held.applyAsync([2], { broker, taskId: 'outage-b' });
      worker.start();
      await waitFor(() => runs.get('outage-a') === 1 && runs.get('outage-b') === 1, 10_000, 'both running');
      await first.stop();
      release();
      await new Promise((r) => setTimeout(r, 1500));
      second = await startRedisServer(first.port, { aofDir });
      assert.equal(await a.get({ timeout: 15_000 }), 2);
      assert.equal(await b.get({ timeout: 15_000 }), 4);
      for (const id of ['outage-a', 'outage-b']) {
        const record = await broker.get(id);
        assert.equal(record?.state, 'SUCCESS', id);
        assert.equal(record?.attempt, 1, `${id}: one attempt`);
      }
      // Past the lock's end: had a result been lost, the task would have been taken again by now.
      await new Promise((r) => setTimeout(r, 2500));
      assert.deepEqual(Object.fromEntries(runs), { 'outage-a': 1, 'outage-b': 1 });
      assert.deepEqual(worker.counts, { succeeded: 2, failed: 0, retried: 0, revoked: 0, lost: 0 });
      assert.ok(
        lines.some((l) => l.level === 'warn' && /recorded after \d+ ms waiting for the broker/.test(l.text)),
        'the wait is logged',
      );
    } finally {
      release();
      await worker.stop(1000);
      await broker.close();
      await second?.stop();
      await first.stop();
      released = Promise.resolve();
    }
  });

  it('a worker warns at start when Redis keeps no AOF, and not when it does', async () => {
    const bare = await startRedisServer();
    const aof = await startRedisServer(undefined, { aofDir: tempDir('pyros-redis-aof-') });
    try {
      for (const [server, warns] of [
        [bare, true],
        [aof, false],
      ] as const) {
        const broker = await RedisBroker.open(server.url(0));
        const { log, lines } = recordingLog();
        const worker = new TaskWorker({ broker, log });
        worker.start();
        if (warns) {
          const line = await waitFor(
            () => lines.find((l) => l.level === 'warn'),
            5000,
            'the durability warning',
          );
          assert.match(line.text, /^Redis broker redis:\/\/127\.0\.0\.1:\d+\/0 has no persistence at all/);
          assert.match(line.text, /set appendonly yes \(docs\/tasks\.md\)$/);
        } else {
          assert.equal(await broker.durabilityWarning(), undefined);
        }
        await worker.stop();
        await broker.close();
        assert.equal(lines.filter((l) => l.level === 'warn').length, warns ? 1 : 0);
      }
    } finally {
      await bare.stop();
      await aof.stop();
    }
  });
});
