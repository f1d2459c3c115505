import type { Equatorial } from '../astro/coordinates.js';
import type { ExposureSpec, ObservationRequest, RequestState } from '../scheduler/request.js';
import { type Db, retryBusy } from './observatory-db.js';

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
  created_at: number;
  alert_ivorn: string | null;
  state: RequestState;
  reason: string | null;
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
             window_start, window_end, min_altitude_deg, moon_separation_deg, created_at, alert_ivorn, state,
             updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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

  /** The open requests of an alert (by its ivorn). */
  ofAlert(ivorn: string): ObservationRequest[] {
    return this.db
      .prepare<[string], RequestRow>('SELECT * FROM requests WHERE alert_ivorn = ?')
      .all(ivorn)
      .map(toRequest);
  }
}
