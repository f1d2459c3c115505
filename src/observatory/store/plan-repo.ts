import type { PlannedBlock } from '../scheduler/request.js';
import { type Db, getSetting, retryBusy, setSetting } from './observatory-db.js';

/** The current plan: replaced as a whole by each replan, with a version that only goes up. */
export class PlanRepo {
  constructor(private readonly db: Db) {}

  /** Replaces the plan; returns its new version. */
  replace(blocks: readonly PlannedBlock[], plannedAt: number): number {
    const replace = this.db.transaction(() => {
      const version = this.version() + 1;
      this.db.prepare('DELETE FROM plan_blocks').run();
      const insert = this.db.prepare(
        'INSERT INTO plan_blocks (id, version, request_id, block, start) VALUES (?, ?, ?, ?, ?)',
      );
      for (const b of blocks) insert.run(b.id, version, b.requestId, JSON.stringify(b), b.start);
      setSetting(this.db, 'plan.version', String(version));
      setSetting(this.db, 'plan.planned_at', String(plannedAt));
      return version;
    });
    return retryBusy(() => replace.immediate());
  }

  version(): number {
    return Number(getSetting(this.db, 'plan.version') ?? '0');
  }

  /** The blocks, by start time. */
  blocks(): PlannedBlock[] {
    return this.db
      .prepare<[], { block: string }>('SELECT block FROM plan_blocks ORDER BY start, id')
      .all()
      .map((r) => JSON.parse(r.block) as PlannedBlock);
  }
}
