import type Database from 'better-sqlite3';
import { type TaskRow, WAITING_STATES_SQL } from './sqlite-schema.js';
import type { SqliteStatements } from './sqlite-statements.js';

type Db = Database.Database;
type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** The order in which due tasks are handed out (the `tasks_ready` index's order). */
function byReserveOrder(a: TaskRow, b: TaskRow): number {
  return b.priority - a.priority || a.eta - b.eta || a.created_at - b.created_at || a.seq - b.seq;
}

/**
 * Where due tasks are found: the statements of `reserve` and `nextDue`, by number of queues (the
 * IN list is spelled out). A due task is a waiting one whose eta has come (index `tasks_ready`),
 * or a running one whose lock ran out (index `tasks_locked`): two lookups, merged in one order.
 */
export class SqliteReserver {
  readonly #db: Db;
  readonly #s: SqliteStatements;
  readonly #statements = new Map<string, Stmt<unknown[], unknown>>();

  constructor(db: Db, statements: SqliteStatements) {
    this.#db = db;
    this.#s = statements;
  }

  /** Must run inside BEGIN IMMEDIATE: no other process can write between the select and the updates. */
  reserveInTx(
    queues: readonly string[],
    workerId: string,
    lockMs: number,
    max: number,
    now: number,
  ): TaskRow[] {
    const waiting = this.#prepared<TaskRow>(
      'waiting',
      queues.length,
      (q) =>
        // INDEXED BY: without statistics SQLite picks tasks_waiting_eta, then sorts every due task
        // to return the first few.
        `SELECT * FROM tasks INDEXED BY tasks_ready
        WHERE state IN ${WAITING_STATES_SQL} AND queue IN (${q}) AND eta <= ?
        ORDER BY priority DESC, eta, created_at, seq LIMIT ?`,
    );
    const lapsed = this.#prepared<TaskRow>(
      'lapsed',
      queues.length,
      (q) =>
        `SELECT * FROM tasks WHERE state = 'STARTED' AND queue IN (${q}) AND lock_until < ?
        ORDER BY lock_until LIMIT ?`,
    );
    const taken: TaskRow[] = [];
    // Tasks that expired or were revoked while their worker was gone are closed here and do not
    // count toward `max`; select again until `max` are taken or none is due.
    for (;;) {
      const want = max - taken.length;
      const found = waiting.all(...queues, now, want);
      const stale = lapsed.all(...queues, now, want);
      const rows = stale.length === 0 ? found : found.concat(stale).sort(byReserveOrder).slice(0, want);
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

  /** Whether a task of these queues is due: a read, without the write lock. */
  anyDue(queues: readonly string[], now: number): boolean {
    const due = this.#prepared<{ one: number }>(
      'anyDue',
      queues.length,
      (q) =>
        `SELECT 1 AS one FROM tasks WHERE state IN ${WAITING_STATES_SQL} AND queue IN (${q}) AND eta <= ?
       UNION ALL
       SELECT 1 AS one FROM tasks WHERE state = 'STARTED' AND queue IN (${q}) AND lock_until < ?
       LIMIT 1`,
    );
    return due.get(...queues, now, ...queues, now) !== undefined;
  }

  nextDue(queues: readonly string[], now: number): number | undefined {
    const next = this.#prepared<{ due: number | null }>(
      'nextDue',
      queues.length,
      (q) => `SELECT MIN(eta) AS due FROM tasks WHERE state IN ${WAITING_STATES_SQL} AND queue IN (${q})`,
    );
    const due = next.get(...queues)?.due ?? null;
    return due === null ? undefined : Math.max(0, due - now);
  }

  /** One statement per kind and number of queues, prepared on first use. */
  #prepared<R>(kind: string, queueCount: number, sql: (q: string) => string): Stmt<unknown[], R> {
    const key = `${kind}:${queueCount}`;
    let stmt = this.#statements.get(key);
    if (stmt === undefined) {
      stmt = this.#db.prepare<unknown[], unknown>(sql(placeholders(queueCount)));
      this.#statements.set(key, stmt);
    }
    return stmt as Stmt<unknown[], R>;
  }
}

export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
