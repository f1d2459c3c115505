import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Broker, ListFilter, LockStatus } from '../broker.js';
import type { Json, NewTask, TaskError, TaskRecord, TaskState } from '../task-record.js';
import {
  ACTIVE_STATES_SQL,
  rowToRecord,
  type TaskRow,
  toJsonColumn,
  WAITING_STATES_SQL,
} from './sqlite-schema.js';
import { migrate, prepareStatements } from './sqlite-statements.js';

type Db = Database.Database;
type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** How long a writer waits for another process's write transaction before giving up (ms). */
const BUSY_TIMEOUT_MS = 5000;

/**
 * The embedded default broker: one SQLite file (WAL mode), shared by the worker processes of one
 * machine. Every state change is one SQL statement or one `BEGIN IMMEDIATE` transaction, so
 * processes never see half a change and two of them never claim the same task.
 *
 * better-sqlite3 is synchronous; the methods are async only to fit {@link Broker}. Each call runs
 * to completion before the next, so calls from one process never interleave either.
 */
export class SqliteBroker implements Broker {
  readonly url: string;
  readonly #db: Db;
  /** `reserve` and `nextDue` statements by number of queues (the IN list is spelled out). */
  readonly #byQueueCount = new Map<
    string,
    Stmt<unknown[], TaskRow> | Stmt<unknown[], { due: number | null }>
  >();
  readonly #listStatements = new Map<string, Stmt<unknown[], TaskRow>>();
  readonly #s: ReturnType<typeof prepareStatements>;
  readonly #reserveTx: (
    queues: readonly string[],
    workerId: string,
    lockMs: number,
    max: number,
    now: number,
  ) => TaskRow[];
  readonly #revokeTx: (id: string, now: number) => TaskState | undefined;

  private constructor(db: Db, url: string) {
    this.#db = db;
    this.url = url;
    this.#s = prepareStatements(db);
    this.#reserveTx = db.transaction(this.#reserveInTx.bind(this)).immediate;
    this.#revokeTx = db.transaction(this.#revokeInTx.bind(this)).immediate;
  }

  /**
   * Opens (creating if missing) the SQLite file at `path`, or an in-memory database for
   * `:memory:`. The folder must exist. Throws a one-line error naming the path when the file is not
   * a SQLite database or was written by a newer schema.
   * @param url what {@link Broker.url} reports; defaults to `sqlite:<path>`.
   */
  static open(path: string, url = `sqlite:${path}`): SqliteBroker {
    const memory = path === ':memory:';
    if (!memory) {
      const dir = dirname(path);
      if (!existsSync(dir)) {
        throw new Error(`cannot open task database "${path}": folder "${dir}" does not exist`);
      }
      if (existsSync(path) && statSync(path).isDirectory()) {
        throw new Error(`cannot open task database "${path}": it is a folder`);
      }
    }
    let db: Db | undefined;
    try {
      db = new Database(memory ? ':memory:' : path, { timeout: BUSY_TIMEOUT_MS });
      // busy_timeout first, so the statements below wait for other processes rather than fail.
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      // The first read of the file: a non-SQLite file fails here ("file is not a database").
      db.pragma('journal_mode = WAL');
      // NORMAL is durable against process crashes in WAL mode (only an OS crash or power cut can
      // lose the last commits), and avoids an fsync per task state change.
      db.pragma('synchronous = NORMAL');
      migrate(db, path);
      return new SqliteBroker(db, url);
    } catch (error) {
      db?.close();
      const reason = error instanceof Error ? error.message : String(error);
      if (reason.startsWith(`cannot open task database "${path}"`)) throw error;
      throw new Error(`cannot open task database "${path}": ${reason.split('\n')[0] ?? reason}`);
    }
  }

  async enqueue(task: NewTask, now: number): Promise<void> {
    try {
      this.#s.insert.run({
        id: task.id,
        name: task.name,
        args: JSON.stringify(task.args),
        queue: task.queue,
        priority: task.priority,
        eta: task.eta,
        expires: task.expires ?? null,
        max_retries: task.maxRetries,
        retry_backoff_ms: task.retryBackoffMs,
        created_at: task.createdAt,
        state: task.eta > now ? 'SCHEDULED' : 'PENDING',
      });
    } catch (error) {
      if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new Error(`task "${task.id}" already exists`);
      }
      throw error;
    }
  }

  async reserve(
    queues: readonly string[],
    workerId: string,
    lockMs: number,
    max: number,
    now: number,
  ): Promise<TaskRecord[]> {
    if (queues.length === 0 || max < 1) return [];
    return this.#reserveTx(queues, workerId, lockMs, Math.floor(max), now).map(rowToRecord);
  }

  /** Runs inside BEGIN IMMEDIATE: no other process can write between the select and the updates. */
  #reserveInTx(
    queues: readonly string[],
    workerId: string,
    lockMs: number,
    max: number,
    now: number,
  ): TaskRow[] {
    const select = this.#dueStatement(queues.length);
    const taken: TaskRow[] = [];
    // Tasks that expired or were revoked while their worker was gone are closed here and do not
    // count toward `max`; select again until `max` are taken or none is due.
    for (;;) {
      const want = max - taken.length;
      const rows = select.all(...queues, now, now, want);
      for (const row of rows) {
        if (row.revoke_requested !== 0) {
          this.#s.finish.run('REVOKED', now, row.seq);
        } else if (row.expires !== null && row.expires < now) {
          this.#s.finish.run('EXPIRED', now, row.seq);
        } else {
          const started = this.#s.start.get(workerId, now + lockMs, now, row.seq);
          if (started !== undefined) taken.push(started);
        }
      }
      if (taken.length >= max || rows.length < want) break;
    }
    return taken;
  }

  #dueStatement(queueCount: number): Stmt<unknown[], TaskRow> {
    const key = `reserve:${queueCount}`;
    let stmt = this.#byQueueCount.get(key) as Stmt<unknown[], TaskRow> | undefined;
    if (stmt === undefined) {
      // A STARTED task is due again once its lock has run out (its worker died or stalled).
      stmt = this.#db.prepare<unknown[], TaskRow>(
        `SELECT * FROM tasks
          WHERE state IN ${ACTIVE_STATES_SQL} AND queue IN (${placeholders(queueCount)})
            AND ((state <> 'STARTED' AND eta <= ?) OR (state = 'STARTED' AND lock_until < ?))
          ORDER BY priority DESC, eta, created_at, seq
          LIMIT ?`,
      );
      this.#byQueueCount.set(key, stmt);
    }
    return stmt;
  }

  async nextDue(queues: readonly string[], now: number): Promise<number | undefined> {
    if (queues.length === 0) return undefined;
    const key = `nextDue:${queues.length}`;
    let stmt = this.#byQueueCount.get(key) as Stmt<unknown[], { due: number | null }> | undefined;
    if (stmt === undefined) {
      stmt = this.#db.prepare<unknown[], { due: number | null }>(
        `SELECT MIN(eta) AS due FROM tasks
          WHERE state IN ${WAITING_STATES_SQL} AND queue IN (${placeholders(queues.length)})`,
      );
      this.#byQueueCount.set(key, stmt);
    }
    const due = stmt.get(...queues)?.due ?? null;
    return due === null ? undefined : Math.max(0, due - now);
  }

  async heartbeat(id: string, workerId: string, lockMs: number, now: number): Promise<LockStatus> {
    const row = this.#s.heartbeat.get(now + lockMs, id, workerId);
    return row === undefined
      ? { held: false, revokeRequested: false }
      : { held: true, revokeRequested: row.revoke_requested !== 0 };
  }

  async complete(id: string, workerId: string, result: Json | undefined, now: number): Promise<boolean> {
    return this.#s.complete.run(toJsonColumn(result), now, id, workerId).changes === 1;
  }

  async fail(
    id: string,
    workerId: string,
    error: TaskError,
    retryAt: number | undefined,
    now: number,
  ): Promise<boolean> {
    // Only name/message/stack: an Error instance would otherwise stringify to {}.
    const stored = toJsonColumn({
      name: error.name,
      message: error.message,
      ...(error.stack === undefined ? {} : { stack: error.stack }),
    });
    const changes =
      retryAt === undefined
        ? this.#s.failFinal.run(stored, now, id, workerId).changes
        : this.#s.failRetry.run({ error: stored, retryAt, now, id, workerId }).changes;
    return changes === 1;
  }

  async progress(id: string, workerId: string, pct: number, note: string | undefined): Promise<void> {
    const clamped = Number.isFinite(pct) ? Math.min(100, Math.max(0, pct)) : 0;
    this.#s.progress.run(
      toJsonColumn(note === undefined ? { pct: clamped } : { pct: clamped, note }),
      id,
      workerId,
    );
  }

  async revoke(id: string, now: number): Promise<TaskState | undefined> {
    return this.#revokeTx(id, now);
  }

  #revokeInTx(id: string, now: number): TaskState | undefined {
    const state = this.#s.stateOf.get(id)?.state;
    if (state === undefined) return undefined;
    if (state === 'PENDING' || state === 'SCHEDULED' || state === 'RETRY') {
      this.#s.revokeWaiting.run(now, id);
      return 'REVOKED';
    }
    // Running: only flagged; the worker sees it at its next heartbeat and its complete/fail
    // records REVOKED. A final state is left as it is.
    if (state === 'STARTED') this.#s.revokeRunning.run(id);
    return state;
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const row = this.#s.get.get(id);
    return row === undefined ? undefined : rowToRecord(row);
  }

  async list(filter: ListFilter): Promise<TaskRecord[]> {
    const states = filter.states ?? [];
    const where: string[] = [];
    if (filter.states !== undefined) where.push(`state IN (${placeholders(states.length)})`);
    if (filter.name !== undefined) where.push('name = ?');
    const key = `${filter.states === undefined ? '-' : states.length}:${filter.name === undefined ? '-' : 'n'}`;
    let stmt = this.#listStatements.get(key);
    if (stmt === undefined) {
      // An empty `states` list matches nothing (IN () is valid SQLite and is always false).
      stmt = this.#db.prepare<unknown[], TaskRow>(
        `SELECT * FROM tasks ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
          ORDER BY created_at DESC, seq DESC LIMIT ?`,
      );
      this.#listStatements.set(key, stmt);
    }
    const params: unknown[] = [...states];
    if (filter.name !== undefined) params.push(filter.name);
    // LIMIT -1: no limit.
    params.push(filter.limit === undefined ? -1 : Math.max(0, Math.floor(filter.limit)));
    return stmt.all(...params).map(rowToRecord);
  }

  async purge(): Promise<number> {
    return this.#s.purge.run().changes;
  }

  /** Also forgets `claimOnce` keys claimed before `before`: their periods are as old as the results dropped. */
  async removeFinished(before: number): Promise<number> {
    const removed = this.#s.removeFinished.run(before).changes;
    this.#s.removeClaims.run(before);
    return removed;
  }

  async claimOnce(key: string, now: number): Promise<boolean> {
    return this.#s.claim.run(key, now).changes === 1;
  }

  async counts(): Promise<Partial<Record<TaskState, number>>> {
    const counts: Partial<Record<TaskState, number>> = {};
    for (const { state, n } of this.#s.counts.all()) counts[state] = n;
    return counts;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
