import { type Db, retryBusy } from './store-db.js';

/**
 * The alert manager's events: what one burst (or candidate) has come to, whatever number of
 * notices told of it — the request made for it, the error of the position that request has now,
 * and whether it was retracted (perhaps before its first notice came). And the notices a
 * retraction named, which may not have come yet.
 */
export const ALERT_EVENTS_SQL = `
CREATE TABLE IF NOT EXISTS alert_events (
  event_key     TEXT PRIMARY KEY,
  base_key      TEXT NOT NULL,
  drill         INTEGER NOT NULL DEFAULT 0,
  request_id    TEXT,
  error_deg     REAL,
  retracted_by  TEXT,
  retracted_at  INTEGER,
  first_seen    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS alert_events_base ON alert_events (base_key, drill, first_seen);
CREATE TABLE IF NOT EXISTS alert_retracted_notices (
  notice_id     TEXT PRIMARY KEY,
  retracted_by  TEXT NOT NULL,
  at            INTEGER NOT NULL
);
`;

/** One event as the alert manager keeps it. */
export interface AlertEvent {
  /** `MISSION:ID` (`Fermi/GBM:792219222`, `SVOM:sb26022501`, `LVK:S230518h`), `notice:ID` without one, a drill's own key. */
  readonly eventKey: string;
  /** The event key a drill sequence plays (its own for a live event). */
  readonly baseKey: string;
  readonly drill: boolean;
  readonly requestId?: string;
  /** The error radius of the position the request now has (degrees). */
  readonly errorDeg?: number;
  readonly retractedBy?: string;
  readonly retractedAt?: number;
  readonly firstSeen: number;
  readonly updatedAt: number;
}

interface EventRow {
  event_key: string;
  base_key: string;
  drill: number;
  request_id: string | null;
  error_deg: number | null;
  retracted_by: string | null;
  retracted_at: number | null;
  first_seen: number;
  updated_at: number;
}

function toEvent(r: EventRow): AlertEvent {
  return {
    eventKey: r.event_key,
    baseKey: r.base_key,
    drill: r.drill !== 0,
    ...(r.request_id === null ? {} : { requestId: r.request_id }),
    ...(r.error_deg === null ? {} : { errorDeg: r.error_deg }),
    ...(r.retracted_by === null ? {} : { retractedBy: r.retracted_by }),
    ...(r.retracted_at === null ? {} : { retractedAt: r.retracted_at }),
    firstSeen: r.first_seen,
    updatedAt: r.updated_at,
  };
}

/** The events table and the retracted notices. Call inside the store's transaction with the alert it goes with. */
export class AlertEventsRepo {
  constructor(private readonly db: Db) {}

  get(eventKey: string): AlertEvent | undefined {
    const row = this.db
      .prepare<[string], EventRow>('SELECT * FROM alert_events WHERE event_key = ?')
      .get(eventKey);
    return row === undefined ? undefined : toEvent(row);
  }

  /** The latest drill sequence that plays `baseKey`, or undefined. */
  latestDrill(baseKey: string): AlertEvent | undefined {
    const row = this.db
      .prepare<[string], EventRow>(
        'SELECT * FROM alert_events WHERE base_key = ? AND drill = 1 ORDER BY first_seen DESC, rowid DESC LIMIT 1',
      )
      .get(baseKey);
    return row === undefined ? undefined : toEvent(row);
  }

  /** Creates the event, or changes what `change` names (undefined fields are kept). */
  save(e: AlertEvent): void {
    retryBusy(() =>
      this.db
        .prepare(
          `INSERT INTO alert_events (event_key, base_key, drill, request_id, error_deg, retracted_by, retracted_at, first_seen, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (event_key) DO UPDATE SET request_id = excluded.request_id, error_deg = excluded.error_deg,
             retracted_by = excluded.retracted_by, retracted_at = excluded.retracted_at, updated_at = excluded.updated_at`,
        )
        .run(
          e.eventKey,
          e.baseKey,
          e.drill ? 1 : 0,
          e.requestId ?? null,
          e.errorDeg ?? null,
          e.retractedBy ?? null,
          e.retractedAt ?? null,
          e.firstSeen,
          e.updatedAt,
        ),
    );
  }

  /** Notes that `noticeId` was retracted by `by` (it may come later, and must then not be observed). */
  retractNotice(noticeId: string, by: string, at: number): void {
    retryBusy(() =>
      this.db
        .prepare(
          'INSERT OR IGNORE INTO alert_retracted_notices (notice_id, retracted_by, at) VALUES (?, ?, ?)',
        )
        .run(noticeId, by, at),
    );
  }

  /** The retraction that named `noticeId`, when one did. */
  retractionOf(noticeId: string): { by: string; at: number } | undefined {
    return this.db
      .prepare<[string], { by: string; at: number }>(
        'SELECT retracted_by AS by, at FROM alert_retracted_notices WHERE notice_id = ?',
      )
      .get(noticeId);
  }
}
