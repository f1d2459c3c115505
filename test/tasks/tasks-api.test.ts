// defineTask, AsyncResult and TaskWorker together, on a real SQLite broker file, worker in this process.
process.env.PYROS_LOG_LEVEL ??= 'silent';

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/logging/logger.js';
import { SqliteBroker } from '../../src/tasks/brokers/sqlite-broker.js';
import { defineTask } from '../../src/tasks/define-task.js';
import type { TaskContext } from '../../src/tasks/task-context.js';
import type { TaskResultError } from '../../src/tasks/task-errors.js';
import { TaskWorker } from '../../src/tasks/task-worker.js';
import { configureTasks } from '../../src/tasks/tasks-runtime.js';
import { tempDir } from '../helpers.js';

const broker = SqliteBroker.open(join(tempDir('pyros-tasks-'), 'tasks.db'));
configureTasks({ broker });
const worker = new TaskWorker({
  broker,
  log: createLogger('test-worker'),
  concurrency: 4,
  lockMs: 2000,
  pollMs: 5,
});

const ran: Record<string, number> = {};
const count = (k: string) => {
  ran[k] = (ran[k] ?? 0) + 1;
};

const add = defineTask('add', (a: number, b: number) => {
  count('add');
  return a + b;
});
const report = defineTask('report', async (steps: number, ctx: TaskContext) => {
  for (let i = 1; i <= steps; i++) await ctx.updateProgress((i / steps) * 100, `step ${i}`);
  return { steps, attempt: ctx.attempt, id: ctx.taskId };
});
const stamp = defineTask('stamp', () => {
  count('stamp');
  return Date.now();
});
let flakyFailures = 0;
const flaky = defineTask(
  'flaky',
  (failTimes: number) => {
    if (flakyFailures++ < failTimes) throw new Error(`flaky failure ${flakyFailures}`);
    return 'finally';
  },
  { retries: 3, retryBackoff: 0.05 },
);
const broken = defineTask('broken', (): number => {
  throw new TypeError('always broken');
});
const slow = defineTask('slow', async (ms: number, ctx: TaskContext) => {
  count('slow');
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    ctx.signal.addEventListener('abort', () => {
      clearTimeout(t);
      count('slow-aborted');
      reject(ctx.signal.reason);
    });
  });
  return 'slept';
});

before(() => worker.start());
after(async () => {
  await worker.stop(1000);
  await broker.close();
});

