import { type Db, retryBusy } from './store-db.js';

/** One message between agents, as its receiver saw it. */
export interface MessageRecord {
  readonly time: number;
  readonly from: string;
  readonly to: string;
  readonly message: string;
}

/** Rows kept: older ones are removed as new ones come (the log is for watching, not for audit). */
const KEPT = 5000;
/** How long a recorded message may wait before it is written (ms). */
const FLUSH_AFTER_MS = 200;

/**
 * The message log: what each observatory agent received, newest kept. Records are written in
 * batches, one transaction every {@link FLUSH_AFTER_MS} at most, after the message was handled:
 * a write per message would take the database's write lock on every agent's busiest path (an
 * alert's, among others).
 */
export class MessagesRepo {
  #pending: MessageRecord[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Db) {}

  record(m: MessageRecord): void {
    this.#pending.push(m);
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => this.flush(), FLUSH_AFTER_MS);
      this.#timer.unref();
    }
  }

  /** Writes what is recorded and not yet written (close calls it). */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    if (batch.length === 0 || !this.db.open) return;
    this.#pending = [];
    const insert = this.db.prepare(
      'INSERT INTO messages (time, from_agent, to_agent, message) VALUES (?, ?, ?, ?)',
    );
    const trim = this.db.prepare('DELETE FROM messages WHERE id <= (SELECT MAX(id) FROM messages) - ?');
    const write = this.db.transaction(() => {
      for (const m of batch) insert.run(m.time, m.from, m.to, m.message);
      trim.run(KEPT);
    });
    retryBusy(() => write.immediate());
  }

  /** Newest first; with `agent`, only messages from or to it. */
  latest(limit = 100, agent?: string): MessageRecord[] {
    const rows =
      agent === undefined
        ? this.db.prepare<[number], Row>('SELECT * FROM messages ORDER BY id DESC LIMIT ?').all(limit)
        : this.db
            .prepare<[string, string, number], Row>(
              'SELECT * FROM messages WHERE from_agent = ? OR to_agent = ? ORDER BY id DESC LIMIT ?',
            )
            .all(agent, agent, limit);
    return rows.map((r) => ({ time: r.time, from: r.from_agent, to: r.to_agent, message: r.message }));
  }
}

interface Row {
  time: number;
  from_agent: string;
  to_agent: string;
  message: string;
}
