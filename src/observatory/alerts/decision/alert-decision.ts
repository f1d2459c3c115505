import type { PayloadIn } from '../../../agent/contract.js';
import type { ALERT_RETRACTED, ALERT_UPDATED, NEW_ALERT } from '../../contracts/alert-messages.js';
import type { ObservationRequest } from '../../scheduler/request.js';
import type { AlertEvent } from '../../store/alert-events-repo.js';
import type { AlertOutcome } from '../../store/alert-record.js';
import type { Notice } from '../notice.js';
import { type AlertPolicy, classObserved } from './alert-policy.js';

/** What the scheduler must hear of a notice: one of its three messages. */
export type SchedulerNews =
  | { readonly kind: 'new'; readonly payload: PayloadIn<typeof NEW_ALERT> }
  | { readonly kind: 'updated'; readonly payload: PayloadIn<typeof ALERT_UPDATED> }
  | { readonly kind: 'retracted'; readonly payload: PayloadIn<typeof ALERT_RETRACTED> };

/** What one notice finds: its event as recorded so far, and what earlier notices said of it. */
export interface DecisionInput {
  readonly notice: Notice;
  /** The id it is recorded under (a drill's own). */
  readonly id: string;
  readonly now: number;
  readonly drill: boolean;
  readonly eventKey: string;
  readonly baseKey: string;
  /** The event's record, when an earlier notice (or retraction) made one. */
  readonly event: AlertEvent | undefined;
  /** The retraction that named this very notice before it came. */
  readonly retractedBefore: { readonly by: string; readonly at: number } | undefined;
  /** A retraction's cited notices' requests. */
  readonly citedRequests: readonly string[];
  readonly policy: AlertPolicy;
}

/** What to record and tell. */
export interface Decision {
  readonly outcome: AlertOutcome;
  readonly reason: string;
  readonly requestId?: string;
  readonly news?: SchedulerNews;
  /** The event as it is after this notice (saved with the alert). */
  readonly event?: AlertEvent;
  /** Notices this one retracts (they may come later). */
  readonly retracts?: readonly string[];
}

const fmt = (deg: number) => deg.toFixed(4);

/** RA in [0, 360): a value already in range is kept exactly (no float round trip). */
function normalRa(ra: number): number {
  if (ra >= 0 && ra < 360) return ra;
  const r = ra % 360;
  return r < 0 ? r + 360 : r;
}

/** A request id from an event key: `Fermi/GBM:792219222` → `alert-fermi-gbm-792219222`. */
export function requestIdOf(eventKey: string, drill: boolean, firstSeen: number): string {
  const slug = eventKey
    .replace(/^notice:/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 120);
  return `alert-${slug}${drill ? `-drill-${firstSeen}` : ''}`;
}

function newEvent(input: DecisionInput): AlertEvent {
  return {
    eventKey: input.eventKey,
    baseKey: input.baseKey,
    drill: input.drill,
    firstSeen: input.now,
    updatedAt: input.now,
  };
}

function retraction(input: DecisionInput): Decision {
  const { notice, id, now } = input;
  const cited = notice.citations.filter((c) => c.kind === 'retraction').map((c) => c.id);
  const event: AlertEvent = {
    ...(input.event ?? newEvent(input)),
    retractedBy: id,
    retractedAt: now,
    updatedAt: now,
  };
  const requestIds = [
    ...new Set([...(event.requestId === undefined ? [] : [event.requestId]), ...input.citedRequests]),
  ];
  const what = cited.length > 0 ? cited.join(', ') : `event ${input.baseKey}`;
  return {
    outcome: 'retracted',
    reason: `retraction of ${what}: ${requestIds.length} request(s) to cancel`,
    event,
    retracts: cited,
    ...(requestIds.length === 0
      ? {}
      : {
          news: {
            kind: 'retracted',
            payload: { ivorn: id, retracted: cited.length > 0 ? cited : [input.baseKey], requestIds },
          },
        }),
  };
}

/**
 * The alert manager's decision on one notice, apart from storage and network: test, retraction,
 * an event already retracted, role, class, position, age, error, then a follow-up of an event
 * that has a request (moving it only to a better position) or a new request. Pure: the same
 * input gives the same decision.
 */
