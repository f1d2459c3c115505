import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Broker, ListFilter, LockStatus } from '../broker.js';
import type { Json, NewTask, TaskError, TaskRecord, TaskState } from '../task-record.js';
import { TxBatcher } from './sqlite-batch.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { placeholders, SqliteReserver } from './sqlite-reserve.js';
import { rowToRecord, type TaskRow, toJsonColumn } from './sqlite-schema.js';
import { migrate, prepareStatements, type SqliteStatements } from './sqlite-statements.js';

type Db = Database.Database;
type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** How long a writer waits for another process's write transaction before giving up (ms). */
const BUSY_TIMEOUT_MS = 5000;
/** Commits after which a connection checkpoints from a background thread (a busy one, not a CLI command's). */
const BACKGROUND_CHECKPOINT_AFTER = 50;

/**
 * The embedded default broker: one SQLite file (WAL mode), shared by the worker processes of one
 * machine. Every state change runs inside a `BEGIN IMMEDIATE` transaction, so processes never see
 * half a change and two of them never claim the same task.
 *
 * The writes asked for during one turn of the event loop (enqueues, completes, heartbeats, a
 * reserve...) are committed together in one transaction, in order, each caller getting its own
 * result: see {@link TxBatcher}. Reads first commit what is queued, so a process sees its own
 * writes. better-sqlite3 is synchronous; the methods are async to fit {@link Broker}.
 */
export class SqliteBroker implements Broker {
  readonly url: string;
  readonly #db: Db;
  readonly #listStatements = new Map<string, Stmt<unknown[], TaskRow>>();
  readonly #s: SqliteStatements;
  readonly #reserver: SqliteReserver;
  readonly #batch: TxBatcher;
  /** The database file; undefined for `:memory:`. */
  readonly #path: string | undefined;
  #commits = 0;
  #checkpointer: SqliteCheckpointer | undefined;

  private constructor(db: Db, url: string, path: string | undefined) {
    this.#db = db;
    this.url = url;
    this.#path = path;
    this.#s = prepareStatements(db);
    this.#reserver = new SqliteReserver(db, this.#s);
    this.#batch = new TxBatcher(db, BUSY_TIMEOUT_MS, () => this.#afterCommit());
  }

  /**
   * A connection that keeps writing hands its WAL checkpoints to a background thread: SQLite's
   * automatic checkpoint runs inside the commit that crosses the WAL size threshold and, copying
   * the whole WAL with its fsyncs, stalls that process for up to 100 ms or more (its write lock
   * held all along, so every other process waits too). The automatic one is only kept as a
   * fallback, at a size (see `open`) the threads never let the WAL reach; a connection with few
   * commits (a CLI command) leaves the checkpoints to the busy ones, or to its close.
   */
  #afterCommit(): void {
    if (this.#path === undefined || this.#checkpointer !== undefined) return;
    this.#commits += 1;
    if (this.#commits < BACKGROUND_CHECKPOINT_AFTER) return;
    this.#checkpointer = new SqliteCheckpointer(this.#path);
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
      // 64 MiB of page cache at most (the default is 2 MiB): a reserve or a batch of completes
      // touches several indexes, and a cache smaller than the hot part of the file rereads pages.
      db.pragma('cache_size = -65536');
      // 10,000 pages (40 MB) rather than 1,000: see #afterCommit.
      db.pragma('wal_autocheckpoint = 10000');
      migrate(db, path);
      return new SqliteBroker(db, url, memory ? undefined : path);
    } catch (error) {
      db?.close();
      const reason = error instanceof Error ? error.message : String(error);
      if (reason.startsWith(`cannot open task database "${path}"`)) throw error;
      throw new Error(`cannot open task database "${path}": ${reason.split('\n')[0] ?? reason}`);
    }
  }

