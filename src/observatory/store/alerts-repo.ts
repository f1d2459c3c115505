import type { AlertOutcome, AlertRecord } from './alert-record.js';
import { type Db, retryBusy } from './store-db.js';

/** The alert manager's table: each notice as received (its text included), the outcome and why. */
export const ALERTS_SQL = `
CREATE TABLE IF NOT EXISTS alerts (
  ivorn         TEXT PRIMARY KEY,
  received_at   INTEGER NOT NULL,
  source        TEXT NOT NULL,
  format        TEXT NOT NULL DEFAULT 'voevent',
  role          TEXT NOT NULL,
  mission       TEXT,
  instrument    TEXT,
  packet_type   INTEGER,
  packet_name   TEXT,
  trigger_id    TEXT,
  event_key     TEXT,
  event_time    INTEGER,
  ra_deg        REAL,
  dec_deg       REAL,
  error_deg     REAL,
  class         TEXT,
  area90_deg2   REAL,
  outcome       TEXT NOT NULL,
  reason        TEXT NOT NULL,
  request_id    TEXT,
  drill         INTEGER NOT NULL DEFAULT 0,
  raw           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS alerts_received ON alerts (received_at);
CREATE INDEX IF NOT EXISTS alerts_request ON alerts (request_id);
CREATE INDEX IF NOT EXISTS alerts_event ON alerts (event_key);
`;

/** From the first alerts table (VOEvents only) to this one. */
export const ALERTS_MIGRATION_1 = `
ALTER TABLE alerts RENAME COLUMN xml TO raw;
ALTER TABLE alerts ADD COLUMN format TEXT NOT NULL DEFAULT 'voevent';
ALTER TABLE alerts ADD COLUMN instrument TEXT;
ALTER TABLE alerts ADD COLUMN event_key TEXT;
ALTER TABLE alerts ADD COLUMN class TEXT;
ALTER TABLE alerts ADD COLUMN area90_deg2 REAL;
`;

interface AlertRow {
  ivorn: string;
  received_at: number;
  source: string;
  format: string;
  role: string;
  mission: string | null;
  instrument: string | null;
  packet_type: number | null;
  packet_name: string | null;
  trigger_id: string | null;
  event_key: string | null;
  event_time: number | null;
  ra_deg: number | null;
  dec_deg: number | null;
  error_deg: number | null;
  class: string | null;
  area90_deg2: number | null;
  outcome: AlertOutcome;
  reason: string;
  request_id: string | null;
  drill: number;
  raw: string;
}

/** The optional columns, by record field. */
const OPTIONAL = [
  ['mission', 'mission'],
  ['instrument', 'instrument'],
  ['packetType', 'packet_type'],
  ['packetName', 'packet_name'],
  ['triggerId', 'trigger_id'],
  ['eventKey', 'event_key'],
  ['eventTime', 'event_time'],
  ['raDeg', 'ra_deg'],
  ['decDeg', 'dec_deg'],
  ['errorDeg', 'error_deg'],
  ['classification', 'class'],
  ['area90Deg2', 'area90_deg2'],
  ['requestId', 'request_id'],
] as const;

function toRecord(r: AlertRow): AlertRecord {
  const record: Record<string, unknown> = {
    ivorn: r.ivorn,
    receivedAt: r.received_at,
    source: r.source,
    format: r.format,
    role: r.role,
    outcome: r.outcome,
    reason: r.reason,
    drill: r.drill !== 0,
    raw: r.raw,
  };
  for (const [field, column] of OPTIONAL) if (r[column] !== null) record[field] = r[column];
  return record as unknown as AlertRecord;
}

const COLUMNS = [
  'ivorn',
  'received_at',
  'source',
  'format',
  'role',
  ...OPTIONAL.map(([, c]) => c),
  'outcome',
  'reason',
  'drill',
  'raw',
];

/** The alerts table: each notice recorded once, by id. */
export class AlertsRepo {
  readonly #insert;

  constructor(private readonly db: Db) {
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO alerts (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    );
  }

  /** Records a notice; false (and nothing changed) when its id was already recorded. */
  insert(a: AlertRecord): boolean {
    const optional = OPTIONAL.map(([field]) => (a as unknown as Record<string, unknown>)[field] ?? null);
    const values = [a.ivorn, a.receivedAt, a.source, a.format, a.role, ...optional];
    values.push(a.outcome, a.reason, a.drill ? 1 : 0, a.raw);
    return retryBusy(() => this.#insert.run(...values)).changes === 1;
  }

  get(ivorn: string): AlertRecord | undefined {
    const row = this.db.prepare<[string], AlertRow>('SELECT * FROM alerts WHERE ivorn = ?').get(ivorn);
    return row === undefined ? undefined : toRecord(row);
  }

  /** The alerts that made or updated `requestId`. */
  ofRequest(requestId: string): AlertRecord[] {
    return this.db
      .prepare<[string], AlertRow>('SELECT * FROM alerts WHERE request_id = ? ORDER BY received_at')
      .all(requestId)
      .map(toRecord);
  }

  /** The notices of one event, oldest first. */
  ofEvent(eventKey: string): AlertRecord[] {
    return this.db
      .prepare<[string], AlertRow>('SELECT * FROM alerts WHERE event_key = ? ORDER BY received_at, rowid')
      .all(eventKey)
      .map(toRecord);
  }

  /** Newest first. */
  latest(limit = 50): AlertRecord[] {
    return this.db
      .prepare<[number], AlertRow>('SELECT * FROM alerts ORDER BY received_at DESC, rowid DESC LIMIT ?')
      .all(limit)
      .map(toRecord);
  }
}
