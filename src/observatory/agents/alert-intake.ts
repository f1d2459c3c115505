import type { PayloadIn } from '../../agent/contract.js';
import { parseVoEvent, type VoEvent } from '../alerts/voevent.js';
import type { Clock } from '../clock/clock.js';
import type { ALERT_RETRACTED, ALERT_UPDATED, NEW_ALERT } from '../contracts/alert-messages.js';
import type { ObservationRequest } from '../scheduler/request.js';
import type { ObservatorySettings } from '../settings/observatory-settings.js';
import type { AgentStore } from '../store/agent-store.js';
import type { AlertOutcome, AlertRecord } from '../store/alert-record.js';
import type { AlertsRepo } from '../store/alerts-repo.js';

/** A notice handed to the alert manager, from VTP or `pyros alert`. */
export interface IntakeInput {
  readonly xml: string;
  /** Where it came from, for the record (e.g. `cli`, `vtp-receiver 127.0.0.1:51234`). */
  readonly source: string;
  /** `pyros alert --drill`: treated as issued now, whatever its age, and recorded as a new alert. */
  readonly drill?: boolean;
}

/** What the alert manager did, as replied to `pyros alert` and logged. */
export interface IntakeResult {
  readonly outcome: AlertOutcome | 'duplicate';
  readonly reason: string;
  readonly ivorn: string;
  readonly requestId?: string;
}

/** What the scheduler must hear of a notice: one of its three messages. */
export type SchedulerNews =
  | { readonly kind: 'new'; readonly payload: PayloadIn<typeof NEW_ALERT> }
  | { readonly kind: 'updated'; readonly payload: PayloadIn<typeof ALERT_UPDATED> }
  | { readonly kind: 'retracted'; readonly payload: PayloadIn<typeof ALERT_RETRACTED> };

function cites(event: VoEvent, kinds: readonly string[]): string[] {
  return event.citations.filter((c) => kinds.includes(c.cite)).map((c) => c.ivorn);
}

/**
 * The alert manager's decisions, apart from the network: parse, recognise a repeat, then decide
 * (test, retraction, no position, too old, follow-up, new) from the notice and the alerts it has
 * recorded (it owns them; the requests are the scheduler's), and record it. The record and the
 * news for the scheduler (`tell`, which puts it in the outbox) commit in one transaction, so that
 * a notice acknowledged to its sender is kept, and will reach the scheduler, whatever happens next.
 */
export class AlertIntake {
  constructor(
    private readonly store: AgentStore,
    private readonly alerts: AlertsRepo,
    private readonly settings: ObservatorySettings,
    private readonly clock: Clock,
  ) {}

  /** @throws VoEventError (one line) when the XML is not a usable VOEvent: nothing is recorded. */
  ingest(input: IntakeInput, tell: (news: SchedulerNews) => void): IntakeResult {
    const event = parseVoEvent(input.xml);
    const now = this.clock.now();
    const drill = input.drill === true;
    // Each drill is a new alert, so that the same sample file can be played again.
    const ivorn = drill ? `${event.ivorn};drill=${new Date(now).toISOString()}` : event.ivorn;
    return this.store.transaction((): IntakeResult => {
      const earlier = this.alerts.get(ivorn);
      if (earlier !== undefined) {
        return {
          outcome: 'duplicate',
          reason: `already received at ${new Date(earlier.receivedAt).toISOString()} (${earlier.outcome})`,
          ivorn,
        };
      }
      const { result, news } = this.decide(event, ivorn, now, drill);
      this.alerts.insert(this.record(event, input, result, now, drill));
      if (news !== undefined) tell(news);
      return result;
    });
  }

  private record(
    event: VoEvent,
    input: IntakeInput,
    decision: IntakeResult,
    now: number,
    drill: boolean,
  ): AlertRecord {
    return {
      ivorn: decision.ivorn,
      receivedAt: now,
      source: input.source,
      role: event.role,
      ...(event.mission === undefined ? {} : { mission: event.mission }),
      ...(event.packetType === undefined ? {} : { packetType: event.packetType }),
      ...(event.packetName === undefined ? {} : { packetName: event.packetName }),
      ...(event.triggerId === undefined ? {} : { triggerId: event.triggerId }),
      ...(drill ? { eventTime: now } : event.eventTime === undefined ? {} : { eventTime: event.eventTime }),
      ...(event.position === undefined
        ? {}
        : {
            raDeg: event.position.raDeg,
            decDeg: event.position.decDeg,
            errorDeg: event.position.errorRadiusDeg,
          }),
      outcome: decision.outcome as AlertOutcome,
      reason: decision.reason,
      ...(decision.requestId === undefined ? {} : { requestId: decision.requestId }),
      drill,
      xml: input.xml,
    };
  }

