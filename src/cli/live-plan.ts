import { loadAgentConfig } from '../config/agent-config.js';
import { AGENTS } from '../observatory/contracts/agents.js';
import { PLAN } from '../observatory/contracts/scheduler-messages.js';
import type { Plan } from '../observatory/scheduler/request.js';
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
