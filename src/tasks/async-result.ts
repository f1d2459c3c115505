import type { Broker } from './broker.js';
import { isTransientBrokerError } from './broker-retry.js';
import { TaskFailedError, TaskResultError } from './task-errors.js';
import { FINAL_STATES, type TaskProgress, type TaskRecord, type TaskState } from './task-record.js';

/** A handle on an enqueued task, as Celery's AsyncResult. */
export class AsyncResult<R = unknown> {
  private record: TaskRecord | undefined;

  constructor(
    readonly id: string,
    private readonly broker: Broker,
    initial?: TaskRecord,
  ) {
    this.record = initial;
  }

  /** The state when last read (by refresh() or get()). */
  get state(): TaskState {
    return this.record?.state ?? 'PENDING';
  }

  /** The latest progress the task reported, when last read. */
  get progress(): TaskProgress | undefined {
    return this.record?.progress;
  }

  /** Reads the task's record from the broker. */
  async refresh(): Promise<TaskRecord> {
    const r = await this.broker.get(this.id);
    if (r === undefined)
      throw new TaskResultError(`no task ${this.id} in ${this.broker.url}`, this.id, 'UNKNOWN');
    this.record = r;
    return r;
  }

  /**
   * Waits for the task to end and returns its result; throws TaskFailedError on FAILURE,
   * TaskResultError on REVOKED, EXPIRED, or when `timeout` (ms, default 60 s) passes first. A
   * broker briefly away is waited for, within the timeout.
   */
  async get(options: { timeout?: number } = {}): Promise<R> {
    const timeout = options.timeout ?? 60_000;
    const deadline = Date.now() + timeout;
    // Poll fast at first (most tasks are short), then back off to 50 ms.
    let interval = 1;
    for (;;) {
      let r: TaskRecord;
      try {
        r = await this.refresh();
      } catch (err) {
        if (!isTransientBrokerError(err) || Date.now() >= deadline) throw err;
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(100, Math.max(1, deadline - Date.now()))),
        );
        continue;
      }
      if (FINAL_STATES.has(r.state)) {
        if (r.state === 'SUCCESS') return r.result as R;
        if (r.state === 'FAILURE')
          throw new TaskFailedError(this.id, r.error ?? { name: 'Error', message: 'failed' });
        throw new TaskResultError(`task ${this.id} was ${r.state.toLowerCase()}`, this.id, r.state);
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new TaskResultError(
          `task ${this.id} not done within ${timeout} ms (${r.state})`,
          this.id,
          'TIMEOUT',
        );
      await new Promise((resolve) => setTimeout(resolve, Math.min(interval, left)));
      interval = Math.min(50, interval * 2);
    }
  }

  /** Revokes the task: never runs if not started; if running, its abort signal fires. Returns the state after. */
  async revoke(): Promise<TaskState | undefined> {
    const state = await this.broker.revoke(this.id, Date.now());
    await this.refresh().catch(() => undefined);
    return state;
  }
}
