import type { Equatorial } from '../astro/coordinates.js';
import { type Db, retryBusy } from './observatory-db.js';

/** What became of an observation. */
export type ObservationState = 'running' | 'done' | 'failed' | 'aborted';

/** One execution of a planned block. */
export interface ObservationRecord {
  readonly id: number;
  readonly requestId: string;
  readonly blockId: string;
  readonly targetName: string;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly state: ObservationState;
  readonly reason?: string;
}

/** One image written by an observation, with its analysis once done. */
export interface ImageRecord {
  readonly id: number;
  readonly observationId: number;
  readonly path: string;
  readonly object: string;
  readonly filter: string;
  readonly exposureS: number;
  readonly dateObs: number;
  readonly target: Equatorial;
  readonly analysis?: unknown;
  readonly analyzedAt?: number;
}

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
  analysis: string | null;
  analyzed_at: number | null;
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
    ...(r.analysis === null ? {} : { analysis: JSON.parse(r.analysis) as unknown }),
    ...(r.analyzed_at === null ? {} : { analyzedAt: r.analyzed_at }),
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

  all(): ObservationRecord[] {
    return this.db
      .prepare<[], ObservationRow>('SELECT * FROM observations ORDER BY id')
      .all()
      .map(toObservation);
  }

  addImage(i: Omit<ImageRecord, 'id' | 'analysis' | 'analyzedAt'>): number {
    const insert = this.db.prepare(
      `INSERT INTO images (observation_id, path, object, filter, exposure_s, date_obs, ra_deg, dec_deg)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
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
      ),
    );
    return Number(info.lastInsertRowid);
  }

  setAnalysis(imageId: number, analysis: unknown, at: number): void {
    const update = this.db.prepare('UPDATE images SET analysis = ?, analyzed_at = ? WHERE id = ?');
    retryBusy(() => update.run(JSON.stringify(analysis), at, imageId));
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
