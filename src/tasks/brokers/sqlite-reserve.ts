import type Database from 'better-sqlite3';
import { ACTIVE_STATES_SQL, type TaskRow, WAITING_STATES_SQL } from './sqlite-schema.js';
import type { SqliteStatements } from './sqlite-statements.js';

type Db = Database.Database;
type Stmt<P extends unknown[], R = unknown> = Database.Statement<P, R>;

/** Where due tasks are found: the statements of `reserve` and `nextDue`, by number of queues (the IN list is spelled out). */
export class SqliteReserver {
  readonly #db: Db;
  readonly #s: SqliteStatements;
  readonly #due = new Map<number, Stmt<unknown[], TaskRow>>();
  readonly #anyDue = new Map<number, Stmt<unknown[], { one: number }>>();
  readonly #nextDue = new Map<number, Stmt<unknown[], { due: number | null }>>();

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

  /** Whether a task of these queues is due: a read, without the write lock. */
  anyDue(queues: readonly string[], now: number): boolean {
    let stmt = this.#anyDue.get(queues.length);
    if (stmt === undefined) {
      stmt = this.#db.prepare<unknown[], { one: number }>(
        `SELECT 1 AS one FROM tasks WHERE ${dueWhere(queues.length)} LIMIT 1`,
      );
      this.#anyDue.set(queues.length, stmt);
    }
    return stmt.get(...queues, now, now) !== undefined;
  }

  #dueStatement(queueCount: number): Stmt<unknown[], TaskRow> {
    let stmt = this.#due.get(queueCount);
    if (stmt === undefined) {
      stmt = this.#db.prepare<unknown[], TaskRow>(
        `SELECT * FROM tasks WHERE ${dueWhere(queueCount)}
          ORDER BY priority DESC, eta, created_at, seq
          LIMIT ?`,
      );
      this.#due.set(queueCount, stmt);
    }
    return stmt;
  }

  nextDue(queues: readonly string[], now: number): number | undefined {
    let stmt = this.#nextDue.get(queues.length);
    if (stmt === undefined) {
      stmt = this.#db.prepare<unknown[], { due: number | null }>(
        `SELECT MIN(eta) AS due FROM tasks
          WHERE state IN ${WAITING_STATES_SQL} AND queue IN (${placeholders(queues.length)})`,
      );
      this.#nextDue.set(queues.length, stmt);
    }
    const due = stmt.get(...queues)?.due ?? null;
    return due === null ? undefined : Math.max(0, due - now);
  }
}

/** Due tasks of the queues (parameters: the queues, then `now` twice). A STARTED task is due again once its lock has run out (its worker died or stalled). */
function dueWhere(queueCount: number): string {
  return `state IN ${ACTIVE_STATES_SQL} AND queue IN (${placeholders(queueCount)})
    AND ((state <> 'STARTED' AND eta <= ?) OR (state = 'STARTED' AND lock_until < ?))`;
}

export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
