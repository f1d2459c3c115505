// Which plan `pyros night` shows: the running scheduler's, asked by message, or the routine requests planned here.
import { loadAgentConfig } from '../config/agent-config.js';
import { currentNight } from '../observatory/agents/planning-window.js';
import type { Site } from '../observatory/astro/coordinates.js';
import type { Night } from '../observatory/astro/night.js';
import { AGENTS } from '../observatory/contracts/agents.js';
import { PLAN } from '../observatory/contracts/scheduler-messages.js';
import { DEFAULT_OVERHEADS } from '../observatory/scheduler/overheads.js';
import { planNight } from '../observatory/scheduler/planner.js';
import type { Plan, PlannedBlock } from '../observatory/scheduler/request.js';
import { loadRoutineRequests } from '../observatory/scheduler/routine-requests.js';
import { DEFAULT_RETRY } from '../sender/link-policy.js';
import { Sender } from '../sender/sender.js';

/** The scheduler's answer, or why there is none. */
export type LivePlan = { readonly plan: Plan } | { readonly down: string };

/**
 * Asks the scheduler of the configured observatory for its plan (the `Plan` query the dashboard
 * uses too). Once, with no retry: an observatory that is not running is an answer here, not a fault.
 */
export async function askLivePlan(timeoutMs: number): Promise<LivePlan> {
  let config: ReturnType<typeof loadAgentConfig>;
  try {
    config = loadAgentConfig();
  } catch (err) {
    return { down: (err as Error).message };
  }
  if (!config.agents.has(AGENTS.scheduler)) return { down: `${config.file} has no [${AGENTS.scheduler}]` };
  Sender.configure({
    from: 'pyros-night',
    retry: { ...DEFAULT_RETRY, retries: 0, connectTimeoutMs: timeoutMs },
  });
  try {
    return { plan: await Sender.request(AGENTS.scheduler, PLAN, undefined, { timeout: timeoutMs, config }) };
  } catch (err) {
    return { down: (err as Error).message };
  } finally {
    Sender.closeAll();
  }
}

/** `YYYY-MM-DDTHH:MM:SSZ`, rounded to the second. */
export function isoSecond(t: number): string {
  return new Date(Math.round(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Where the blocks shown come from: the running scheduler, or the routine requests planned here. */
export interface PlanSource {
  readonly source: 'scheduler' | 'routine-requests';
  /** How the table says it: `live plan from the scheduler (…)`, or why it is not the live plan. */
  readonly note: string;
  readonly version?: number;
  readonly madeAt?: string;
}

/** The routine requests of `file` planned over the night's whole dark window, as a preview of the night. */
function blocksFor(site: Site, night: Night, file: string | undefined, now: number): PlannedBlock[] {
  if (file === undefined || !night.dark) return [];
  const requests = loadRoutineRequests(file, now);
  // The whole dark window, as a preview of the night: not only what is left of it.
  return planNight({
    site,
    requests,
    from: night.dark.start,
    until: night.dark.end,
    overheads: DEFAULT_OVERHEADS,
    now: night.dark.start,
  });
}

/**
 * The blocks to show and where they come from: the scheduler's live plan when the observatory
 * runs and the night shown is its night; else the routine requests, planned here as the scheduler
 * would plan them over the whole dark window.
 */
export function choosePlan(
  live: LivePlan,
  site: Site,
  night: Night,
  requestsFile: string | undefined,
  now: number,
): { blocks: readonly PlannedBlock[]; plan: PlanSource } {
  const ideal = (why: string) => ({
    blocks: blocksFor(site, night, requestsFile, now),
    plan: {
      source: 'routine-requests' as const,
      note: `${why}: the plan it would make${requestsFile === undefined ? '' : ` from ${requestsFile}`}`,
    },
  });
  if ('down' in live) return ideal('the observatory is not running');
  const p = live.plan;
  const liveDate = p.madeAt > 0 ? currentNight(site, p.madeAt).date : night.date;
  if (liveDate !== night.date) return ideal(`the observatory's live plan is for the night of ${liveDate}`);
  const madeAt = p.madeAt > 0 ? isoSecond(p.madeAt) : undefined;
  return {
    blocks: p.blocks,
    plan: {
      source: 'scheduler',
      note: `live plan from the scheduler (version ${p.version}${madeAt === undefined ? ', not made yet' : `, made ${madeAt}`}; blocks from then on)`,
      version: p.version,
      ...(madeAt === undefined ? {} : { madeAt }),
    },
  };
}
