/** JSON values: what task arguments, results and progress notes may be. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A task's state, as in Celery (plus SCHEDULED for a task waiting for its ETA, and EXPIRED). */
export type TaskState =
  | 'PENDING'
  | 'SCHEDULED'
  | 'STARTED'
  | 'RETRY'
  | 'SUCCESS'
  | 'FAILURE'
  | 'REVOKED'
  | 'EXPIRED';

/** Every state, in a task's life order (for tables and counts that name each one). */
export const TASK_STATES: readonly TaskState[] = [
  'PENDING',
  'SCHEDULED',
  'STARTED',
  'RETRY',
  'SUCCESS',
  'FAILURE',
  'REVOKED',
  'EXPIRED',
];

/** States a task never leaves. */
export const FINAL_STATES: ReadonlySet<TaskState> = new Set(['SUCCESS', 'FAILURE', 'REVOKED', 'EXPIRED']);

/** A task's error, as recorded on FAILURE (and on each RETRY). */
export interface TaskError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export interface TaskProgress {
  /** 0 to 100. */
  readonly pct: number;
  readonly note?: string;
}

/** What a caller enqueues. All times are ms since 1970 (the broker's callers share one clock). */
export interface NewTask {
  readonly id: string;
  readonly name: string;
  readonly args: readonly Json[];
  readonly queue: string;
  /** Higher runs first among due tasks. */
  readonly priority: number;
  /** Not run before this time (ms). Equal to the enqueue time for an immediate task. */
  readonly eta: number;
  /** Not run after this time (ms): it becomes EXPIRED instead. */
  readonly expires?: number;
  /** How many times a failed run is retried (0: none). */
  readonly maxRetries: number;
  /** Base delay before the first retry, doubled at each further one (ms). */
  readonly retryBackoffMs: number;
  readonly createdAt: number;
}

/** Everything a broker knows of a task. */
export interface TaskRecord extends NewTask {
  readonly state: TaskState;
  /** Runs started so far (1 during the first run). */
  readonly attempt: number;
  /** The worker running it (STARTED), or that ran it last. */
  readonly workerId?: string;
  /** Until when the running worker holds it; past that, another worker may take it again. */
  readonly lockUntil?: number;
  /** A revoke arrived while it was running: the worker aborts it. */
  readonly revokeRequested: boolean;
  readonly result?: Json;
  readonly error?: TaskError;
  readonly progress?: TaskProgress;
  readonly startedAt?: number;
  readonly finishedAt?: number;
}
