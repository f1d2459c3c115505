// The one suite every Broker passes (SQLite, Redis): each rule of the Broker TSDoc, with explicit
// `now` values so ETAs, locks and expiry need no sleeping.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Broker } from '../../../src/tasks/broker.js';
import type { Json, NewTask, TaskState } from '../../../src/tasks/task-record.js';

/** An arbitrary fixed clock origin (ms). */
const T = 1_700_000_000_000;
const DAY = 86_400_000;

let counter = 0;

/** A new task due at T in queue `default`, with `over` applied. Ids are unique per call. */
export function newTask(over: Partial<NewTask> = {}): NewTask {
  counter += 1;
  return {
    id: `task-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    name: 'demo.add',
    args: [1, 2],
    queue: 'default',
    priority: 0,
    eta: T,
    maxRetries: 0,
    retryBackoffMs: 1000,
    createdAt: T,
    ...over,
  };
}

function ids(records: readonly { id: string }[]): string[] {
  return records.map((r) => r.id);
}

/**
 * Registers `describe(name)` with the conformance tests. `open` must return a fresh, empty broker
 * each time; each test closes the one it opened.
 */
export function brokerConformance(name: string, open: () => Promise<Broker>): void {
  /** Runs `fn` with a fresh broker, closed afterwards even when the test fails. */
  async function withBroker(fn: (b: Broker) => Promise<void>): Promise<void> {
    const broker = await open();
    try {
      await fn(broker);
    } finally {
      await broker.close();
    }
  }

  /**
   * Enqueues a task at T and reserves it for `worker`; returns its id. Its high priority makes it
   * the one reserved even when other tasks wait.
   */
  async function started(
    b: Broker,
    worker = 'w1',
    over: Partial<NewTask> = {},
    lockMs = 1000,
  ): Promise<string> {
    const task = newTask({ priority: 1000, ...over });
    await b.enqueue(task, T);
    const got = await b.reserve([task.queue], worker, lockMs, 1, Math.max(T, task.eta));
    assert.deepEqual(ids(got), [task.id]);
    return task.id;
  }

  describe(name, () => {
    it('has a url', async () => {
      await withBroker(async (b) => {
        assert.equal(typeof b.url, 'string');
        assert.ok(b.url.length > 0);
      });
    });

    it('enqueues an immediate task as PENDING with every field kept', async () => {
      await withBroker(async (b) => {
        const task = newTask({ expires: T + 5000, priority: 3, maxRetries: 2, retryBackoffMs: 250 });
        await b.enqueue(task, T);
        assert.deepEqual(await b.get(task.id), {
          ...task,
          state: 'PENDING',
          attempt: 0,
          revokeRequested: false,
        });
        assert.equal(await b.get('no-such-task'), undefined);
      });
    });

    it('enqueues a future task as SCHEDULED; not reserved before its eta, reserved at it', async () => {
      await withBroker(async (b) => {
        const task = newTask({ eta: T + 5000 });
        await b.enqueue(task, T);
        assert.equal((await b.get(task.id))?.state, 'SCHEDULED');
        assert.deepEqual(await b.reserve(['default'], 'w1', 1000, 10, T), []);
        assert.deepEqual(await b.reserve(['default'], 'w1', 1000, 10, T + 4999), []);
        const [got] = await b.reserve(['default'], 'w1', 1000, 10, T + 5000);
        assert.equal(got?.id, task.id);
        assert.equal(got?.state, 'STARTED');
        assert.equal(got?.attempt, 1);
        assert.equal(got?.workerId, 'w1');
        assert.equal(got?.lockUntil, T + 6000);
        assert.equal(got?.startedAt, T + 5000);
        assert.deepEqual(await b.get(task.id), got);
      });
    });

    it('reserves a task with a far ETA (days) exactly once', async () => {
      await withBroker(async (b) => {
        const task = newTask({ eta: T + 3 * DAY });
        await b.enqueue(task, T);
        assert.deepEqual(await b.reserve(['default'], 'w1', 60_000, 10, T + DAY), []);
        assert.deepEqual(await b.reserve(['default'], 'w1', 60_000, 10, T + 3 * DAY - 1), []);
        assert.deepEqual(ids(await b.reserve(['default'], 'w1', 60_000, 10, T + 3 * DAY + 1)), [task.id]);
        assert.deepEqual(await b.reserve(['default'], 'w2', 60_000, 10, T + 3 * DAY + 2), []);
        assert.deepEqual(await b.reserve(['default'], 'w1', 60_000, 10, T + 3 * DAY + 3), []);
      });
    });

    it('rejects a duplicate id and keeps the first task', async () => {
      await withBroker(async (b) => {
        const task = newTask();
        await b.enqueue(task, T);
        await assert.rejects(b.enqueue({ ...task, name: 'other', args: ['x'] }, T));
        const got = await b.get(task.id);
        assert.equal(got?.name, 'demo.add');
        assert.deepEqual(got?.args, [1, 2]);
        assert.equal((await b.list({})).length, 1);
      });
    });

    it('reserves by priority, then earliest eta, then oldest', async () => {
      await withBroker(async (b) => {
        const low = newTask({ priority: 1 });
        const high = newTask({ priority: 9 });
        const midLateEta = newTask({ priority: 5, eta: T - 10, createdAt: T - 100 });
        const midEarlyEta = newTask({ priority: 5, eta: T - 20, createdAt: T - 50 });
        const midEarlyEtaOlder = newTask({ priority: 5, eta: T - 20, createdAt: T - 60 });
        const negative = newTask({ priority: -3 });
        for (const t of [low, midLateEta, negative, high, midEarlyEta, midEarlyEtaOlder])
          await b.enqueue(t, T);
        const got = await b.reserve(['default'], 'w1', 1000, 10, T);
        assert.deepEqual(ids(got), [
          high.id,
          midEarlyEtaOlder.id,
          midEarlyEta.id,
          midLateEta.id,
          low.id,
          negative.id,
        ]);
      });
    });

    it('reserves at most max tasks, the best first', async () => {
      await withBroker(async (b) => {
        const tasks = [1, 2, 3, 4, 5].map((p) => newTask({ priority: p }));
        for (const t of tasks) await b.enqueue(t, T);
        assert.deepEqual(ids(await b.reserve(['default'], 'w1', 1000, 2, T)), [tasks[4]?.id, tasks[3]?.id]);
        assert.deepEqual(ids(await b.reserve(['default'], 'w2', 1000, 2, T)), [tasks[2]?.id, tasks[1]?.id]);
        assert.deepEqual(ids(await b.reserve(['default'], 'w3', 1000, 2, T)), [tasks[0]?.id]);
        assert.deepEqual(await b.reserve(['default'], 'w4', 1000, 2, T), []);
      });
    });

    it('reserves only from the queues asked for', async () => {
      await withBroker(async (b) => {
        const a = newTask({ queue: 'a' });
        const bq = newTask({ queue: 'b', priority: 1 });
        const c = newTask({ queue: 'c' });
        for (const t of [a, bq, c]) await b.enqueue(t, T);
        assert.deepEqual(await b.reserve([], 'w1', 1000, 10, T), []);
        assert.deepEqual(await b.reserve(['nope'], 'w1', 1000, 10, T), []);
        assert.deepEqual(ids(await b.reserve(['a'], 'w1', 1000, 10, T)), [a.id]);
        assert.deepEqual(ids(await b.reserve(['c', 'b'], 'w1', 1000, 10, T)), [bq.id, c.id]);
        assert.deepEqual(await b.reserve(['a', 'b', 'c'], 'w1', 1000, 10, T), []);
      });
    });

    it('never hands one task to two concurrent reserves', async () => {
      await withBroker(async (b) => {
        const tasks = Array.from({ length: 30 }, (_, i) => newTask({ priority: i % 4 }));
        for (const t of tasks) await b.enqueue(t, T);
        const batches = await Promise.all(
          Array.from({ length: 12 }, (_, w) => b.reserve(['default'], `w${w}`, 1000, 3, T)),
        );
        const got = batches.flatMap(ids);
        assert.equal(got.length, 30);
        assert.equal(new Set(got).size, 30);
      });
    });

    it('nextDue: ms until the earliest waiting task of the queues, 0 when due, undefined when none', async () => {
      await withBroker(async (b) => {
        assert.equal(await b.nextDue(['default'], T), undefined);
        await b.enqueue(newTask({ eta: T + 500 }), T);
        await b.enqueue(newTask({ eta: T + 300, queue: 'other' }), T);
        await b.enqueue(newTask({ eta: T + 900 }), T);
        assert.equal(await b.nextDue(['default'], T), 500);
        assert.equal(await b.nextDue(['default'], T + 100), 400);
        assert.equal(await b.nextDue(['default', 'other'], T), 300);
        assert.equal(await b.nextDue(['other'], T + 1000), 0);
        assert.equal(await b.nextDue(['nope'], T), undefined);
        assert.equal(await b.nextDue([], T), undefined);
        // Running tasks are not waiting.
        assert.equal((await b.reserve(['default'], 'w1', 60_000, 10, T + 1000)).length, 2);
        assert.equal(await b.nextDue(['default'], T + 1000), undefined);
        const due = newTask();
        await b.enqueue(due, T);
        assert.equal(await b.nextDue(['default'], T + 1000), 0);
      });
    });

    it('lets another worker take a task whose lock ran out; the old holder can no longer end it', async () => {
      await withBroker(async (b) => {
        const id = await started(b, 'w1', {}, 1000);
        assert.deepEqual(await b.reserve(['default'], 'w2', 1000, 1, T + 999), []);
        assert.deepEqual(await b.reserve(['default'], 'w2', 1000, 1, T + 1000), []);
        const [again] = await b.reserve(['default'], 'w2', 5000, 1, T + 1001);
        assert.equal(again?.id, id);
        assert.equal(again?.attempt, 2);
        assert.equal(again?.workerId, 'w2');
        assert.equal(again?.lockUntil, T + 6001);

        assert.deepEqual(await b.heartbeat(id, 'w1', 1000, T + 1002), {
          held: false,
          revokeRequested: false,
        });
        assert.equal(await b.complete(id, 'w1', 'stale', T + 1003), false);
        assert.equal(await b.fail(id, 'w1', { name: 'E', message: 'stale' }, undefined, T + 1003), false);
        await b.progress(id, 'w1', 50, 'stale');
        const during = await b.get(id);
        assert.equal(during?.state, 'STARTED');
        assert.equal(during?.workerId, 'w2');
        assert.equal(during?.result, undefined);
        assert.equal(during?.progress, undefined);

        assert.equal(await b.complete(id, 'w2', 'fresh', T + 2000), true);
        const done = await b.get(id);
        assert.equal(done?.state, 'SUCCESS');
        assert.equal(done?.result, 'fresh');
        assert.equal(done?.attempt, 2);
        assert.equal(await b.complete(id, 'w1', 'stale', T + 2001), false);
        assert.equal((await b.get(id))?.result, 'fresh');
      });
    });

    it('heartbeat extends the lock of the holder only', async () => {
      await withBroker(async (b) => {
        const id = await started(b, 'w1', {}, 1000);
        assert.deepEqual(await b.heartbeat(id, 'w1', 1000, T + 800), { held: true, revokeRequested: false });
        assert.equal((await b.get(id))?.lockUntil, T + 1800);
        assert.deepEqual(await b.reserve(['default'], 'w2', 1000, 1, T + 1500), []);
        assert.deepEqual(await b.heartbeat(id, 'w2', 1000, T + 900), { held: false, revokeRequested: false });
        assert.equal((await b.get(id))?.lockUntil, T + 1800);
        assert.deepEqual(await b.heartbeat('no-such-task', 'w1', 1000, T), {
          held: false,
          revokeRequested: false,
        });
        // A late heartbeat still holds the task while no other worker has taken it.
        assert.deepEqual(await b.heartbeat(id, 'w1', 1000, T + 5000), { held: true, revokeRequested: false });
        assert.deepEqual(await b.reserve(['default'], 'w2', 1000, 1, T + 5500), []);
      });
    });

    it('records a result once', async () => {
      await withBroker(async (b) => {
        const id = await started(b);
        assert.equal(await b.complete(id, 'w1', { sum: 3 }, T + 10), true);
        const done = await b.get(id);
        assert.equal(done?.state, 'SUCCESS');
        assert.deepEqual(done?.result, { sum: 3 });
        assert.equal(done?.finishedAt, T + 10);
        assert.equal(done?.workerId, 'w1');
        assert.equal(done?.lockUntil, undefined);
        assert.equal(await b.complete(id, 'w1', { sum: 4 }, T + 11), false);
        assert.equal(await b.fail(id, 'w1', { name: 'E', message: 'late' }, T + 100, T + 12), false);
        assert.deepEqual(await b.heartbeat(id, 'w1', 1000, T + 13), { held: false, revokeRequested: false });
        assert.deepEqual(await b.get(id), done);
        // Finished tasks are never reserved again, whatever the time.
        assert.deepEqual(await b.reserve(['default'], 'w2', 1000, 10, T + DAY), []);
        assert.equal(await b.complete('no-such-task', 'w1', 1, T), false);
      });
    });

    it('keeps a null result distinct from no result', async () => {
      await withBroker(async (b) => {
        const nothing = await started(b);
        const nul = await started(b);
        assert.equal(await b.complete(nothing, 'w1', undefined, T + 1), true);
        assert.equal(await b.complete(nul, 'w1', null, T + 1), true);
        const a = await b.get(nothing);
        const n = await b.get(nul);
        assert.equal(a?.state, 'SUCCESS');
        assert.equal(a?.result, undefined);
        assert.equal(n?.result, null);
      });
    });

    it('retries: RETRY with an eta, reserved again at it, then FAILURE with message and stack', async () => {
      await withBroker(async (b) => {
        const id = await started(b, 'w1', { maxRetries: 2 });
        const err1 = { name: 'IOError', message: 'camera busy', stack: 'IOError: camera busy\n    at x' };
        assert.equal(await b.fail(id, 'w1', err1, T + 1000, T + 10), true);
        const retry = await b.get(id);
        assert.equal(retry?.state, 'RETRY');
        assert.equal(retry?.eta, T + 1000);
        assert.deepEqual(retry?.error, err1);
        assert.equal(retry?.lockUntil, undefined);
        assert.equal(retry?.finishedAt, undefined);
        assert.equal(await b.nextDue(['default'], T + 10), 990);
        assert.deepEqual(await b.reserve(['default'], 'w2', 1000, 1, T + 999), []);
        const [second] = await b.reserve(['default'], 'w2', 1000, 1, T + 1000);
        assert.equal(second?.attempt, 2);
        assert.equal(second?.workerId, 'w2');
        assert.equal(await b.fail(id, 'w2', { name: 'IOError', message: 'again' }, T + 3000, T + 1100), true);
        const [third] = await b.reserve(['default'], 'w3', 1000, 1, T + 3000);
        assert.equal(third?.attempt, 3);
        const boom = new Error('gave up: ☹');
        assert.equal(await b.fail(id, 'w3', boom, undefined, T + 3100), true);
        const failed = await b.get(id);
        assert.equal(failed?.state, 'FAILURE');
        assert.equal(failed?.attempt, 3);
        assert.equal(failed?.finishedAt, T + 3100);
        assert.equal(failed?.lockUntil, undefined);
        assert.equal(failed?.error?.name, 'Error');
        assert.equal(failed?.error?.message, 'gave up: ☹');
        assert.equal(failed?.error?.stack, boom.stack);
        assert.equal(await b.fail(id, 'w3', boom, undefined, T + 3200), false);
        assert.deepEqual(await b.reserve(['default'], 'w1', 1000, 1, T + DAY), []);
      });
    });

    it('expires a due task whose expires has passed instead of returning it', async () => {
      await withBroker(async (b) => {
        const expired = newTask({ expires: T + 100, priority: 5 });
        const onTime = newTask({ expires: T + 200 });
        const live = newTask({ createdAt: T + 1 });
        for (const t of [expired, onTime, live]) await b.enqueue(t, T);
        // The expired task has the highest priority: it must not use up the one slot.
        const first = await b.reserve(['default'], 'w1', 1000, 1, T + 101);
        assert.deepEqual(ids(first), [onTime.id]);
        const gone = await b.get(expired.id);
        assert.equal(gone?.state, 'EXPIRED');
        assert.equal(gone?.finishedAt, T + 101);
        assert.equal(gone?.attempt, 0);
        assert.deepEqual(ids(await b.reserve(['default'], 'w1', 1000, 5, T + 102)), [live.id]);
      });
    });

    it('runs a task at exactly its expires time, and expires a scheduled one only once due', async () => {
      await withBroker(async (b) => {
        const edge = newTask({ expires: T + 100 });
        const scheduled = newTask({ eta: T + 1000, expires: T + 500 });
        await b.enqueue(edge, T);
        await b.enqueue(scheduled, T);
        assert.deepEqual(ids(await b.reserve(['default'], 'w1', 1000, 5, T + 100)), [edge.id]);
        assert.deepEqual(await b.reserve(['default'], 'w1', 1000, 5, T + 600), []);
        assert.deepEqual(await b.reserve(['default'], 'w1', 1000, 5, T + 1000), []);
        assert.equal((await b.get(scheduled.id))?.state, 'EXPIRED');
      });
    });

    it('revokes a task not yet started: REVOKED, never run', async () => {
      await withBroker(async (b) => {
        const pending = newTask();
        const scheduled = newTask({ eta: T + 1000 });
        await b.enqueue(pending, T);
        await b.enqueue(scheduled, T);
        const retrying = await started(b);
        assert.equal(await b.fail(retrying, 'w1', { name: 'E', message: 'x' }, T + 50, T + 1), true);
        for (const id of [pending.id, scheduled.id, retrying]) {
          assert.equal(await b.revoke(id, T + 2), 'REVOKED');
          const r = await b.get(id);
          assert.equal(r?.state, 'REVOKED');
          assert.equal(r?.finishedAt, T + 2);
        }
        assert.deepEqual(await b.reserve(['default'], 'w1', 1000, 10, T + DAY), []);
        assert.equal(await b.nextDue(['default'], T), undefined);
        assert.equal(await b.revoke('no-such-task', T), undefined);
      });
    });

    it('leaves a finished task as it is on revoke', async () => {
      await withBroker(async (b) => {
        const id = await started(b);
        await b.complete(id, 'w1', 7, T + 1);
        const before = await b.get(id);
        assert.equal(await b.revoke(id, T + 2), 'SUCCESS');
        assert.deepEqual(await b.get(id), before);
      });
    });

    it('flags a running task on revoke; heartbeat reports it and complete records REVOKED', async () => {
      await withBroker(async (b) => {
        const id = await started(b);
        assert.equal(await b.revoke(id, T + 1), 'STARTED');
        const flagged = await b.get(id);
        assert.equal(flagged?.state, 'STARTED');
        assert.equal(flagged?.revokeRequested, true);
        assert.deepEqual(await b.heartbeat(id, 'w1', 1000, T + 2), { held: true, revokeRequested: true });
        assert.equal(await b.complete(id, 'w1', 'done anyway', T + 3), true);
        const done = await b.get(id);
        assert.equal(done?.state, 'REVOKED');
        assert.equal(done?.finishedAt, T + 3);
        assert.equal(done?.lockUntil, undefined);
      });
    });

    it('records REVOKED, not RETRY or FAILURE, when a revoked running task fails', async () => {
      await withBroker(async (b) => {
        const retried = await started(b);
        const failed = await started(b);
        await b.revoke(retried, T + 1);
        await b.revoke(failed, T + 1);
        assert.equal(
          await b.fail(retried, 'w1', { name: 'Abort', message: 'revoked' }, T + 100, T + 2),
          true,
        );
        assert.equal(
          await b.fail(failed, 'w1', { name: 'Abort', message: 'revoked' }, undefined, T + 2),
          true,
        );
        assert.equal((await b.get(retried))?.state, 'REVOKED');
        assert.equal((await b.get(failed))?.state, 'REVOKED');
        assert.deepEqual(await b.reserve(['default'], 'w2', 1000, 10, T + DAY), []);
      });
    });

    it('does not run again a revoked running task whose worker died', async () => {
      await withBroker(async (b) => {
        const id = await started(b, 'w1', {}, 1000);
        await b.revoke(id, T + 1);
        assert.deepEqual(await b.reserve(['default'], 'w2', 1000, 10, T + 5000), []);
        const r = await b.get(id);
        assert.equal(r?.state, 'REVOKED');
        assert.equal(r?.finishedAt, T + 5000);
      });
    });

    it('records progress from the holder only', async () => {
      await withBroker(async (b) => {
        const id = await started(b);
        await b.progress(id, 'w1', 40, 'half-way ✓');
        assert.deepEqual((await b.get(id))?.progress, { pct: 40, note: 'half-way ✓' });
        await b.progress(id, 'w1', 60, undefined);
        assert.deepEqual((await b.get(id))?.progress, { pct: 60 });
        await b.progress(id, 'w2', 99, 'not mine');
        assert.deepEqual((await b.get(id))?.progress, { pct: 60 });
        await b.progress('no-such-task', 'w1', 10, undefined);
      });
    });

    it('lists newest first, filtered by states and name, limited', async () => {
      await withBroker(async (b) => {
        const tasks = [0, 1, 2, 3, 4].map((i) =>
          newTask({ createdAt: T + i, name: i % 2 === 0 ? 'even' : 'odd' }),
        );
        // Enqueued out of creation order: the order comes from createdAt.
        for (const i of [2, 0, 4, 1, 3]) await b.enqueue(tasks[i] as NewTask, T + 10);
        const [t0, t1, t2, t3, t4] = tasks.map((t) => t.id);
        assert.deepEqual(ids(await b.list({})), [t4, t3, t2, t1, t0]);
        assert.deepEqual(ids(await b.list({ limit: 2 })), [t4, t3]);
        assert.deepEqual(ids(await b.list({ name: 'odd' })), [t3, t1]);
        assert.deepEqual(ids(await b.list({ name: 'none' })), []);
        const got = await b.reserve(['default'], 'w1', 1000, 2, T + 10);
        assert.equal(got.length, 2);
        assert.equal(await b.complete(got[0]?.id ?? '', 'w1', 1, T + 11), true);
        const success = got[0]?.id;
        const running = got[1]?.id;
        assert.deepEqual(ids(await b.list({ states: ['SUCCESS'] })), [success]);
        assert.deepEqual(ids(await b.list({ states: ['STARTED'] })), [running]);
        const waiting = [t4, t3, t2, t1, t0].filter((id) => id !== success && id !== running);
        assert.deepEqual(ids(await b.list({ states: ['PENDING'] })), waiting);
        assert.deepEqual(
          ids(await b.list({ states: ['PENDING', 'SUCCESS'] })).sort(),
          [...waiting, success].sort(),
        );
        const evens = await b.list({ states: ['PENDING', 'STARTED', 'SUCCESS'], name: 'even', limit: 2 });
        assert.deepEqual(ids(evens), [t4, t2]);
        const full = await b.list({ limit: 1 });
        assert.deepEqual(full[0], await b.get(t4 ?? ''));
      });
    });

    it('purges only the waiting tasks', async () => {
      await withBroker(async (b) => {
        const running = await started(b);
        const done = await started(b);
        await b.complete(done, 'w1', 1, T + 1);
        const retrying = await started(b);
        await b.fail(retrying, 'w1', { name: 'E', message: 'x' }, T + 100, T + 1);
        const pending = newTask();
        const scheduled = newTask({ eta: T + DAY });
        await b.enqueue(pending, T);
        await b.enqueue(scheduled, T);
        assert.equal(await b.purge(), 3);
        assert.deepEqual(ids(await b.list({})).sort(), [running, done].sort());
        assert.equal(await b.purge(), 0);
      });
    });

    it('removes the tasks that ended before a time, and only those', async () => {
      await withBroker(async (b) => {
        const success = await started(b);
        const failure = await started(b);
        const running = await started(b);
        const revoked = newTask();
        await b.enqueue(revoked, T);
        // Higher priority than `pending`, so the reserve below comes across it first.
        const expired = newTask({ expires: T + 1, priority: 5 });
        await b.enqueue(expired, T);
        const pending = newTask({ eta: T - DAY });
        await b.enqueue(pending, T);
        await b.complete(success, 'w1', 1, T + 10);
        await b.fail(failure, 'w1', { name: 'E', message: 'x' }, undefined, T + 20);
        await b.revoke(revoked.id, T + 30);
        await b.reserve(['nope', 'default'], 'w1', 1000, 1, T + 40); // takes `pending`, expires `expired`
        assert.equal((await b.get(expired.id))?.state, 'EXPIRED');
        assert.equal(await b.removeFinished(T + 25), 2);
        assert.equal(await b.get(success), undefined);
        assert.equal(await b.get(failure), undefined);
        assert.equal(await b.removeFinished(T + 41), 2);
        assert.deepEqual(ids(await b.list({})).sort(), [running, pending.id].sort());
        assert.equal(await b.removeFinished(T + DAY), 0);
      });
    });

    it('claimOnce is true for exactly one of many concurrent callers per key', async () => {
      await withBroker(async (b) => {
        const results = await Promise.all(
          Array.from({ length: 50 }, () => b.claimOnce('nightly@1700000000000', T)),
        );
        assert.equal(results.filter((r) => r).length, 1);
        assert.equal(await b.claimOnce('nightly@1700000000000', T + 1000), false);
        assert.equal(await b.claimOnce('nightly@1700086400000', T + DAY), true);
        assert.equal(await b.claimOnce('other@1700000000000', T), true);
      });
    });

    it('counts tasks by state', async () => {
      await withBroker(async (b) => {
        const count = async (state: TaskState): Promise<number> => (await b.counts())[state] ?? 0;
        assert.equal(await count('PENDING'), 0);
        await b.enqueue(newTask(), T);
        await b.enqueue(newTask(), T);
        await b.enqueue(newTask({ eta: T + DAY }), T);
        const done = await started(b);
        await b.complete(done, 'w1', null, T + 1);
        const counts = await b.counts();
        assert.equal(counts.PENDING, 2);
        assert.equal(counts.SCHEDULED, 1);
        assert.equal(counts.SUCCESS, 1);
        for (const s of ['STARTED', 'RETRY', 'FAILURE', 'REVOKED', 'EXPIRED'] as const) {
          assert.equal(counts[s] ?? 0, 0);
        }
        await b.reserve(['default'], 'w1', 1000, 1, T);
        assert.equal(await count('STARTED'), 1);
        assert.equal(await count('PENDING'), 1);
      });
    });

    it('round-trips JSON args, results, errors and notes (nested, unicode)', async () => {
      await withBroker(async (b) => {
        const args: Json[] = [
          {
            target: 'M31 – Andromeda ☄',
            coords: { ra: 10.684708, dec: 41.26875 },
            filters: ['L', 'R', 'G', 'B'],
          },
          [1, [2, [3, [4, null]]], true, false],
          '漢字 🚀 é "quoted" \\ back\nslash',
          '',
          -0.5,
          0,
          1e21,
          null,
          { '': { 'key with spaces': [] } },
        ];
        const task = newTask({ args });
        await b.enqueue(task, T);
        assert.deepEqual((await b.get(task.id))?.args, args);
        const [got] = await b.reserve(['default'], 'w1', 1000, 1, T);
        assert.deepEqual(got?.args, args);
        const result: Json = {
          images: [{ path: '/data/ñ/1.fits', exp: 30 }],
          ok: true,
          empty: {},
          nothing: null,
        };
        assert.equal(await b.complete(task.id, 'w1', result, T + 1), true);
        assert.deepEqual((await b.get(task.id))?.result, result);
        assert.deepEqual((await b.list({}))[0]?.result, result);

        const other = await started(b);
        const error = {
          name: 'ÉchecError',
          message: 'dôme fermé 🌧',
          stack: 'ÉchecError: dôme fermé 🌧\n    at 望遠鏡',
        };
        await b.fail(other, 'w1', error, undefined, T + 2);
        assert.deepEqual((await b.get(other))?.error, error);
      });
    });
  });
}
