import type Database from 'better-sqlite3';
import type { TaskState } from '../task-record.js';
import {
  FINAL_STATES_SQL,
  MIGRATIONS_SQL,
  SCHEMA_SQL,
  SCHEMA_VERSION,
  type TaskRow,
  WAITING_STATES_SQL,
} from './sqlite-schema.js';

type Db = Database.Database;

/** Creates the schema in a new file; refuses a file from a newer schema. */
export function migrate(db: Db, path: string): void {
  // IMMEDIATE: two processes creating the same new file do it one after the other.
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `cannot open task database "${path}": schema version ${version} is newer than this pyros-ts (${SCHEMA_VERSION})`,
      );
    }
    if (version < SCHEMA_VERSION) {
      // A new file has version 0: nothing to migrate, SCHEMA_SQL creates it all.
      for (let v = version; v > 0 && v < SCHEMA_VERSION; v += 1) {
        const step = MIGRATIONS_SQL[v];
        if (step !== undefined) db.exec(step);
      }
      db.exec(SCHEMA_SQL);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }
  }).immediate();
}

/** Named parameters of the insert statement (column names). */
export interface InsertParams {
  id: string;
  name: string;
  args: string;
  queue: string;
  priority: number;
  eta: number;
  expires: number | null;
  max_retries: number;
  retry_backoff_ms: number;
  created_at: number;
  state: TaskState;
}

/** The prepared statements, typed: named so that the package's declarations can refer to them. */
export interface SqliteStatements {
  readonly insert: Database.Statement<InsertParams>;
  readonly start: Database.Statement<[string, number, number, number], TaskRow>;
  readonly finish: Database.Statement<[TaskState, number, number]>;
  readonly heartbeat: Database.Statement<[number, string, string], { revoke_requested: number }>;
  readonly complete: Database.Statement<[string | null, number, string, string]>;
  readonly failRetry: Database.Statement<{
    error: string | null;
    retryAt: number;
    now: number;
    id: string;
    workerId: string;
  }>;
  readonly failFinal: Database.Statement<[string | null, number, string, string]>;
  readonly progress: Database.Statement<[string | null, string, string]>;
  readonly stateOf: Database.Statement<[string], { state: TaskState }>;
  readonly revokeWaiting: Database.Statement<[number, string]>;
  readonly revokeRunning: Database.Statement<[string]>;
  readonly get: Database.Statement<[string], TaskRow>;
  readonly purge: Database.Statement<[]>;
  readonly removeFinished: Database.Statement<[number]>;
  readonly removeClaims: Database.Statement<[number]>;
  readonly claim: Database.Statement<[string, number]>;
  readonly counts: Database.Statement<[], { state: TaskState; n: number }>;
}

/** The fixed statements of `SqliteBroker`, prepared once per connection. */
export function prepareStatements(db: Db): SqliteStatements {
  return {
    insert: db.prepare<InsertParams>(
      `INSERT INTO tasks (id, name, args, queue, priority, eta, expires, max_retries, retry_backoff_ms, created_at, state)
       VALUES (@id, @name, @args, @queue, @priority, @eta, @expires, @max_retries, @retry_backoff_ms, @created_at, @state)`,
    ),
    // A new run: a fresh lock and attempt, and the last run's progress forgotten.
    start: db.prepare<[string, number, number, number], TaskRow>(
      `UPDATE tasks SET state = 'STARTED', worker_id = ?, lock_until = ?, attempt = attempt + 1,
         started_at = ?, progress = NULL
       WHERE seq = ? RETURNING *`,
    ),
    finish: db.prepare<[TaskState, number, number]>(
      'UPDATE tasks SET state = ?, finished_at = ?, lock_until = NULL WHERE seq = ?',
    ),
    // The holder is the worker named on a STARTED task: a late heartbeat still holds the task as
    // long as no other worker has taken it over (which rewrites worker_id).
    heartbeat: db.prepare<[number, string, string], { revoke_requested: number }>(
      `UPDATE tasks SET lock_until = ? WHERE id = ? AND state = 'STARTED' AND worker_id = ?
       RETURNING revoke_requested`,
    ),
    complete: db.prepare<[string | null, number, string, string]>(
      `UPDATE tasks SET
         state = CASE WHEN revoke_requested <> 0 THEN 'REVOKED' ELSE 'SUCCESS' END,
         result = ?, finished_at = ?, lock_until = NULL
       WHERE id = ? AND state = 'STARTED' AND worker_id = ?`,
    ),
    failRetry: db.prepare<{
      error: string | null;
      retryAt: number;
      now: number;
      id: string;
      workerId: string;
    }>(
      `UPDATE tasks SET
         state = CASE WHEN revoke_requested <> 0 THEN 'REVOKED' ELSE 'RETRY' END,
         error = @error, lock_until = NULL,
         eta = CASE WHEN revoke_requested <> 0 THEN eta ELSE @retryAt END,
         finished_at = CASE WHEN revoke_requested <> 0 THEN @now ELSE NULL END
       WHERE id = @id AND state = 'STARTED' AND worker_id = @workerId`,
    ),
    failFinal: db.prepare<[string | null, number, string, string]>(
      `UPDATE tasks SET
         state = CASE WHEN revoke_requested <> 0 THEN 'REVOKED' ELSE 'FAILURE' END,
         error = ?, finished_at = ?, lock_until = NULL
       WHERE id = ? AND state = 'STARTED' AND worker_id = ?`,
    ),
    progress: db.prepare<[string | null, string, string]>(
      `UPDATE tasks SET progress = ? WHERE id = ? AND state = 'STARTED' AND worker_id = ?`,
    ),
    stateOf: db.prepare<[string], { state: TaskState }>('SELECT state FROM tasks WHERE id = ?'),
    revokeWaiting: db.prepare<[number, string]>(
      `UPDATE tasks SET state = 'REVOKED', finished_at = ? WHERE id = ?`,
    ),
    revokeRunning: db.prepare<[string]>('UPDATE tasks SET revoke_requested = 1 WHERE id = ?'),
    get: db.prepare<[string], TaskRow>('SELECT * FROM tasks WHERE id = ?'),
    purge: db.prepare<[]>(`DELETE FROM tasks WHERE state IN ${WAITING_STATES_SQL}`),
    removeFinished: db.prepare<[number]>(
      `DELETE FROM tasks WHERE state IN ${FINAL_STATES_SQL} AND finished_at < ?`,
    ),
    removeClaims: db.prepare<[number]>('DELETE FROM claims WHERE claimed_at < ?'),
    claim: db.prepare<[string, number]>('INSERT OR IGNORE INTO claims (key, claimed_at) VALUES (?, ?)'),
    counts: db.prepare<[], { state: TaskState; n: number }>(
      'SELECT state, COUNT(*) AS n FROM tasks GROUP BY state',
    ),
  };
}