  private decide(
    event: VoEvent,
    ivorn: string,
    now: number,
    drill: boolean,
  ): { result: IntakeResult; news?: SchedulerNews } {
    const s = this.settings.alert_manager;
    if (event.role === 'test' && !s.observe_test) {
      return {
        result: { ivorn, outcome: 'test', reason: 'role=test: recorded, not observed (observe_test = no)' },
      };
    }
    const retracted = cites(event, ['retraction']);
    if (retracted.length > 0) {
      const requestIds = [...new Set(retracted.flatMap((cited) => this.requestsOf(cited)))];
      return {
        result: {
          ivorn,
          outcome: 'retracted',
          reason: `retraction of ${retracted.join(', ')}: ${requestIds.length} request(s) to cancel`,
        },
        ...(requestIds.length === 0
          ? {}
          : { news: { kind: 'retracted', payload: { ivorn, retracted, requestIds } } as const }),
      };
    }
    if (event.role !== 'observation' && event.role !== 'test') {
      return { result: { ivorn, outcome: 'ignored', reason: `role=${event.role}: nothing to observe` } };
    }
    if (event.position === undefined) {
      return {
        result: {
          ivorn,
          outcome: 'no-position',
          reason: `no usable position: ${event.positionNote ?? 'none given'}`,
        },
      };
    }
    const eventTime = drill ? now : (event.eventTime ?? event.date ?? now);
    const ageS = (now - eventTime) / 1000;
    if (ageS > s.max_age_s) {
      return {
        result: {
          ivorn,
          outcome: 'too-old',
          reason: `event ${Math.round(ageS)} s old, over max_age_s = ${s.max_age_s} (use --drill to treat it as new)`,
        },
      };
    }
    // RA 360 is RA 0: the request's schema wants [0, 360).
    const target = { raDeg: normalRa(event.position.raDeg), decDeg: event.position.decDeg };
    const followed = drill ? undefined : this.followedRequest(event);
    if (followed !== undefined) {
      return {
        result: {
          ivorn,
          outcome: 'updated',
          reason: `follow-up: position of ${followed} now ${fmt(target.raDeg)}, ${fmt(target.decDeg)}`,
          requestId: followed,
        },
        news: { kind: 'updated', payload: { ivorn, requestId: followed, target } },
      };
    }
    const request: ObservationRequest = {
      id: `alert-${(event.mission ?? 'voevent').toLowerCase()}-${event.triggerId ?? hashOf(ivorn)}${drill ? `-drill-${now}` : ''}`,
      kind: 'alert',
      // Held to the request's limit: a notice with a long name is still observed.
      targetName: (
        event.inferenceName ?? `${event.mission ?? 'alert'} ${event.triggerId ?? ''}`.trim()
      ).slice(0, 200),
      target,
      priority: s.priority,
      exposures: s.exposures,
      window: { start: now, end: now + s.window_h * 3_600_000 },
      createdAt: eventTime,
      alertIvorn: ivorn,
      state: 'pending',
    };
    return {
      result: {
        ivorn,
        outcome: 'accepted',
        reason: `${event.packetName ?? 'notice'} at ${fmt(target.raDeg)}, ${fmt(target.decDeg)} (±${fmt(event.position.errorRadiusDeg)}°): urgent request ${request.id}`,
        requestId: request.id,
      },
      news: { kind: 'new', payload: { ivorn, request } },
    };
  }

  /** The request a follow-up refines: the one made from a cited notice, else from the same mission and trigger. */
  private followedRequest(event: VoEvent): string | undefined {
    for (const cited of cites(event, ['followup', 'supersedes'])) {
      const request = this.requestsOf(cited)[0];
      if (request !== undefined) return request;
    }
    if (event.triggerId === undefined || event.mission === undefined) return undefined;
    const id = `alert-${event.mission.toLowerCase()}-${event.triggerId}`;
    return this.alerts.ofRequest(id).length > 0 ? id : undefined;
  }

  /** The requests made or refined from a notice (by its ivorn). */
  private requestsOf(ivorn: string): string[] {
    const alert = this.alerts.get(ivorn);
    return alert?.requestId === undefined ? [] : [alert.requestId];
  }
}

/** RA in [0, 360): a value already in range is kept exactly (no float round trip). */
function normalRa(ra: number): number {
  if (ra >= 0 && ra < 360) return ra;
  const r = ra % 360;
  return r < 0 ? r + 360 : r;
}

function fmt(deg: number): string {
  return deg.toFixed(4);
}

/** A short stable id for notices without a trigger id. */
function hashOf(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}
