import type { Json, TaskError, TaskProgress, TaskRecord, TaskState } from '../task-record.js';

/**
 * Version of the schema below, kept in `PRAGMA user_version`. A file with a higher version was
 * written by a newer pyros-ts and is refused rather than half-understood.
 */
export const SCHEMA_VERSION = 2;

/**
 * Statements that bring a file of an older version to the one of {@link SCHEMA_SQL}, run before
 * it (which then creates what is missing).
 * v1 → v2: STARTED tasks left the `tasks_ready` index for `tasks_locked`. Kept in one index, the
 * running tasks sorted before the waiting ones (their eta is older), and every reserve stepped
 * over all of them, reading each row for its lock, before finding a due task.
 */
export const MIGRATIONS_SQL: Readonly<Record<number, string>> = {
  1: 'DROP INDEX IF EXISTS tasks_ready;',
};

/**
 * The SQL list of states a task waits in until it is due (what `reserve` takes, `purge` deletes
 * and `nextDue` looks at). Written out literally (not bound) because SQLite only uses a partial
 * index when the query repeats the index's WHERE term word for word.
 */
export const WAITING_STATES_SQL = "('PENDING', 'SCHEDULED', 'RETRY')";
export const FINAL_STATES_SQL = "('SUCCESS', 'FAILURE', 'REVOKED', 'EXPIRED')";

/**
 * Tables and indexes. `seq` gives a stable insertion order (ties of `createdAt` in `reserve` and
 * `list`); the text `id` is the caller's key. JSON columns hold `JSON.stringify` text, and SQL NULL
 * means "absent" (so a `null` result stays distinct from no result).
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS tasks (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  id               TEXT    NOT NULL UNIQUE,
  name             TEXT    NOT NULL,
  args             TEXT    NOT NULL,
  queue            TEXT    NOT NULL,
  priority         REAL    NOT NULL,
  eta              INTEGER NOT NULL,
  expires          INTEGER,
  max_retries      INTEGER NOT NULL,
  retry_backoff_ms INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  state            TEXT    NOT NULL,
  attempt          INTEGER NOT NULL DEFAULT 0,
  worker_id        TEXT,
  lock_until       INTEGER,
  revoke_requested INTEGER NOT NULL DEFAULT 0,
  result           TEXT,
  error            TEXT,
  progress         TEXT,
  started_at       INTEGER,
  finished_at      INTEGER
);

-- reserve: only waiting tasks are indexed, in the order reserve hands them out, so finished and
-- running tasks cost nothing and a one-queue reserve reads no more than it needs.
CREATE INDEX IF NOT EXISTS tasks_ready ON tasks (queue, priority DESC, eta, created_at, seq)
  WHERE state IN ${WAITING_STATES_SQL};

-- reserve: running tasks whose lock ran out (their worker died or stalled).
CREATE INDEX IF NOT EXISTS tasks_locked ON tasks (queue, lock_until)
  WHERE state = 'STARTED';

-- nextDue and the idle check of reserve: earliest eta of the waiting tasks of a queue.
CREATE INDEX IF NOT EXISTS tasks_waiting_eta ON tasks (queue, eta)
  WHERE state IN ${WAITING_STATES_SQL};

-- counts, purge, removeFinished and list-by-state.
CREATE INDEX IF NOT EXISTS tasks_state ON tasks (state, finished_at);

-- list, newest first.
CREATE INDEX IF NOT EXISTS tasks_created ON tasks (created_at, seq);

-- claimOnce: one row per key; the PRIMARY KEY makes INSERT OR IGNORE a once-only claim.
CREATE TABLE IF NOT EXISTS claims (
  key        TEXT    PRIMARY KEY,
  claimed_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS claims_claimed_at ON claims (claimed_at);
`;

/** One row of `tasks`, as better-sqlite3 returns it. */
export interface TaskRow {
  readonly seq: number;
  readonly id: string;
  readonly name: string;
  readonly args: string;
  readonly queue: string;
  readonly priority: number;
  readonly eta: number;
  readonly expires: number | null;
  readonly max_retries: number;
  readonly retry_backoff_ms: number;
  readonly created_at: number;
  readonly state: TaskState;
  readonly attempt: number;
  readonly worker_id: string | null;
  readonly lock_until: number | null;
  readonly revoke_requested: number;
  readonly result: string | null;
  readonly error: string | null;
  readonly progress: string | null;
  readonly started_at: number | null;
  readonly finished_at: number | null;
}

/** JSON text for a column, SQL NULL for undefined. */
export function toJsonColumn(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/** Maps a row to a record; optional fields are left out (not set to undefined) when absent. */
export function rowToRecord(row: TaskRow): TaskRecord {
  const record: {
    -readonly [K in keyof TaskRecord]: TaskRecord[K];
  } = {
    id: row.id,
    name: row.name,
    args: JSON.parse(row.args) as Json[],
    queue: row.queue,
    priority: row.priority,
    eta: row.eta,
    maxRetries: row.max_retries,
    retryBackoffMs: row.retry_backoff_ms,
    createdAt: row.created_at,
    state: row.state,
    attempt: row.attempt,
    revokeRequested: row.revoke_requested !== 0,
  };
  if (row.expires !== null) record.expires = row.expires;
  if (row.worker_id !== null) record.workerId = row.worker_id;
  if (row.lock_until !== null) record.lockUntil = row.lock_until;
  if (row.result !== null) record.result = JSON.parse(row.result) as Json;
  if (row.error !== null) record.error = JSON.parse(row.error) as TaskError;
  if (row.progress !== null) record.progress = JSON.parse(row.progress) as TaskProgress;
  if (row.started_at !== null) record.startedAt = row.started_at;
  if (row.finished_at !== null) record.finishedAt = row.finished_at;
  return record;
}
