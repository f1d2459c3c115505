import type { Equatorial } from '../astro/coordinates.js';
import type { ExposureSpec, ObservationRequest, RequestRecord, RequestState } from '../scheduler/request.js';
import { type Db, retryBusy } from './store-db.js';

/**
 * The scheduler's tables: requests (routine ones, a copy per night, and alert ones) with their
 * state, and the outcome of each observation it was told of (so that a message delivered twice is
 * counted once).
 */
export const REQUESTS_SQL = `
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
  cadence_s           REAL,
  created_at          INTEGER NOT NULL,
  alert_ivorn         TEXT,
  state               TEXT NOT NULL,
  reason              TEXT,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_state ON requests (state);
CREATE INDEX IF NOT EXISTS requests_alert ON requests (alert_ivorn);

CREATE TABLE IF NOT EXISTS observation_outcomes (
  observation_id INTEGER NOT NULL,
  event          TEXT NOT NULL,
  request_id     TEXT NOT NULL,
  time           INTEGER NOT NULL,
  PRIMARY KEY (observation_id, event)
);
CREATE INDEX IF NOT EXISTS observation_outcomes_request ON observation_outcomes (request_id, event);
`;

/** From the first requests table (each request observed once) to this one: requests with a cadence. */
export const REQUESTS_MIGRATION_1 = `
ALTER TABLE requests ADD COLUMN cadence_s REAL;
`;

interface RequestRow {
  id: string;
  kind: ObservationRequest['kind'];
  target_name: string;
  ra_deg: number;
  dec_deg: number;
  priority: number;
  exposures: string;
  window_start: number | null;
  window_end: number | null;
  min_altitude_deg: number | null;
  moon_separation_deg: number | null;
  cadence_s: number | null;
  created_at: number;
  alert_ivorn: string | null;
  state: RequestState;
  reason: string | null;
  updated_at: number;
}

function toRecord(r: RequestRow): RequestRecord {
  return { ...toRequest(r), reason: r.reason, updatedAt: r.updated_at };
}

function toRequest(r: RequestRow): ObservationRequest {
  return {
    id: r.id,
    kind: r.kind,
    targetName: r.target_name,
    target: { raDeg: r.ra_deg, decDeg: r.dec_deg },
    priority: r.priority,
    exposures: JSON.parse(r.exposures) as ExposureSpec[],
    ...(r.window_start !== null && r.window_end !== null
      ? { window: { start: r.window_start, end: r.window_end } }
      : {}),
    ...(r.min_altitude_deg === null ? {} : { minAltitudeDeg: r.min_altitude_deg }),
    ...(r.moon_separation_deg === null ? {} : { moonSeparationDeg: r.moon_separation_deg }),
    ...(r.cadence_s === null ? {} : { cadenceS: r.cadence_s }),
    createdAt: r.created_at,
    ...(r.alert_ivorn === null ? {} : { alertIvorn: r.alert_ivorn }),
    state: r.state,
  };
}

/** States from which a request can still be observed. */
export const OPEN_STATES: readonly RequestState[] = ['pending', 'scheduled'];

/** The requests table: routine requests (loaded once) and alert requests. */
export class RequestsRepo {
  constructor(private readonly db: Db) {}

