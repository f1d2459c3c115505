import { Sender } from '../../sender/sender.js';
import { AGENTS } from '../contracts/agents.js';
import { Msg } from '../messages.js';
import type { Plan } from '../scheduler/request.js';

/**
 * The majordome's holds after a failed observation: each request whose hold is over is released;
 * one held past its planned block has no place in the plan any more, so the scheduler is asked
 * for a new plan (it would otherwise replan only at its next period, and an alert would wait).
 */
export function releaseHolds(
  holdUntil: Map<string, number>,
  plan: Plan,
  now: number,
  log: { info(message: string): void; warn(message: string): void },
  timeoutMs: number,
): void {
  for (const [request, until] of holdUntil) {
    if (until > now) continue;
    holdUntil.delete(request);
    if (!plan.blocks.some((b) => b.requestId === request && b.end > now)) {
      log.info(`${request}: its hold after a failure is over: asking the scheduler to plan it again`);
      Sender.request(AGENTS.scheduler, Msg.REPLAN, {}, { timeout: timeoutMs }).catch((err: Error) =>
        log.warn(`replan for ${request}: ${err.message}`),
      );
    }
  }
}