describe('tasks', () => {
  test('delay() runs the task in the worker and get() returns its result', async () => {
    const r = await add.delay(2, 3);
    assert.equal(await r.get({ timeout: 5000 }), 5);
    assert.equal(r.state, 'SUCCESS');
  });

  test('progress is recorded and readable through the handle', async () => {
    const r = await report.delay(4);
    const result = await r.get({ timeout: 5000 });
    assert.deepEqual(result, { steps: 4, attempt: 1, id: r.id });
    assert.deepEqual(r.progress, { pct: 100, note: 'step 4' });
  });

  test('arguments that are not JSON are refused at the call, and nothing is enqueued', async () => {
    const before = (await broker.counts()).PENDING ?? 0;
    const bad: unknown[] = [
      new Date(),
      undefined,
      10n,
      () => 1,
      Number.NaN,
      new Map(),
      (() => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      })(),
    ];
    for (const v of bad) {
      // @ts-expect-error: the types already refuse these; the check is for untyped callers
      await assert.rejects(add.delay(v, 1), { name: 'NotJsonError' }, String(v));
    }
    assert.equal((await broker.counts()).PENDING ?? 0, before);
  });

  test('countdown and eta: never run early', async () => {
    const t0 = Date.now();
    const r1 = await stamp.applyAsync([], { countdown: 0.3 });
    const eta = new Date(Date.now() + 200);
    const r2 = await stamp.applyAsync([], { eta });
    assert.equal((await r1.refresh()).state, 'SCHEDULED');
    const ranAt1 = (await r1.get({ timeout: 5000 })) as number;
    const ranAt2 = (await r2.get({ timeout: 5000 })) as number;
    assert.ok(ranAt1 >= t0 + 300, `ran ${ranAt1 - t0} ms after the call, countdown 300 ms`);
    assert.ok(ranAt2 >= eta.getTime(), `ran ${ranAt2 - eta.getTime()} ms after its eta`);
    assert.ok(ranAt1 - (t0 + 300) < 200, 'and not much later either');
  });

  test('expires passed: EXPIRED, not run', async () => {
    const before = ran.stamp ?? 0;
    const r = await stamp.applyAsync([], { countdown: 0.2, expires: new Date(Date.now() + 50) });
    await assert.rejects(r.get({ timeout: 5000 }), (err: TaskResultError) => err.state === 'EXPIRED');
    assert.equal(ran.stamp ?? 0, before);
  });

  test('retries with backoff, then success; attempt counts up', async () => {
    flakyFailures = 0;
    const r = await flaky.delay(2);
    assert.equal(await r.get({ timeout: 5000 }), 'finally');
    const rec = await r.refresh();
    assert.equal(rec.attempt, 3);
    assert.equal(flakyFailures, 3);
  });

  test('retries exhausted: FAILURE with the error message and stack', async () => {
    const r = await broken.applyAsync([], { retries: 1, retryBackoff: 0.05 });
    await assert.rejects(
      r.get({ timeout: 5000 }),
      (err: Error & { remote?: { message: string; stack?: string } }) => {
        assert.equal(err.name, 'TaskFailedError');
        assert.equal(err.remote?.message, 'always broken');
        assert.match(err.remote?.stack ?? '', /TypeError: always broken\n\s+at /);
        return true;
      },
    );
    assert.equal((await r.refresh()).attempt, 2);
  });

  test('revoke before start: never runs', async () => {
    const before = ran.stamp ?? 0;
    const r = await stamp.applyAsync([], { countdown: 0.3 });
    assert.equal(await r.revoke(), 'REVOKED');
    await new Promise((res) => setTimeout(res, 500));
    assert.equal((await r.refresh()).state, 'REVOKED');
    assert.equal(ran.stamp ?? 0, before);
  });

  test('revoke while running: the abort signal fires and the task ends REVOKED', async () => {
    const r = await slow.delay(10_000);
    while ((await r.refresh()).state !== 'STARTED') await new Promise((res) => setTimeout(res, 10));
    const abortedBefore = ran['slow-aborted'] ?? 0;
    await r.revoke();
    await assert.rejects(r.get({ timeout: 5000 }), (err: TaskResultError) => err.state === 'REVOKED');
    assert.equal(ran['slow-aborted'], abortedBefore + 1);
  });

  test('an unknown task name fails with a clear reason and the worker goes on', async () => {
    const id = `unknown-${Date.now()}`;
    await broker.enqueue(
      {
        id,
        name: 'nope',
        args: [],
        queue: 'default',
        priority: 0,
        eta: Date.now(),
        maxRetries: 2,
        retryBackoffMs: 10,
        createdAt: Date.now(),
      },
      Date.now(),
    );
    const rec = await waitFinal(id);
    assert.equal(rec.state, 'FAILURE');
    assert.match(rec.error?.message ?? '', /unknown task "nope" on worker/);
    assert.equal(await (await add.delay(1, 1)).get({ timeout: 5000 }), 2);
  });

  test('priority: among due tasks, the higher runs first', async () => {
    const solo = new TaskWorker({
      broker,
      log: createLogger('solo'),
      concurrency: 1,
      pollMs: 5,
      queues: ['prio'],
    });
    const low = await stamp.applyAsync([], { queue: 'prio', priority: 0 });
    const high = await stamp.applyAsync([], { queue: 'prio', priority: 9 });
    solo.start();
    const [tLow, tHigh] = [
      (await low.get({ timeout: 5000 })) as number,
      (await high.get({ timeout: 5000 })) as number,
    ];
    await solo.stop();
    assert.ok(tHigh <= tLow, 'the high-priority task ran first');
  });
});

async function waitFinal(id: string) {
  for (;;) {
    const r = await broker.get(id);
    if (r && ['SUCCESS', 'FAILURE', 'REVOKED', 'EXPIRED'].includes(r.state)) return r;
    await new Promise((res) => setTimeout(res, 10));
  }
}