  async enqueue(task: NewTask, now: number): Promise<void> {
    const params = {
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
      state: task.eta > now ? ('SCHEDULED' as const) : ('PENDING' as const),
    };
    return this.#batch.submit(() => {
      try {
        this.#s.insert.run(params);
      } catch (error) {
        if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new Error(`task "${task.id}" already exists`);
        }
        throw error;
      }
    });
  }

  async reserve(
    queues: readonly string[],
    workerId: string,
    lockMs: number,
    max: number,
    now: number,
  ): Promise<TaskRecord[]> {
    if (queues.length === 0 || max < 1) return [];
    const rows = await this.#batch.submit(
      () => this.#reserver.reserveInTx(queues, workerId, lockMs, Math.floor(max), now),
      // Nothing due: answered by a read, without taking the write lock (an idle worker's poll).
      () => !this.#reserver.anyDue(queues, now),
      [],
    );
    return rows.map(rowToRecord);
  }

  async nextDue(queues: readonly string[], now: number): Promise<number | undefined> {
    if (queues.length === 0) return undefined;
    this.#batch.flush();
    return this.#reserver.nextDue(queues, now);
  }

  async heartbeat(id: string, workerId: string, lockMs: number, now: number): Promise<LockStatus> {
    return this.#batch.submit(() => {
      const row = this.#s.heartbeat.get(now + lockMs, id, workerId);
      return row === undefined
        ? { held: false, revokeRequested: false }
        : { held: true, revokeRequested: row.revoke_requested !== 0 };
    });
  }

  async complete(id: string, workerId: string, result: Json | undefined, now: number): Promise<boolean> {
    const stored = toJsonColumn(result);
    return this.#batch.submit(() => this.#s.complete.run(stored, now, id, workerId).changes === 1);
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
    return this.#batch.submit(() => {
      const changes =
        retryAt === undefined
          ? this.#s.failFinal.run(stored, now, id, workerId).changes
          : this.#s.failRetry.run({ error: stored, retryAt, now, id, workerId }).changes;
      return changes === 1;
    });
  }

  async progress(id: string, workerId: string, pct: number, note: string | undefined): Promise<void> {
    const clamped = Number.isFinite(pct) ? Math.min(100, Math.max(0, pct)) : 0;
    const stored = toJsonColumn(note === undefined ? { pct: clamped } : { pct: clamped, note });
    return this.#batch.submit(() => {
      this.#s.progress.run(stored, id, workerId);
    });
  }

  async revoke(id: string, now: number): Promise<TaskState | undefined> {
    return this.#batch.submit(() => {
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
    });
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    this.#batch.flush();
    const row = this.#s.get.get(id);
    return row === undefined ? undefined : rowToRecord(row);
  }

  async list(filter: ListFilter): Promise<TaskRecord[]> {
    this.#batch.flush();
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
    return this.#batch.submit(() => this.#s.purge.run().changes);
  }

  /** Also forgets `claimOnce` keys claimed before `before`: their periods are as old as the results dropped. */
  async removeFinished(before: number): Promise<number> {
    return this.#batch.submit(() => {
      const removed = this.#s.removeFinished.run(before).changes;
      this.#s.removeClaims.run(before);
      return removed;
    });
  }

  async claimOnce(key: string, now: number): Promise<boolean> {
    return this.#batch.submit(() => this.#s.claim.run(key, now).changes === 1);
  }

  async counts(): Promise<Partial<Record<TaskState, number>>> {
    this.#batch.flush();
    const counts: Partial<Record<TaskState, number>> = {};
    for (const { state, n } of this.#s.counts.all()) counts[state] = n;
    return counts;
  }

  /** None: every change is committed to the file (WAL) before the call resolves. */
  async durabilityWarning(): Promise<string | undefined> {
    return undefined;
  }

  /** Commits what is queued, then closes the file. */
  async close(): Promise<void> {
    if (!this.#db.open) return;
    this.#batch.flush();
    await this.#checkpointer?.close();
    this.#db.close();
  }
}
