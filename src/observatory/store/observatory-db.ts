import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { OBSERVATORY_SCHEMA_SQL, OBSERVATORY_SCHEMA_VERSION } from './observatory-schema.js';

/** A connection to the observatory database. */
export type Db = Database.Database;

/**
 * Opens (creating if missing, with its folder) the observatory database. Every agent thread opens
 * its own connection: WAL lets them read while one writes, and `busy_timeout` makes a writer wait
 * for another instead of failing. Throws one line naming the file.
 */
export function openObservatoryDb(path: string): Db {
  let db: Db | undefined;
  try {
    if (path !== ':memory:' && !existsSync(dirname(path))) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: 5000 });
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    // NORMAL: durable against a killed process (what "the host is killed mid-night" means).
    db.pragma('synchronous = NORMAL');
    const handle = db;
    handle
      .transaction(() => {
        const version = handle.pragma('user_version', { simple: true }) as number;
        if (version > OBSERVATORY_SCHEMA_VERSION) {
          throw new Error(
            `schema version ${version} is newer than this pyros-ts (${OBSERVATORY_SCHEMA_VERSION})`,
          );
        }
        if (version < OBSERVATORY_SCHEMA_VERSION) {
          handle.exec(OBSERVATORY_SCHEMA_SQL);
          handle.pragma(`user_version = ${OBSERVATORY_SCHEMA_VERSION}`);
        }
      })
      .immediate();
    // Writers wait in retryBusy (below), not in SQLite's busy handler, whose sleeps of 1, 2, 5,
    // 10… ms made an alert wait tens of ms behind another agent's short write.
    handle.pragma('busy_timeout = 0');
    // Checkpoints run on a background thread of the monitoring agent (SqliteCheckpointer): one
    // inside a commit stalls that agent for its fsyncs. This size is only the fallback.
    handle.pragma('wal_autocheckpoint = 10000');
    return handle;
  } catch (error) {
    db?.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open observatory database "${path}": ${reason.split('\n')[0]}`);
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** How long a writer waits for the other agents' writes before giving up (ms). */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Runs a write (a statement, or an IMMEDIATE transaction) and, while another connection holds the
 * write lock, tries again after short sleeps (0.1 ms doubling to 1 ms): the agents' writes last
 * well under a millisecond, so a waiter gets in right after. Throws the last SQLITE_BUSY after 5 s.
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

/** A small key/value record (e.g. the plan version, the simulated clock). */
export function getSetting(db: Db, key: string): string | undefined {
  const row = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key);
  return row?.value;
}

export function setSetting(db: Db, key: string, value: string): void {
  const stmt = db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  retryBusy(() => stmt.run(key, value));
}
