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
    return handle;
  } catch (error) {
    db?.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open observatory database "${path}": ${reason.split('\n')[0]}`);
  }
}

/** A small key/value record (e.g. the plan version, the simulated clock). */
export function getSetting(db: Db, key: string): string | undefined {
  const row = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key);
  return row?.value;
}

export function setSetting(db: Db, key: string, value: string): void {
  db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  ).run(key, value);
}
