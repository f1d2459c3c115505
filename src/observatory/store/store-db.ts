import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** A connection to an agent's store. */
export type Db = Database.Database;

/** An agent's tables: the SQL that creates them (every statement IF NOT EXISTS) and its version. */
export interface StoreSchema {
  /** Kept in `PRAGMA user_version`; a file with a newer one is refused (a newer pyros-ts wrote it). */
  readonly version: number;
  readonly sql: string;
  /**
   * What brings a file of an older version up: `migrations[v - 1]` takes version v to v + 1 (the
   * columns added to tables that `sql` would not touch, since they exist). `sql` runs after them,
   * for the tables that are new.
   */
  readonly migrations?: readonly string[];
}

/**
 * Opens (creating if missing, with its folder) an agent's SQLite file and brings its tables up to
 * `schema`. Only its owner opens it (one connection per file: no other agent, thread or host
 * shares it), in WAL mode, durable against a killed process. Throws one line naming the file.
 */
export function openStoreDb(path: string, schema: StoreSchema): Db {
  let db: Db | undefined;
  try {
    if (path !== ':memory:' && !existsSync(dirname(path))) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: 5000 });
    db.pragma('journal_mode = WAL');
    // NORMAL: durable against a killed process (what "the host is killed mid-night" means).
    db.pragma('synchronous = NORMAL');
    const handle = db;
    handle
      .transaction(() => {
        const version = handle.pragma('user_version', { simple: true }) as number;
        if (version > schema.version) {
          throw new Error(`schema version ${version} is newer than this pyros-ts (${schema.version})`);
        }
        if (version < schema.version) {
          // A new file (version 0) gets the tables as they are now; an older one its migrations first.
          for (let v = Math.max(version, 1); version > 0 && v < schema.version; v++) {
            const step = schema.migrations?.[v - 1];
            if (step === undefined) throw new Error(`no migration from schema version ${v} to ${v + 1}`);
            handle.exec(step);
          }
          handle.exec(schema.sql);
          handle.pragma(`user_version = ${schema.version}`);
        }
      })
      .immediate();
    return handle;
  } catch (error) {
    db?.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open the store "${path}": ${reason.split('\n')[0]}`);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** How long a writer waits before giving up (ms). */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Runs a write and, while another connection holds the write lock (a `sqlite3` shell of the
 * operator's, say: the owner is the only writer), tries again after short sleeps. Throws the last
 * SQLITE_BUSY after 5 s.
 */
export function retryBusy<T>(write: () => T): T {
  const deadline = performance.now() + BUSY_TIMEOUT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return write();
    } catch (error) {
      const busy = error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY');
      if (!busy || performance.now() > deadline) throw error;
      Atomics.wait(sleeper, 0, 0, Math.min(1, 0.1 * 2 ** attempt));
    }
  }
}
