import { parseVoEvent, type VoEvent } from '../alerts/voevent.js';
import type { ObservatoryContext } from '../observatory-context.js';
import type { ObservationRequest } from '../scheduler/request.js';
import type { AlertOutcome, AlertRecord } from '../store/alert-record.js';
import { retryBusy } from '../store/observatory-db.js';
import { OPEN_STATES } from '../store/requests-repo.js';

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
  /** Requests cancelled by a retraction. */
  readonly cancelled?: readonly string[];
  /** Whether the scheduler must hear of it (a new, updated or cancelled request). */
  readonly replan: boolean;
}

function cites(event: VoEvent, kinds: readonly string[]): string[] {
  return event.citations.filter((c) => kinds.includes(c.cite)).map((c) => c.ivorn);
}

/**
 * The alert manager's decisions, apart from the network: parse, recognise a repeat, then decide
 * (test, retraction, no position, too old, follow-up, new) and record, all in one transaction, so
 * that an alert acknowledged to its sender is in the database whatever happens next.
 */
export class AlertIntake {
  constructor(private readonly ctx: ObservatoryContext) {}

  /** @throws VoEventError (one line) when the XML is not a usable VOEvent: nothing is recorded. */
  ingest(input: IntakeInput): IntakeResult {
    const event = parseVoEvent(input.xml);
    const now = this.ctx.clock.now();
    const drill = input.drill === true;
    // Each drill is a new alert, so that the same sample file can be played again.
    const ivorn = drill ? `${event.ivorn};drill=${new Date(now).toISOString()}` : event.ivorn;
    // IMMEDIATE: read-then-write in a deferred transaction fails at once when another thread commits.
    const intake = this.ctx.db.transaction((): IntakeResult => {
      const earlier = this.ctx.alerts.get(ivorn);
      if (earlier !== undefined) {
        return {
          outcome: 'duplicate',
          reason: `already received at ${new Date(earlier.receivedAt).toISOString()} (${earlier.outcome})`,
          ivorn,
          replan: false,
        };
      }
      const decision = this.decide(event, ivorn, now, drill);
      const record: AlertRecord = {
        ivorn,
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
      this.ctx.alerts.insert(record);
      return decision;
    });
    return retryBusy(() => intake.immediate());
  }

  private decide(event: VoEvent, ivorn: string, now: number, drill: boolean): IntakeResult {
    const s = this.ctx.settings.alert_manager;
    const base = { ivorn, replan: false } as const;
    if (event.role === 'test' && !s.observe_test) {
      return { ...base, outcome: 'test', reason: 'role=test: recorded, not observed (observe_test = no)' };
    }
    const retracted = cites(event, ['retraction']);
    if (retracted.length > 0) {
      const cancelled: string[] = [];
      for (const cited of retracted) {
        for (const r of this.openRequestsOf(cited)) {
          this.ctx.requests.setState(r.id, 'cancelled', now, `retracted by ${ivorn}`, OPEN_STATES);
          cancelled.push(r.id);
        }
      }
      return {
        ...base,
        outcome: 'retracted',
        reason: `retraction of ${retracted.join(', ')}: ${cancelled.length} pending request(s) cancelled`,
        cancelled,
        replan: cancelled.length > 0,
      };
    }
    if (event.role !== 'observation' && event.role !== 'test') {
      return { ...base, outcome: 'ignored', reason: `role=${event.role}: nothing to observe` };
    }
    if (event.position === undefined) {
      return {
        ...base,
        outcome: 'no-position',
        reason: `no usable position: ${event.positionNote ?? 'none given'}`,
      };
    }
    const eventTime = drill ? now : (event.eventTime ?? event.date ?? now);
    const ageS = (now - eventTime) / 1000;
    if (ageS > s.max_age_s) {
      return {
        ...base,
        outcome: 'too-old',
        reason: `event ${Math.round(ageS)} s old, over max_age_s = ${s.max_age_s} (use --drill to treat it as new)`,
      };
    }
    const target = { raDeg: event.position.raDeg, decDeg: event.position.decDeg };
    const followed = this.followedRequest(event);
    if (followed !== undefined) {
      this.ctx.requests.setTarget(followed.id, target, now);
      return {
        ...base,
        outcome: 'updated',
        reason: `follow-up: position of ${followed.id} updated to ${fmt(target.raDeg)}, ${fmt(target.decDeg)}`,
        requestId: followed.id,
        replan: true,
      };
    }
    const request: ObservationRequest = {
      id: `alert-${(event.mission ?? 'voevent').toLowerCase()}-${event.triggerId ?? hashOf(ivorn)}${drill ? `-drill-${now}` : ''}`,
      kind: 'alert',
      targetName: event.inferenceName ?? `${event.mission ?? 'alert'} ${event.triggerId ?? ''}`.trim(),
      target,
      priority: s.priority,
      exposures: s.exposures,
      window: { start: now, end: now + s.window_h * 3_600_000 },
      createdAt: eventTime,
      alertIvorn: ivorn,
      state: 'pending',
    };
    this.ctx.requests.insert(request, now);
    return {
      ...base,
      outcome: 'accepted',
      reason: `${event.packetName ?? 'notice'} at ${fmt(target.raDeg)}, ${fmt(target.decDeg)} (±${fmt(event.position.errorRadiusDeg)}°): urgent request ${request.id}`,
      requestId: request.id,
      replan: true,
    };
  }

  /** The open request a follow-up refines: by citation, else the same mission and trigger. */
  private followedRequest(event: VoEvent): ObservationRequest | undefined {
    for (const cited of cites(event, ['followup', 'supersedes'])) {
      const open = this.openRequestsOf(cited)[0];
      if (open !== undefined) return open;
    }
    if (event.triggerId === undefined || event.mission === undefined) return undefined;
    const id = `alert-${event.mission.toLowerCase()}-${event.triggerId}`;
    const same = this.ctx.requests.get(id);
    return same !== undefined && OPEN_STATES.includes(same.state) ? same : undefined;
  }

  private openRequestsOf(ivorn: string): ObservationRequest[] {
    const direct = this.ctx.requests.ofAlert(ivorn);
    // A retraction may cite the first notice while the request came from it or a later one.
    const alert = this.ctx.alerts.get(ivorn);
    const viaAlert =
      alert?.requestId === undefined
        ? []
        : [this.ctx.requests.get(alert.requestId)].filter((r) => r !== undefined);
    const all = [...direct, ...viaAlert];
    return all.filter((r, i) => OPEN_STATES.includes(r.state) && all.findIndex((o) => o.id === r.id) === i);
  }
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
