import type { z } from 'zod';
import type { AnalysisViewSchema } from '../contracts/observation-messages.js';
import type { ImageAnalysisSchema } from '../contracts/schemas.js';
import { type Db, retryBusy } from './store-db.js';

/** What the analysis of an image found. */
export type ImageAnalysis = z.output<typeof ImageAnalysisSchema>;
/** An image's analysis as the analyzer keeps it. */
export type AnalysisView = z.output<typeof AnalysisViewSchema>;

/** The analyzer's table: one row per image it was told of, with its task and, once done, the analysis. */
export const ANALYSES_SQL = `
CREATE TABLE IF NOT EXISTS analyses (
  image_id    INTEGER PRIMARY KEY,
  task_id     TEXT NOT NULL,
  state       TEXT NOT NULL,
  analysis    TEXT,
  analyzed_at INTEGER,
  error       TEXT,
  created_at  INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS analyses_state ON analyses (state);
`;

interface Row {
  image_id: number;
  task_id: string;
  state: AnalysisView['state'];
  analysis: string | null;
  analyzed_at: number | null;
  error: string | null;
}

/** The analyses of images, by image id. */
export class AnalysesRepo {
  constructor(private readonly db: Db) {}

  /**
   * Records the task of an image, pending. An image id known with another task is a new image (an
   * observation manager that started its numbering again): it replaces the old row.
   */
  set(imageId: number, taskId: string, now: number): void {
    const upsert = this.db.prepare(
      `INSERT INTO analyses (image_id, task_id, state, created_at) VALUES (?, ?, 'pending', ?)
       ON CONFLICT(image_id) DO UPDATE SET task_id = excluded.task_id, state = 'pending', analysis = NULL,
         analyzed_at = NULL, error = NULL, created_at = excluded.created_at`,
    );
    retryBusy(() => upsert.run(imageId, taskId, now));
  }

  taskOf(imageId: number): string | undefined {
    return this.db
      .prepare<[number], { task_id: string }>('SELECT task_id FROM analyses WHERE image_id = ?')
      .get(imageId)?.task_id;
  }

  /** Pending analyses: their image and task. */
  pending(): Array<{ imageId: number; taskId: string }> {
    return this.db
      .prepare<[], Row>("SELECT * FROM analyses WHERE state = 'pending' ORDER BY image_id")
      .all()
      .map((r) => ({ imageId: r.image_id, taskId: r.task_id }));
  }

  done(imageId: number, analysis: ImageAnalysis, at: number): void {
    const update = this.db.prepare(
      "UPDATE analyses SET state = 'done', analysis = ?, analyzed_at = ?, error = NULL WHERE image_id = ?",
    );
    retryBusy(() => update.run(JSON.stringify(analysis), at, imageId));
  }

  failed(imageId: number, error: string, at: number): void {
    const update = this.db.prepare(
      "UPDATE analyses SET state = 'failed', error = ?, analyzed_at = ? WHERE image_id = ?",
    );
    retryBusy(() => update.run(error, at, imageId));
  }

  views(imageIds: readonly number[]): AnalysisView[] {
    if (imageIds.length === 0) return [];
    const marks = imageIds.map(() => '?').join(', ');
    return this.db
      .prepare<number[], Row>(`SELECT * FROM analyses WHERE image_id IN (${marks}) ORDER BY image_id`)
      .all(...imageIds)
      .map((r) => ({
        imageId: r.image_id,
        state: r.state,
        analysis: r.analysis === null ? null : (JSON.parse(r.analysis) as ImageAnalysis),
        analyzedAt: r.analyzed_at,
        error: r.error,
      }));
  }
}
