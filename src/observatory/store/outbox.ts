import { type Db, retryBusy } from './store-db.js';

/** A message waiting in an agent's outbox. */
export interface OutboxEntry {
  readonly id: number;
  readonly recipient: string;
  readonly message: string;
  readonly payload: unknown;
  readonly createdAt: number;
  readonly attempts: number;
}

interface Row {
  id: number;
  recipient: string;
  message: string;
  payload: string;
  created_at: number;
  attempts: number;
}

/**
 * Messages an agent must get to another, kept in its own store until delivered: posting one in the
 * same transaction as the change it reports makes "changed but never told" impossible, and a
 * restart resends what was not delivered. The Courier (agents/courier.ts) delivers them.
 */
export class Outbox {
  constructor(private readonly db: Db) {}

  /**
   * Adds a message for `recipient`. With `key`, an undelivered message of the same recipient and
   * key is replaced (only the newest plan matters, say).
   */
  post(recipient: string, message: string, payload: unknown, now: number, key?: string): number {
    if (key !== undefined) {
      this.db.prepare('DELETE FROM outbox WHERE recipient = ? AND coalesce_key = ?').run(recipient, key);
    }
    const info = retryBusy(() =>
      this.db
        .prepare(
          'INSERT INTO outbox (recipient, message, payload, coalesce_key, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(recipient, message, JSON.stringify(payload), key ?? null, now),
    );
    return Number(info.lastInsertRowid);
  }

  /** The oldest waiting message for `recipient`. */
  next(recipient: string): OutboxEntry | undefined {
    const row = this.db
      .prepare<[string], Row>('SELECT * FROM outbox WHERE recipient = ? ORDER BY id LIMIT 1')
      .get(recipient);
    return row === undefined ? undefined : toEntry(row);
  }

  /** Recipients with something waiting. */
  recipients(): string[] {
    return this.db
      .prepare<[], { recipient: string }>('SELECT DISTINCT recipient FROM outbox ORDER BY recipient')
      .all()
      .map((r) => r.recipient);
  }

  /** Messages waiting, in all. */
  size(): number {
    return this.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox').get()?.n ?? 0;
  }

  delivered(id: number): void {
    retryBusy(() => this.db.prepare('DELETE FROM outbox WHERE id = ?').run(id));
  }

  /** One more failed attempt, and why. */
  attempted(id: number, error: string): void {
    retryBusy(() =>
      this.db
        .prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?')
        .run(error, id),
    );
  }

  /** Given up: moved to the dead letters, with why. */
  dead(id: number, error: string, now: number): void {
    const move = this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT OR REPLACE INTO outbox_dead (id, recipient, message, payload, created_at, failed_at, error)
           SELECT id, recipient, message, payload, created_at, ?, ? FROM outbox WHERE id = ?`,
        )
        .run(now, error, id);
      this.db.prepare('DELETE FROM outbox WHERE id = ?').run(id);
    });
    retryBusy(() => move.immediate());
  }

  /** Dead letters, newest first. */
  deadLetters(limit = 100): Array<OutboxEntry & { error: string }> {
    return this.db
      .prepare<[number], Row & { error: string }>('SELECT * FROM outbox_dead ORDER BY id DESC LIMIT ?')
      .all(limit)
      .map((r) => ({ ...toEntry({ ...r, attempts: 0 }), error: r.error }));
  }
}

function toEntry(r: Row): OutboxEntry {
  return {
    id: r.id,
    recipient: r.recipient,
    message: r.message,
    payload: JSON.parse(r.payload) as unknown,
    createdAt: r.created_at,
    attempts: r.attempts,
  };
}
