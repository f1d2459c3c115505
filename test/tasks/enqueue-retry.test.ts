// A caller whose broker goes away for a moment retries with backoff and loses nothing.
process.env.PYROS_LOG_LEVEL ??= 'silent';

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RedisBroker } from '../../src/tasks/brokers/redis-broker.js';
import { defineTask } from '../../src/tasks/define-task.js';
import { startRedisServer } from './brokers/redis-server.js';

const ping = defineTask('retry-ping', (n: number) => n);

test('enqueue while Redis restarts: the call waits for it and the task is stored once', {
  timeout: 30_000,
}, async () => {
  const first = await startRedisServer();
  const broker = await RedisBroker.open(first.url(3));
  try {
    await first.stop();
    const t0 = Date.now();
    const pending = ping.applyAsync([7], { broker, taskId: 'survives-restart' });
    await new Promise((r) => setTimeout(r, 800));
    const second = await startRedisServer(first.port);
    try {
      const result = await pending;
      assert.equal(result.id, 'survives-restart');
      assert.ok(Date.now() - t0 >= 800, 'it waited for the broker');
      const stored = await broker.get('survives-restart');
      assert.equal(stored?.state, 'PENDING');
      assert.deepEqual(stored?.args, [7]);
      assert.equal((await broker.list({})).length, 1);
    } finally {
      await broker.close();
      await second.stop();
    }
  } catch (err) {
    await broker.close().catch(() => undefined);
    throw err;
  }
});

test('an unreachable broker is one clear line, within a bounded time', { timeout: 30_000 }, async () => {
  const t0 = Date.now();
  await assert.rejects(RedisBroker.open('redis://127.0.0.1:1/0'), (err: Error) => {
    assert.match(err.message, /redis:\/\/127\.0\.0\.1:1\/0/);
    assert.equal(err.message.split('\n').length, 1);
    return true;
  });
  assert.ok(Date.now() - t0 < 6000);
});
