import type { Plan, PlannedBlock } from '../scheduler/request.js';
import { type Db, retryBusy } from './store-db.js';

/** The scheduler's plan table: the current plan only, replaced by each replan (its version goes up). */
export const PLAN_SQL = `
CREATE TABLE IF NOT EXISTS plan_blocks (
  id           TEXT PRIMARY KEY,
  version      INTEGER NOT NULL,
  request_id   TEXT NOT NULL,
  block        TEXT NOT NULL,
  start        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS plan_blocks_start ON plan_blocks (start);
`;

/** The current plan: replaced as a whole by each replan, with a version that only goes up. */
export class PlanRepo {
  constructor(private readonly db: Db) {}

  /** Replaces the plan (call it inside the transaction that changes the requests); returns the plan. */
  replace(blocks: readonly PlannedBlock[], madeAt: number): Plan {
    const version = this.version() + 1;
    this.db.prepare('DELETE FROM plan_blocks').run();
    const insert = this.db.prepare(
      'INSERT INTO plan_blocks (id, version, request_id, block, start) VALUES (?, ?, ?, ?, ?)',
    );
    for (const b of blocks) insert.run(b.id, version, b.requestId, JSON.stringify(b), b.start);
    const set = this.db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    retryBusy(() => set.run('plan.version', String(version)));
    retryBusy(() => set.run('plan.made_at', String(madeAt)));
    return { version, madeAt, blocks: [...blocks] };
  }

  version(): number {
    return Number(this.setting('plan.version') ?? '0');
  }

  /** The plan: its version, when it was made, its blocks by start time. */
  current(): Plan {
    return {
      version: this.version(),
      madeAt: Number(this.setting('plan.made_at') ?? '0'),
      blocks: this.blocks(),
    };
  }

  /** The blocks, by start time. */
  blocks(): PlannedBlock[] {
    return this.db
      .prepare<[], { block: string }>('SELECT block FROM plan_blocks ORDER BY start, id')
      .all()
      .map((r) => JSON.parse(r.block) as PlannedBlock);
  }

  private setting(key: string): string | undefined {
    return this.db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key)
      ?.value;
  }
}
