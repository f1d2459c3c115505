import { type Decision, decide, type SchedulerNews } from '../alerts/decision/alert-decision.js';
import { alertPolicy } from '../alerts/decision/alert-policy.js';
import { eventKeyOf, type Notice } from '../alerts/notice.js';
import { parseNotice } from '../alerts/parse-notice.js';
import type { Clock } from '../clock/clock.js';
import type { ObservatorySettings } from '../settings/observatory-settings.js';
import type { AgentStore } from '../store/agent-store.js';
import type { AlertEvent, AlertEventsRepo } from '../store/alert-events-repo.js';
import type { AlertOutcome, AlertRecord } from '../store/alert-record.js';
import type { AlertsRepo } from '../store/alerts-repo.js';

export type { SchedulerNews } from '../alerts/decision/alert-decision.js';

/** A notice handed to the alert manager, from any source or `pyros alert`. */
export interface IntakeInput {
  /** The notice's text: VOEvent XML or JSON (GCN unified schema, IGWN alert). */
  readonly text: string;
  /** Where it came from, for the record (e.g. `cli`, `vtp-receiver 127.0.0.1:51234`). */
  readonly source: string;
  /** The Kafka topic it came on, which names the mission of JSON notices that do not. */
  readonly topic?: string;
  /** `pyros alert --drill`: treated as issued now, whatever its age or role, as a sequence of its own. */
  readonly drill?: boolean;
}

/** What the alert manager did, as replied to `pyros alert` and logged. */
export interface IntakeResult {
  readonly outcome: AlertOutcome | 'duplicate';
  readonly reason: string;
  readonly ivorn: string;
  readonly requestId?: string;
}

/** Where a notice belongs: its event's key, the key it plays (a drill's), and the event so far. */
interface Placement {
  readonly eventKey: string;
  readonly baseKey: string;
  readonly event: AlertEvent | undefined;
}

/**
 * The alert manager's intake, apart from the network: parse (any format, into a Notice),
 * recognise a repeat, find the notice's event (by citation, else by mission and event id), let
 * {@link decide} rule, and record. The record, the event and the news for the scheduler (`tell`,
 * which puts it in the outbox) commit in one transaction, so that a notice acknowledged to its
 * sender is kept, and will reach the scheduler, whatever happens next.
 */
export class AlertIntake {
  constructor(
    private readonly store: AgentStore,
    private readonly alerts: AlertsRepo,
    private readonly events: AlertEventsRepo,
    private readonly settings: ObservatorySettings,
    private readonly clock: Clock,
  ) {}

  /** @throws NoticeError (one line) when the text is not a usable notice: nothing is recorded. */
  ingest(input: IntakeInput, tell: (news: SchedulerNews) => void): IntakeResult {
    const notice = parseNotice(input.text, input.topic === undefined ? {} : { topic: input.topic });
    const now = this.clock.now();
    const drill = input.drill === true;
    // Each drill is a notice of its own, so that the same sample file can be played again.
    const id = drill ? `${notice.id};drill=${new Date(now).toISOString()}` : notice.id;
    return this.store.transaction((): IntakeResult => {
      const earlier = this.alerts.get(id);
      if (earlier !== undefined) {
        return {
          outcome: 'duplicate',
          reason: `already received at ${new Date(earlier.receivedAt).toISOString()} (${earlier.outcome})`,
          ivorn: id,
        };
      }
      const place = this.place(notice, drill, now);
      const decision = decide({
        notice,
        id,
        now,
        drill,
        ...place,
        retractedBefore: drill ? undefined : this.events.retractionOf(notice.id),
        citedRequests: drill ? [] : this.citedRequests(notice),
        policy: alertPolicy(this.settings),
      });
      if (decision.event !== undefined) this.events.save(decision.event);
      for (const cited of decision.retracts ?? []) if (!drill) this.events.retractNotice(cited, id, now);
      this.alerts.insert(this.record(notice, id, input, decision, place.eventKey, now, drill));
      if (decision.news !== undefined) tell(decision.news);
      return {
        outcome: decision.outcome,
        reason: decision.reason,
        ivorn: id,
        ...(decision.requestId === undefined ? {} : { requestId: decision.requestId }),
      };
    });
  }

  /**
   * The event of a notice: the one of a notice it cites, else its mission's event id, else its
   * own. A drill plays a sequence of its own: the open one of the same event (not retracted,
   * within the request window), else a new one.
   */
  private place(notice: Notice, drill: boolean, now: number): Placement {
    const cited = drill
      ? undefined
      : notice.citations.map((c) => this.alerts.get(c.id)?.eventKey).find((k) => k !== undefined);
    const baseKey = cited ?? eventKeyOf(notice) ?? `notice:${notice.id}`;
    if (!drill) return { eventKey: baseKey, baseKey, event: this.events.get(baseKey) };
    const latest = this.events.latestDrill(baseKey);
    const windowMs = this.settings.alert_manager.window_h * 3_600_000;
    const open =
      latest !== undefined && latest.retractedBy === undefined && now < latest.firstSeen + windowMs;
    return open
      ? { eventKey: latest.eventKey, baseKey, event: latest }
      : { eventKey: `drill:${baseKey}@${now}`, baseKey, event: undefined };
  }

  /** The requests made from the notices a retraction cites. */
  private citedRequests(notice: Notice): string[] {
    if (!notice.retraction) return [];
    return notice.citations
      .filter((c) => c.kind === 'retraction')
      .map((c) => this.alerts.get(c.id)?.requestId)
      .filter((r): r is string => r !== undefined);
  }

  private record(
    notice: Notice,
    id: string,
    input: IntakeInput,
    decision: Decision,
    eventKey: string,
    now: number,
    drill: boolean,
  ): AlertRecord {
    const eventTime = drill ? now : notice.eventTime;
    const optional: Record<string, unknown> = {
      mission: notice.mission,
      instrument: notice.instrument,
      packetName: notice.noticeType,
      packetType: notice.packetType,
      triggerId: notice.eventIds[0],
      eventTime,
      raDeg: notice.position?.raDeg,
      decDeg: notice.position?.decDeg,
      errorDeg: notice.position?.errorDeg,
      classification: notice.classification?.class,
      area90Deg2: notice.skyMap?.area90Deg2,
      requestId: decision.requestId,
    };
    return {
      ivorn: id,
      receivedAt: now,
      source: input.source,
      format: notice.format,
      role: notice.role,
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
      eventKey,
      outcome: decision.outcome,
      reason: decision.reason,
      drill,
      raw: input.text,
    };
  }
}
