import type { AlertOutcome, AlertRecord } from './alert-record.js';
import { type Db, retryBusy } from './store-db.js';

/** The alert manager's table: each notice as received (its XML included), the outcome and why. */
export const ALERTS_SQL = `
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
CREATE INDEX IF NOT EXISTS alerts_request ON alerts (request_id);
`;

interface AlertRow {
  ivorn: string;
  received_at: number;
  source: string;
  role: string;
  mission: string | null;
  packet_type: number | null;
  packet_name: string | null;
  trigger_id: string | null;
  event_time: number | null;
  ra_deg: number | null;
  dec_deg: number | null;
  error_deg: number | null;
  outcome: AlertOutcome;
  reason: string;
  request_id: string | null;
  drill: number;
  xml: string;
}

function toRecord(r: AlertRow): AlertRecord {
  return {
    ivorn: r.ivorn,
    receivedAt: r.received_at,
    source: r.source,
    role: r.role,
    ...(r.mission === null ? {} : { mission: r.mission }),
    ...(r.packet_type === null ? {} : { packetType: r.packet_type }),
    ...(r.packet_name === null ? {} : { packetName: r.packet_name }),
    ...(r.trigger_id === null ? {} : { triggerId: r.trigger_id }),
    ...(r.event_time === null ? {} : { eventTime: r.event_time }),
    ...(r.ra_deg === null ? {} : { raDeg: r.ra_deg }),
    ...(r.dec_deg === null ? {} : { decDeg: r.dec_deg }),
    ...(r.error_deg === null ? {} : { errorDeg: r.error_deg }),
    outcome: r.outcome,
    reason: r.reason,
    ...(r.request_id === null ? {} : { requestId: r.request_id }),
    drill: r.drill !== 0,
    xml: r.xml,
  };
}

/** The alerts table: each notice recorded once, by ivorn. */
export class AlertsRepo {
  constructor(private readonly db: Db) {}

  /** Records a notice; false (and nothing changed) when its ivorn was already recorded. */
  insert(a: AlertRecord): boolean {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO alerts (ivorn, received_at, source, role, mission, packet_type, packet_name,
             trigger_id, event_time, ra_deg, dec_deg, error_deg, outcome, reason, request_id, drill, xml)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return (
      retryBusy(() =>
        insert.run(
          a.ivorn,
          a.receivedAt,
          a.source,
          a.role,
          a.mission ?? null,
          a.packetType ?? null,
          a.packetName ?? null,
          a.triggerId ?? null,
          a.eventTime ?? null,
          a.raDeg ?? null,
          a.decDeg ?? null,
          a.errorDeg ?? null,
          a.outcome,
          a.reason,
          a.requestId ?? null,
          a.drill ? 1 : 0,
          a.xml,
        ),
      ).changes === 1
    );
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

  /** Newest first. */
  latest(limit = 50): AlertRecord[] {
    return this.db
      .prepare<[number], AlertRow>('SELECT * FROM alerts ORDER BY received_at DESC, rowid DESC LIMIT ?')
      .all(limit)
      .map(toRecord);
  }
}
