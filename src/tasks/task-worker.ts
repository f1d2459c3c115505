import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../logging/logger.js';
import type { Broker } from './broker.js';
import { withBrokerRetry } from './broker-retry.js';
import { registeredTask } from './define-task.js';
import { assertJson } from './json-value.js';
import type { TaskContext } from './task-context.js';
import type { Json, TaskError, TaskRecord } from './task-record.js';

/** Options of a {@link TaskWorker}. */
export interface TaskWorkerOptions {
  readonly broker: Broker;
  readonly log: Logger;
  /** Tasks run at once (default 1). */
  readonly concurrency?: number;
  /** Queues to take tasks from (default ["default"]). */
  readonly queues?: readonly string[];
  /** How long a task stays locked without a heartbeat: after a worker dies, its tasks are taken again after this (default 30 s). */
  readonly lockMs?: number;
  /** Longest wait between two looks at the broker when idle (default 10 ms). */
  readonly pollMs?: number;
  /** How long finished tasks are kept (default one day). */
  readonly resultTtlMs?: number;
  /** How often the worker removes finished tasks past their retention (default every minute). */
  readonly cleanupEveryMs?: number;
  readonly workerId?: string;
}

const STOPPING = new Error('worker stopping');

/** A task this worker runs; `ended` once its handler has returned or thrown. */
interface Running {
  readonly controller: AbortController;
  ended: boolean;
}

function asTaskError(err: unknown): TaskError {
  const e = err instanceof Error ? err : new Error(String(err));
  return e.stack === undefined
    ? { name: e.name, message: e.message }
    : { name: e.name, message: e.message, stack: e.stack };
}

/**
 * Runs tasks from a broker: takes due tasks while it has free slots, sleeps until the next ETA or
 * the poll interval, holds each running task's lock with heartbeats, retries failures with
 * exponential backoff, and records each result once. stop() lets running tasks finish (bounded).
 */
export class TaskWorker {
  readonly id: string;
  private readonly running = new Map<string, Running>();
  private readonly queues: readonly string[];
  private readonly concurrency: number;
  private readonly lockMs: number;
  private readonly pollMs: number;
  private stopping = false;
  private wake: (() => void) | undefined;
  private loopDone: Promise<void> | undefined;
  private idle: Array<() => void> = [];
  /** Tasks whose end is not recorded yet (stop() waits for them). */
  private recording = 0;
  /** Tasks whose handler has ended and whose result is being recorded: their locks are still held. */
  private readonly unrecorded = new Set<string>();
  private lastCleanup = 0;
  private heartbeats: NodeJS.Timeout | undefined;
  /** Tasks ended by this worker, by outcome. */
  readonly counts = { succeeded: 0, failed: 0, retried: 0, revoked: 0, lost: 0 };

  constructor(private readonly opts: TaskWorkerOptions) {
    this.id = opts.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.queues = opts.queues ?? ['default'];
    this.concurrency = opts.concurrency ?? 1;
    this.lockMs = opts.lockMs ?? 30_000;
    this.pollMs = opts.pollMs ?? 10;
  }

  start(): void {
    if (this.loopDone !== undefined) return;
    this.opts.log.info(
      `worker ${this.id} takes tasks from ${this.queues.join(', ')} (${this.concurrency} at once)`,
    );
    void this.opts.broker.durabilityWarning().then(
      (warning) => warning !== undefined && this.opts.log.warn(warning),
      () => undefined,
    );
    // One timer holds the locks of all running tasks: their heartbeats go to the broker together.
    this.heartbeats = setInterval(() => this.heartbeat(), Math.max(5, Math.floor(this.lockMs / 3)));
    this.loopDone = this.loop().catch((err: Error) => {
      this.opts.log.error({ err }, `worker loop failed: ${err.message}`);
    });
  }

  private async loop(): Promise<void> {
    const { broker } = this.opts;
    while (!this.stopping) {
      const free = this.concurrency - this.running.size;
      let wait = this.pollMs;
      if (free > 0) {
        let got: TaskRecord[] = [];
        try {
          got = await broker.reserve(this.queues, this.id, this.lockMs, free, Date.now());
        } catch (err) {
          this.opts.log.warn(`reserve failed: ${(err as Error).message}; retrying`);
          wait = 500;
        }
        for (const t of got) this.run(t);
        if (got.length === free) continue;
        // Fewer due than slots: sleep until the next eta (or the poll interval).
        if (wait === this.pollMs) {
          const due = await broker.nextDue(this.queues, Date.now()).catch(() => undefined);
          if (due !== undefined) wait = Math.min(wait, Math.max(0, due));
        }
        await this.cleanup();
      }
      if (this.stopping) break;
      // Slept through by a timer, or woken early when a slot frees.
      await new Promise<void>((resolve) => {
        // A task due now (0 ms) is taken at the next turn, not after setTimeout's 1 ms.
        const t = wait > 0 ? setTimeout(resolve, wait) : setImmediate(resolve);
        this.wake = () => {
          if (wait > 0) clearTimeout(t as NodeJS.Timeout);
          else clearImmediate(t as NodeJS.Immediate);
          // At the next turn, so that every slot freed in this one is reserved at once.
          setImmediate(resolve);
        };
      });
      this.wake = undefined;
    }
  }