export function decide(input: DecisionInput): Decision {
  const { notice, id, now, drill, policy } = input;
  if (notice.role === 'test' && !policy.observeTest && !drill) {
    return { outcome: 'test', reason: 'role=test: recorded, not observed (observe_test = no)' };
  }
  if (notice.retraction) return retraction(input);
  const retractedBy = input.event?.retractedBy ?? input.retractedBefore?.by;
  if (retractedBy !== undefined) {
    return {
      outcome: 'withdrawn',
      reason: `its event was retracted by ${retractedBy}: recorded, not observed`,
    };
  }
  if (notice.role !== 'observation' && notice.role !== 'test') {
    return { outcome: 'ignored', reason: `role=${notice.role}: nothing to observe` };
  }
  if (!classObserved(notice, policy.classes)) {
    const c = notice.classification;
    const p = c?.probability === undefined ? '' : ` (${Math.round(c.probability * 100)} %)`;
    return {
      outcome: 'other-class',
      reason: `most likely ${c?.class}${p}, not a class observed (observe_classes)`,
    };
  }
  const position = notice.position;
  if (position === undefined) {
    const map =
      notice.skyMap === undefined ? '' : `: a sky map of ${notice.skyMap.area90Deg2.toFixed(0)} deg² (90 %)`;
    return {
      outcome: 'no-position',
      reason: `no usable position${map || `: ${notice.positionNote ?? 'none given'}`}`,
    };
  }
  const eventTime = drill ? now : (notice.eventTime ?? notice.issuedAt ?? now);
  const ageS = (now - eventTime) / 1000;
  if (ageS > policy.maxAgeS) {
    return {
      outcome: 'too-old',
      reason: `event ${Math.round(ageS)} s old, over max_age_s = ${policy.maxAgeS} (use --drill to treat it as new)`,
    };
  }
  if (position.errorDeg > policy.maxErrorDeg) {
    return {
      outcome: 'too-uncertain',
      reason: `error ±${position.errorDeg.toFixed(3)}° over max_error_deg ${policy.maxErrorDeg.toFixed(3)}°: recorded, not observed until a better position`,
      // Kept, so that a better notice of the same event finds it (and is not "first").
      event: input.event ?? newEvent(input),
    };
  }
  const target = { raDeg: normalRa(position.raDeg), decDeg: position.decDeg };
  const where = `${fmt(target.raDeg)}, ${fmt(target.decDeg)} (±${fmt(position.errorDeg)}°)`;
  const event = input.event;
  if (event?.requestId !== undefined) {
    const current = event.errorDeg ?? Number.POSITIVE_INFINITY;
    if (position.errorDeg >= current) {
      return {
        outcome: 'kept',
        reason: `follow-up of ${event.requestId}: ±${fmt(position.errorDeg)}° is not better than ±${fmt(current)}°, target kept`,
        requestId: event.requestId,
      };
    }
    return {
      outcome: 'updated',
      reason: `follow-up: ${event.requestId} now at ${where}`,
      requestId: event.requestId,
      event: { ...event, errorDeg: position.errorDeg, updatedAt: now },
      news: { kind: 'updated', payload: { ivorn: id, requestId: event.requestId, target } },
    };
  }
  const base = event ?? newEvent(input);
  const requestId = requestIdOf(input.baseKey, drill, base.firstSeen);
  const request: ObservationRequest = {
    id: requestId,
    kind: 'alert',
    // Held to the request's limit: a notice with a long name is still observed.
    targetName: (notice.name ?? `${notice.mission ?? 'alert'} ${notice.eventIds[0] ?? ''}`.trim()).slice(
      0,
      200,
    ),
    target,
    priority: policy.priority,
    exposures: [...policy.exposures],
    window: { start: now, end: now + policy.windowH * 3_600_000 },
    createdAt: eventTime,
    alertIvorn: id,
    state: 'pending',
  };
  return {
    outcome: 'accepted',
    reason: `${notice.noticeType ?? 'notice'} at ${where}: urgent request ${requestId}`,
    requestId,
    event: { ...base, requestId, errorDeg: position.errorDeg, updatedAt: now },
    news: { kind: 'new', payload: { ivorn: id, request } },
  };
}