  /** Adds a request; false when its id exists (a routine file loaded again adds nothing). */
  insert(r: ObservationRequest, now: number): boolean {
    const insert = this.db.prepare(
      `INSERT OR IGNORE INTO requests (id, kind, target_name, ra_deg, dec_deg, priority, exposures,
             window_start, window_end, min_altitude_deg, moon_separation_deg, cadence_s, created_at, alert_ivorn,
             state, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return (
      retryBusy(() =>
        insert.run(
          r.id,
          r.kind,
          r.targetName,
          r.target.raDeg,
          r.target.decDeg,
          r.priority,
          JSON.stringify(r.exposures),
          r.window?.start ?? null,
          r.window?.end ?? null,
          r.minAltitudeDeg ?? null,
          r.moonSeparationDeg ?? null,
          r.cadenceS ?? null,
          r.createdAt,
          r.alertIvorn ?? null,
          r.state,
          now,
        ),
      ).changes === 1
    );
  }

  get(id: string): ObservationRequest | undefined {
    const row = this.db.prepare<[string], RequestRow>('SELECT * FROM requests WHERE id = ?').get(id);
    return row === undefined ? undefined : toRequest(row);
  }

  /** Requests in these states, oldest first. */
  inStates(states: readonly RequestState[]): ObservationRequest[] {
    const marks = states.map(() => '?').join(', ');
    return this.db
      .prepare<RequestState[], RequestRow>(
        `SELECT * FROM requests WHERE state IN (${marks}) ORDER BY created_at, id`,
      )
      .all(...states)
      .map(toRequest);
  }

  all(): ObservationRequest[] {
    return this.db
      .prepare<[], RequestRow>('SELECT * FROM requests ORDER BY created_at, id')
      .all()
      .map(toRequest);
  }

  /** Moves a request to `state`; only from one of `from` when given. Returns whether it moved. */
  setState(
    id: string,
    state: RequestState,
    now: number,
    reason?: string,
    from?: readonly RequestState[],
  ): boolean {
    const guard = from === undefined ? '' : ` AND state IN (${from.map(() => '?').join(', ')})`;
    const update = this.db.prepare(
      `UPDATE requests SET state = ?, reason = ?, updated_at = ? WHERE id = ?${guard}`,
    );
    return retryBusy(() => update.run(state, reason ?? null, now, id, ...(from ?? []))).changes === 1;
  }

  /** A new position for a request (an alert's follow-up refines it). */
  setTarget(id: string, target: Equatorial, now: number): void {
    const update = this.db.prepare(
      'UPDATE requests SET ra_deg = ?, dec_deg = ?, updated_at = ? WHERE id = ?',
    );
    retryBusy(() => update.run(target.raDeg, target.decDeg, now, id));
  }

  /** Requests as records (reason, updatedAt), by id, or by state, newest first. */
  records(query: {
    ids?: readonly string[];
    states?: readonly RequestState[];
    limit: number;
  }): RequestRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.ids !== undefined) {
      where.push(`id IN (${query.ids.map(() => '?').join(', ') || "''"})`);
      params.push(...query.ids);
    }
    if (query.states !== undefined) {
      where.push(`state IN (${query.states.map(() => '?').join(', ') || "''"})`);
      params.push(...query.states);
    }
    const sql = `SELECT * FROM requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, id LIMIT ?`;
    return this.db
      .prepare<unknown[], RequestRow>(sql)
      .all(...params, query.limit)
      .map(toRecord);
  }

  /**
   * Records that observation `observationId` had `event` (started, finished, failed); false when it
   * was recorded before (the same news delivered twice).
   */
  recordOutcome(observationId: number, event: string, requestId: string, time: number): boolean {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO observation_outcomes (observation_id, event, request_id, time) VALUES (?, ?, ?, ?)',
    );
    return retryBusy(() => insert.run(observationId, event, requestId, time)).changes === 1;
  }

  /** How many observations of `requestId` failed (not counting aborted ones). */
  failures(requestId: string): number {
    return (
      this.db
        .prepare<[string], { n: number }>(
          "SELECT COUNT(*) AS n FROM observation_outcomes WHERE request_id = ? AND event = 'failed'",
        )
        .get(requestId)?.n ?? 0
    );
  }

  /** How many visits of `requestId` finished. */
  visits(requestId: string): number {
    return (
      this.db
        .prepare<[string], { n: number }>(
          "SELECT COUNT(*) AS n FROM observation_outcomes WHERE request_id = ? AND event = 'finished'",
        )
        .get(requestId)?.n ?? 0
    );
  }

  /**
   * When the last visit of each request finished (the time the observation manager gave), by
   * request id; only requests with at least one finished visit.
   */
  lastVisitEnds(): Map<string, number> {
    const rows = this.db
      .prepare<[], { request_id: string; t: number }>(
        "SELECT request_id, MAX(time) AS t FROM observation_outcomes WHERE event = 'finished' GROUP BY request_id",
      )
      .all();
    return new Map(rows.map((r) => [r.request_id, r.t]));
  }

  /** The requests made from an alert (by its ivorn), whatever their state. */
  ofAlert(ivorn: string): ObservationRequest[] {
    return this.db
      .prepare<[string], RequestRow>('SELECT * FROM requests WHERE alert_ivorn = ?')
      .all(ivorn)
      .map(toRequest);
  }
}