  /** Extends the locks of the running tasks; aborts those lost to another worker or revoked. */
  private heartbeat(): void {
    // A result waiting for the broker keeps its lock, so that no other worker runs the task again.
    for (const id of this.unrecorded) {
      this.opts.broker.heartbeat(id, this.id, this.lockMs, Date.now()).catch(() => undefined);
    }
    for (const [id, task] of this.running) {
      if (task.ended) continue;
      this.opts.broker
        .heartbeat(id, this.id, this.lockMs, Date.now())
        .then((s) => {
          if (task.ended) return;
          if (!s.held) task.controller.abort(new Error('lock lost: the task was taken by another worker'));
          else if (s.revokeRequested) task.controller.abort(new Error('revoked'));
        })
        .catch(() => undefined);
    }
  }

  private async cleanup(): Promise<void> {
    const now = Date.now();
    if (now - this.lastCleanup < (this.opts.cleanupEveryMs ?? 60_000)) return;
    this.lastCleanup = now;
    const removed = await this.opts.broker
      .removeFinished(now - (this.opts.resultTtlMs ?? 86_400_000))
      .catch(() => 0);
    if (removed > 0) this.opts.log.info(`removed ${removed} finished tasks past their retention`);
  }

  private run(t: TaskRecord): void {
    const task: Running = { controller: new AbortController(), ended: false };
    this.running.set(t.id, task);
    this.recording += 1;
    void this.execute(t, task)
      .catch((err: Error) => this.opts.log.error({ err }, `task ${t.id}: ${err.message}`))
      .finally(() => {
        this.recording -= 1;
        this.release(t.id);
      });
  }

  /**
   * Frees the slot of a task whose handler has ended — before its result is recorded, so that the
   * next reserve goes to the broker with that record (one transaction for both on SQLite).
   */
  private release(id: string): void {
    if (this.running.delete(id)) this.wake?.();
    if (this.running.size === 0 && this.recording === 0) for (const r of this.idle.splice(0)) r();
  }

  private async execute(t: TaskRecord, running: Running): Promise<void> {
    const { broker, log } = this.opts;
    const { controller } = running;
    const task = registeredTask(t.name);
    if (task === undefined) {
      const error = { name: 'UnknownTaskError', message: `unknown task "${t.name}" on worker ${this.id}` };
      log.error(error.message);
      await this.record(t, () => broker.fail(t.id, this.id, error, undefined, Date.now()));
      this.counts.failed++;
      return;
    }
    const ctx: TaskContext = {
      taskId: t.id,
      name: t.name,
      attempt: t.attempt,
      signal: controller.signal,
      updateProgress: (pct, note) => broker.progress(t.id, this.id, Math.max(0, Math.min(100, pct)), note),
    };
    try {
      const result = await task.handler(...(t.args as Json[]), ctx);
      running.ended = true;
      this.release(t.id);
      if (result !== undefined) assertJson(result, `result of task "${t.name}"`);
      const recorded = await this.record(t, () =>
        broker.complete(t.id, this.id, result ?? undefined, Date.now()),
      );
      if (recorded) this.counts.succeeded++;
      else this.counts.lost++;
    } catch (err) {
      running.ended = true;
      // Abandoned by a stopping worker: record nothing, so that the lock runs out and another worker runs it again.
      if (controller.signal.reason === STOPPING) return;
      this.release(t.id);
      const error = asTaskError(err);
      const retry = t.attempt <= t.maxRetries && !controller.signal.aborted;
      const retryAt = retry ? Date.now() + t.retryBackoffMs * 2 ** (t.attempt - 1) : undefined;
      const recorded = await this.record(t, () => broker.fail(t.id, this.id, error, retryAt, Date.now()));
      if (!recorded) this.counts.lost++;
      else if (controller.signal.aborted) this.counts.revoked++;
      else if (retry) this.counts.retried++;
      else this.counts.failed++;
      log.warn(
        `task ${t.name} ${t.id} attempt ${t.attempt} failed: ${error.message}${retry ? '; will retry' : ''}`,
      );
    }
  }

  /**
   * Records a task's end, retried while the broker is briefly away (within its deadline, the lock
   * held meanwhile): a short Redis outage never makes a finished task run again.
   */
  private async record<T>(t: TaskRecord, call: () => Promise<T>): Promise<T> {
    this.unrecorded.add(t.id);
    let waited = 0;
    const since = Date.now();
    try {
      return await withBrokerRetry(call, undefined, () => {
        waited++;
      });
    } finally {
      this.unrecorded.delete(t.id);
      if (waited > 0)
        this.opts.log.warn(
          `task ${t.name} ${t.id}: its end recorded after ${Date.now() - since} ms waiting for the broker`,
        );
    }
  }

  /** Stops taking tasks, waits up to `graceMs` for running ones, then aborts what is left (its lock will expire and another worker will run it). */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loopDone;
    if (this.running.size > 0 || this.recording > 0) {
      this.opts.log.info(`waiting up to ${graceMs} ms for ${this.recording} running task(s)`);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((r) => this.idle.push(r)),
        new Promise<void>((r) => {
          timer = setTimeout(r, graceMs);
        }),
      ]);
      clearTimeout(timer);
      for (const task of this.running.values()) task.controller.abort(STOPPING);
    }
    clearInterval(this.heartbeats);
  }
}
