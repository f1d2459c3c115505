/**
 * The tables every agent's store has besides its own: a small key/value table, the message log
 * (what the agent received, for the dashboard) and the outbox (messages it must deliver, kept
 * until their recipient has handled them).
 */
export const COMMON_SQL = `
CREATE TABLE IF NOT EXISTS settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS messages (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  time       INTEGER NOT NULL,
  from_agent TEXT NOT NULL,
  to_agent   TEXT NOT NULL,
  message    TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS outbox (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  recipient   TEXT NOT NULL,
  message     TEXT NOT NULL,
  payload     TEXT NOT NULL,
  -- A newer message with the same recipient and key replaces an older one not yet delivered.
  coalesce_key TEXT,
  created_at  INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT
);
CREATE INDEX IF NOT EXISTS outbox_recipient ON outbox (recipient, id);

-- What the recipient refused for good (a payload it declares invalid, an agent not in the config):
-- kept, not retried, said once in the log.
CREATE TABLE IF NOT EXISTS outbox_dead (
  id         INTEGER PRIMARY KEY,
  recipient  TEXT NOT NULL,
  message    TEXT NOT NULL,
  payload    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  failed_at  INTEGER NOT NULL,
  error      TEXT NOT NULL
);
`;
