/** Version of {@link OBSERVATORY_SCHEMA_SQL}, kept in `PRAGMA user_version`. */
export const OBSERVATORY_SCHEMA_VERSION = 2;
// v1 → v2: the messages table (the dashboard's message log). Every statement below is
// IF NOT EXISTS, so running them all on a v1 file adds what v2 added.

/**
 * Everything the observatory must not lose when the host is killed: alerts as received,
 * requests, the current plan, observations, images and their analysis, and the simulated clock.
 * Times are ms since the epoch (observatory clock); JSON columns hold `JSON.stringify` text.
 */
export const OBSERVATORY_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS alerts (
  ivorn         TEXT PRIMARY KEY,
  received_at   INTEGER NOT NULL,
  source        TEXT NOT NULL,
  role          TEXT NOT NULL,
  mission       TEXT,
  packet_type   INTEGER,
  packet_name   TEXT,
  trigger_id    TEXT,
  event_time    INTEGER,
  ra_deg        REAL,
  dec_deg       REAL,
  error_deg     REAL,
  outcome       TEXT NOT NULL,
  reason        TEXT NOT NULL,
  request_id    TEXT,
  drill         INTEGER NOT NULL DEFAULT 0,
  xml           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_received ON alerts (received_at);

CREATE TABLE IF NOT EXISTS requests (
  id                  TEXT PRIMARY KEY,
  kind                TEXT NOT NULL,
  target_name         TEXT NOT NULL,
  ra_deg              REAL NOT NULL,
  dec_deg             REAL NOT NULL,
  priority            REAL NOT NULL,
  exposures           TEXT NOT NULL,
  window_start        INTEGER,
  window_end          INTEGER,
  min_altitude_deg    REAL,
  moon_separation_deg REAL,
  created_at          INTEGER NOT NULL,
  alert_ivorn         TEXT,
  state               TEXT NOT NULL,
  reason              TEXT,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_state ON requests (state);
CREATE INDEX IF NOT EXISTS requests_alert ON requests (alert_ivorn);

-- The current plan only: a replan replaces it (its version goes up).
CREATE TABLE IF NOT EXISTS plan_blocks (
  id           TEXT PRIMARY KEY,
  version      INTEGER NOT NULL,
  request_id   TEXT NOT NULL,
  block        TEXT NOT NULL,
  start        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS plan_blocks_start ON plan_blocks (start);

CREATE TABLE IF NOT EXISTS observations (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id  TEXT NOT NULL,
  block_id    TEXT NOT NULL,
  target_name TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  ended_at    INTEGER,
  state       TEXT NOT NULL,
  reason      TEXT
);
CREATE INDEX IF NOT EXISTS observations_state ON observations (state);

CREATE TABLE IF NOT EXISTS images (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  observation_id INTEGER NOT NULL,
  path           TEXT NOT NULL,
  object         TEXT NOT NULL,
  filter         TEXT NOT NULL,
  exposure_s     REAL NOT NULL,
  date_obs       INTEGER NOT NULL,
  ra_deg         REAL NOT NULL,
  dec_deg        REAL NOT NULL,
  analysis       TEXT,
  analyzed_at    INTEGER
);
CREATE INDEX IF NOT EXISTS images_observation ON images (observation_id);

CREATE TABLE IF NOT EXISTS weather (
  time    INTEGER PRIMARY KEY,
  reading TEXT NOT NULL,
  ok      INTEGER NOT NULL
);

-- The latest messages between agents, as each agent received them (the dashboard's log).
CREATE TABLE IF NOT EXISTS messages (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  time       INTEGER NOT NULL,
  from_agent TEXT NOT NULL,
  to_agent   TEXT NOT NULL,
  message    TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;
