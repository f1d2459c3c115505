import { COMMON_SQL } from './common-schema.js';
import { MessagesRepo } from './messages-repo.js';
import { Outbox } from './outbox.js';
import { type Db, openStoreDb, retryBusy, type StoreSchema } from './store-db.js';

/**
 * One agent's own store: its SQLite file (its tables, plus a key/value table, its message log
 * and its outbox). Only the agent that owns it opens it; what others need of it they ask for.
 */
export class AgentStore {
  readonly messages: MessagesRepo;
  readonly outbox: Outbox;

  private constructor(
    readonly path: string,
    readonly db: Db,
  ) {
    this.messages = new MessagesRepo(db);
    this.outbox = new Outbox(db);
  }

  /** Opens `path` with the agent's tables (`schema`; its version counts for the whole file). */
  static open(path: string, schema: StoreSchema = { version: 1, sql: '' }): AgentStore {
    return new AgentStore(path, openStoreDb(path, { ...schema, sql: COMMON_SQL + schema.sql }));
  }

  /** A small value (the paused state, a plan version…), or undefined. */
  get(key: string): string | undefined {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key)
      ?.value;
  }

  set(key: string, value: string): void {
    const stmt = this.db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    retryBusy(() => stmt.run(key, value));
  }

  delete(key: string): void {
    retryBusy(() => this.db.prepare('DELETE FROM settings WHERE key = ?').run(key));
  }

  /** Runs `fn` in one IMMEDIATE transaction: a change and the outbox messages that report it commit together. */
  transaction<T>(fn: () => T): T {
    return retryBusy(() => this.db.transaction(fn).immediate());
  }

  close(): void {
    if (!this.db.open) return;
    this.messages.flush();
    this.db.close();
  }
}
