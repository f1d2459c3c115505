import type { Json, NewTask, TaskError, TaskRecord, TaskState } from './task-record.js';

/** What a heartbeat learns: whether the worker still holds the task, and whether it was revoked. */
export interface LockStatus {
  readonly held: boolean;
  readonly revokeRequested: boolean;
}

export interface ListFilter {
  readonly states?: readonly TaskState[];
  readonly name?: string;
  readonly limit?: number;
}

/**
 * Where tasks live: the one interface every broker implements (SQLite, Redis), checked by one
 * conformance suite. Tasks are kept in the broker until they end, never in a worker's memory; a
 * worker only holds a lock with a deadline, so a killed worker's task is taken again after it.
 * `now` is passed in by the caller (one clock for everyone, and tests can move it).
 */
export interface Broker {
  /** The URL it was opened with, e.g. `sqlite:./pyros-tasks.db`. */
  readonly url: string;

  /** Stores a new task: SCHEDULED when its eta is after `now`, else PENDING. Throws if the id exists. */
  enqueue(task: NewTask, now: number): Promise<void>;

  /**
   * Claims up to `max` tasks that are due (eta <= now) in the given queues — PENDING, SCHEDULED or
   * RETRY, or STARTED whose lock has run out — highest priority first, then earliest eta, then
   * oldest. Each becomes STARTED, locked by `workerId` until `now + lockMs`, attempt + 1. A due task
   * whose `expires` has passed becomes EXPIRED instead and is not returned.
   */
  reserve(
    queues: readonly string[],
    workerId: string,
    lockMs: number,
    max: number,
    now: number,
  ): Promise<TaskRecord[]>;

  /** ms from `now` until the earliest waiting task of these queues is due (0 if one is due), or undefined if none waits. */
  nextDue(queues: readonly string[], now: number): Promise<number | undefined>;

  /** Extends the lock if `workerId` still holds the task. */
  heartbeat(id: string, workerId: string, lockMs: number, now: number): Promise<LockStatus>;

  /**
   * Records the end of a run by the worker that holds the task: SUCCESS with its result, REVOKED
   * if a revoke was requested meanwhile. Returns false (and changes nothing) when the worker no
   * longer holds it — the result is recorded once.
   */
  complete(id: string, workerId: string, result: Json | undefined, now: number): Promise<boolean>;

  /**
   * Records a failed run: RETRY with eta `retryAt` when given, else FAILURE with the error (REVOKED
   * if a revoke was requested). Returns false when the worker no longer holds the task.
   */
  fail(
    id: string,
    workerId: string,
    error: TaskError,
    retryAt: number | undefined,
    now: number,
  ): Promise<boolean>;

  /** Progress of a running task, from the worker that holds it. */
  progress(id: string, workerId: string, pct: number, note: string | undefined): Promise<void>;

  /**
   * Revokes a task: one not yet started becomes REVOKED and never runs; a running one is flagged
   * (its worker aborts it at its next heartbeat). Returns the state after, or undefined if unknown.
   */
  revoke(id: string, now: number): Promise<TaskState | undefined>;

  get(id: string): Promise<TaskRecord | undefined>;

  /** Newest first. */
  list(filter: ListFilter): Promise<TaskRecord[]>;

  /** Deletes every task waiting to run (PENDING, SCHEDULED, RETRY); returns how many. */
  purge(): Promise<number>;

  /** Deletes tasks that ended before `before` (result retention); returns how many. */
  removeFinished(before: number): Promise<number>;

  /** Periodic tasks: true for exactly one caller per key (e.g. `name@periodStart`), however many workers ask. */
  claimOnce(key: string, now: number): Promise<boolean>;

  /** Task counts by state (for status and the dashboard). */
  counts(): Promise<Partial<Record<TaskState, number>>>;

  /**
   * What a restart of the broker itself would lose, as a warning a worker logs at start (Redis
   * without AOF), or undefined when tasks are kept on disk as they are written.
   */
  durabilityWarning(): Promise<string | undefined>;

  close(): Promise<void>;
}
