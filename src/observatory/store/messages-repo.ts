import { type Db, retryBusy } from './observatory-db.js';

/** One message between agents, as its receiver saw it. */
export interface MessageRecord {
  readonly time: number;
  readonly from: string;
  readonly to: string;
  readonly message: string;
}

/** Rows kept: older ones are removed as new ones come (the log is for watching, not for audit). */
const KEPT = 5000;
/** Inserts between two trims. */
const TRIM_EVERY = 200;

/** The message log: what each observatory agent received, newest kept. */
export class MessagesRepo {
  #inserts = 0;

  constructor(private readonly db: Db) {}

  record(m: MessageRecord): void {
    const insert = this.db.prepare(
      'INSERT INTO messages (time, from_agent, to_agent, message) VALUES (?, ?, ?, ?)',
    );
    retryBusy(() => insert.run(m.time, m.from, m.to, m.message));
    if (++this.#inserts % TRIM_EVERY === 0) {
      const trim = this.db.prepare('DELETE FROM messages WHERE id <= (SELECT MAX(id) FROM messages) - ?');
      retryBusy(() => trim.run(KEPT));
    }
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
