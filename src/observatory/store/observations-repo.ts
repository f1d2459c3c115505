import type { z } from 'zod';
import type {
  ImageRecordSchema,
  ObservationRecordSchema,
  ObservationStateSchema,
} from '../contracts/schemas.js';
import { type Db, retryBusy } from './store-db.js';

/** What became of an observation. */
export type ObservationState = z.output<typeof ObservationStateSchema>;

/** One execution of a planned block. */
export type ObservationRecord = z.output<typeof ObservationRecordSchema>;

/** One image written by an observation (its file is on the observation manager's disk). */
export type ImageRecord = z.output<typeof ImageRecordSchema>;

/** The observation manager's tables: each execution of a block, and each image it wrote. */
export const OBSERVATIONS_SQL = `
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
  bytes          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS images_observation ON images (observation_id);
`;

interface ObservationRow {
  id: number;
  request_id: string;
  block_id: string;
  target_name: string;
  started_at: number;
  ended_at: number | null;
  state: ObservationState;
  reason: string | null;
}

interface ImageRow {
  id: number;
  observation_id: number;
  path: string;
  object: string;
  filter: string;
  exposure_s: number;
  date_obs: number;
  ra_deg: number;
  dec_deg: number;
  bytes: number;
}

function toObservation(r: ObservationRow): ObservationRecord {
  return {
    id: r.id,
    requestId: r.request_id,
    blockId: r.block_id,
    targetName: r.target_name,
    startedAt: r.started_at,
    ...(r.ended_at === null ? {} : { endedAt: r.ended_at }),
    state: r.state,
    ...(r.reason === null ? {} : { reason: r.reason }),
  };
}

function toImage(r: ImageRow): ImageRecord {
  return {
    id: r.id,
    observationId: r.observation_id,
    path: r.path,
    object: r.object,
    filter: r.filter,
    exposureS: r.exposure_s,
    dateObs: r.date_obs,
    target: { raDeg: r.ra_deg, decDeg: r.dec_deg },
    bytes: r.bytes,
  };
}

/** Observations and the images they wrote. */
export class ObservationsRepo {
  constructor(private readonly db: Db) {}

  start(o: { requestId: string; blockId: string; targetName: string; startedAt: number }): number {
    const insert = this.db.prepare(
      `INSERT INTO observations (request_id, block_id, target_name, started_at, state) VALUES (?, ?, ?, ?, 'running')`,
    );
    const info = retryBusy(() => insert.run(o.requestId, o.blockId, o.targetName, o.startedAt));
    return Number(info.lastInsertRowid);
  }

  end(id: number, state: Exclude<ObservationState, 'running'>, at: number, reason?: string): void {
    const update = this.db.prepare(
      `UPDATE observations SET state = ?, ended_at = ?, reason = ? WHERE id = ? AND state = 'running'`,
    );
    retryBusy(() => update.run(state, at, reason ?? null, id));
  }

  get(id: number): ObservationRecord | undefined {
    const row = this.db.prepare<[number], ObservationRow>('SELECT * FROM observations WHERE id = ?').get(id);
    return row === undefined ? undefined : toObservation(row);
  }

  inState(state: ObservationState): ObservationRecord[] {
    return this.db
      .prepare<[string], ObservationRow>('SELECT * FROM observations WHERE state = ? ORDER BY id')
      .all(state)
      .map(toObservation);
  }

  /** Newest first; only those in `state`, and from id `fromId` on, when given. */
  latest(limit: number, state?: ObservationState, fromId = 1): ObservationRecord[] {
    const rows =
      state === undefined
        ? this.db
            .prepare<[number, number], ObservationRow>(
              'SELECT * FROM observations WHERE id >= ? ORDER BY id DESC LIMIT ?',
            )
            .all(fromId, limit)
        : this.db
            .prepare<[string, number, number], ObservationRow>(
              'SELECT * FROM observations WHERE state = ? AND id >= ? ORDER BY id DESC LIMIT ?',
            )
            .all(state, fromId, limit);
    return rows.map(toObservation);
  }

  all(): ObservationRecord[] {
    return this.db
      .prepare<[], ObservationRow>('SELECT * FROM observations ORDER BY id')
      .all()
      .map(toObservation);
  }

  addImage(i: Omit<ImageRecord, 'id'>): number {
    const insert = this.db.prepare(
      `INSERT INTO images (observation_id, path, object, filter, exposure_s, date_obs, ra_deg, dec_deg, bytes)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const info = retryBusy(() =>
      insert.run(
        i.observationId,
        i.path,
        i.object,
        i.filter,
        i.exposureS,
        i.dateObs,
        i.target.raDeg,
        i.target.decDeg,
        i.bytes,
      ),
    );
    return Number(info.lastInsertRowid);
  }

  image(id: number): ImageRecord | undefined {
    const row = this.db.prepare<[number], ImageRow>('SELECT * FROM images WHERE id = ?').get(id);
    return row === undefined ? undefined : toImage(row);
  }

  images(limit = 1000): ImageRecord[] {
    return this.db
      .prepare<[number], ImageRow>('SELECT * FROM images ORDER BY id DESC LIMIT ?')
      .all(limit)
      .map(toImage);
  }
}
