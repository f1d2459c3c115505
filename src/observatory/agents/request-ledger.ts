import type { Logger } from '../../logging/logger.js';
import type { Equatorial } from '../astro/coordinates.js';
import type { RequestState } from '../scheduler/request.js';
import { OPEN_STATES, type RequestsRepo } from '../store/requests-repo.js';

/** Failures after which a request is given up rather than planned again. */
export const MAX_FAILURES = 3;

/** What the observation manager says of an observation. */
interface ObservationNews {
  readonly observationId: number;
  readonly requestId: string;
  readonly time: number;
}

/**
 * The scheduler's book of request states, moved by what it hears: an observation started,
 * finished or failed (each recorded once by observation id, so news delivered twice moves
 * nothing twice), a follow-up's new position, a retraction. Its owner runs each call in one store
 * transaction, so that news is never recorded without being applied.
 */
export class RequestLedger {
  constructor(
    private readonly requests: RequestsRepo,
    private readonly log: Logger,
  ) {}

  /** The request is being observed (unless it was closed meanwhile: cancelled by a retraction, say). */
  started(p: ObservationNews): void {
    if (!this.requests.recordOutcome(p.observationId, 'started', p.requestId, p.time)) return;
    if (!this.requests.setState(p.requestId, 'observing', p.time, undefined, OPEN_STATES)) {
      const state = this.requests.get(p.requestId)?.state ?? 'unknown';
      this.log.warn(`observation ${p.observationId} started for request ${p.requestId}, which is ${state}`);
    }
  }

  /**
   * A visit made: the request is `done`, or, with a cadence, `pending` again (the planner places
   * its next visit no earlier than its cadence after this one's end, which the outcome records).
   * Returns false for news already heard, which moves nothing: a visit counts once.
   */
  finished(p: ObservationNews): boolean {
    if (!this.requests.recordOutcome(p.observationId, 'finished', p.requestId, p.time)) return false;
    const recurs = this.requests.get(p.requestId)?.cadenceS !== undefined;
    const state: RequestState = recurs ? 'pending' : 'done';
    const reason = recurs ? `visit ${this.requests.visits(p.requestId)} done` : undefined;
    this.requests.setState(p.requestId, state, p.time, reason, ['observing', ...OPEN_STATES]);
    return true;
  }

  /**
   * Failed: planned again (`pending`), or `failed` after {@link MAX_FAILURES} failures; an
   * aborted observation (preempted, stopped for the weather) does not count as a failure.
   */
  failed(p: ObservationNews & { readonly reason: string; readonly aborted: boolean }): boolean {
    const event = p.aborted ? 'aborted' : 'failed';
    if (!this.requests.recordOutcome(p.observationId, event, p.requestId, p.time)) return false;
    const giveUp = !p.aborted && this.requests.failures(p.requestId) >= MAX_FAILURES;
    const state: RequestState = giveUp ? 'failed' : 'pending';
    this.requests.setState(p.requestId, state, p.time, p.reason, ['observing', ...OPEN_STATES]);
    if (giveUp) this.log.warn(`request ${p.requestId} failed ${MAX_FAILURES} times: given up (${p.reason})`);
    return true;
  }

  /** A follow-up's position; only an open request moves. */
  retarget(requestId: string, target: Equatorial, now: number): boolean {
    const request = this.requests.get(requestId);
    if (request === undefined || !OPEN_STATES.includes(request.state)) {
      this.log.info(`follow-up for request ${requestId} not applied: it is ${request?.state ?? 'unknown'}`);
      return false;
    }
    this.requests.setTarget(requestId, target, now);
    return true;
  }

  /** Cancels the open ones among `requestIds`; returns those cancelled. */
  cancel(requestIds: readonly string[], reason: string, now: number): string[] {
    return requestIds.filter((id) => this.requests.setState(id, 'cancelled', now, reason, OPEN_STATES));
  }
}
