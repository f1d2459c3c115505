import { dirname } from 'node:path';
import { Agent } from '../../agent/agent.js';
import { defineApp } from '../../host/app.js';
import { RejectedError, RemoteError } from '../../sender/errors.js';
import type { AlertSource, ReceivedNotice } from '../alerts/sources/alert-source.js';
import { NoticeRefusedError } from '../alerts/sources/alert-source.js';
import { alertSourceUrls, openAlertSource } from '../alerts/sources/source-registry.js';
import { VtpReceiverSource } from '../alerts/sources/vtp-sources.js';
import { Msg } from '../messages.js';
import type { ObservatoryContext } from '../observatory-context.js';
import { ALERT_EVENTS_SQL, AlertEventsRepo } from '../store/alert-events-repo.js';
import type { AlertRecord } from '../store/alert-record.js';
import { ALERTS_MIGRATION_1, ALERTS_SQL, AlertsRepo } from '../store/alerts-repo.js';
import { AlertIntake, type IntakeInput, type IntakeResult, type SchedulerNews } from './alert-intake.js';
import { ObservatoryAgent } from './observatory-agent.js';

/** Our IVORN in VTP acks and iamalive answers. */
const LOCAL_IVORN = 'ivo://pyros-ts/alert_manager';

/** Error names a handler throws for a notice that can never be used (NoticeError and its kinds). */
const REFUSED_NAMES = new Set(['NoticeError', 'VoEventError']);

/**
 * Owns the alerts. Receives notices from its sources (`[alert_manager] sources`: GCN Kafka, VTP
 * brokers and its own VTP port, a watched folder) and as the `Notice` (or older `VOEvent`) message
 * from `pyros alert` or the dashboard; every one is handled as a `Notice` message through the
 * mailbox, one at a time. It records each once, decides what to do with it (see
 * {@link AlertIntake}) and tells the scheduler through its outbox. A notice is acknowledged to
 * its source (VTP ack, Kafka commit, file moved, the reply) only once recorded.
 */
export class AlertManagerAgent extends ObservatoryAgent {
  readonly #alerts: AlertsRepo;
  readonly #intake: AlertIntake;
  readonly #sources: AlertSource[] = [];

  constructor(ctx?: ObservatoryContext) {
    super(
      Agent.ALERT_MANAGER,
      { version: 2, sql: ALERTS_SQL + ALERT_EVENTS_SQL, migrations: [ALERTS_MIGRATION_1] },
      ctx,
    );
    this.#alerts = new AlertsRepo(this.store.db);
    const events = new AlertEventsRepo(this.store.db);
    this.#intake = new AlertIntake(this.store, this.#alerts, events, this.ctx.settings, this.ctx.clock);
    const where = (source: string, file: string | undefined) =>
      `${source}${file === undefined ? '' : ` ${file}`}`;
    this.onMessage(Msg.NOTICE, (p) =>
      this.receive({
        text: p.text,
        drill: p.drill,
        source: where(p.source, p.file),
        ...(p.topic === undefined ? {} : { topic: p.topic }),
      }),
    );
    this.onMessage(Msg.VOEVENT, (p) =>
      this.receive({ text: p.xml, drill: p.drill, source: where(p.source, p.file) }),
    );
    this.onMessage(Msg.ALERTS, ({ limit }) => ({ alerts: this.#alerts.latest(limit).map(alertView) }));
    this.onMessage(Msg.ALERT_SOURCES, () => ({ sources: this.#sources.map((s) => s.status()) }));
  }

  /** The VTP receiver's port once listening (0 when there is none). */
  get vtpPort(): number {
    const receiver = this.#sources.find((s) => s instanceof VtpReceiverSource);
    return receiver instanceof VtpReceiverSource ? receiver.boundPort : 0;
  }

  protected override async work(): Promise<void> {
    const settings = this.ctx.settings;
    const ctx = {
      log: this.log,
      baseDir: settings.file === undefined ? process.cwd() : dirname(settings.file),
      settings: { ...settings.alert_manager, observatory_name: settings.observatory.name },
      localIvorn: LOCAL_IVORN,
      env: process.env,
      now: Date.now,
    };
    for (const url of alertSourceUrls(settings)) {
      const source = openAlertSource(url, ctx);
      this.#sources.push(source);
      await source.start((notice) => this.#viaMailbox(notice));
    }
  }

  /**
   * A notice from a source becomes a `Notice` message of this agent's own, handled in the mailbox
   * like any other. A notice that can never be used comes back as a NoticeRefusedError (the
   * source acknowledges it and goes on); any other failure as itself (the source tries again).
   */
  async #viaMailbox(n: ReceivedNotice): Promise<void> {
    try {
      await this.handleLocally(Msg.NOTICE.name, {
        text: n.text,
        source: n.source,
        ...(n.topic === undefined ? {} : { topic: n.topic }),
        ...(n.file === undefined ? {} : { file: n.file }),
      });
    } catch (err) {
      const refused =
        (err instanceof RemoteError && REFUSED_NAMES.has(err.remote.name ?? '')) ||
        (err instanceof RejectedError && !/shutting down/.test(err.message));
      if (refused) throw new NoticeRefusedError((err as Error).message);
      throw err;
    }
  }

  /** Records and decides; the scheduler's news goes in the outbox in the same transaction. Throws (nak) on a bad notice. */
  receive(input: IntakeInput): IntakeResult & { summary: string } {
    // A text that is not a usable notice throws a NoticeError: refused (nak, error reply) and
    // logged in one line by the agent's handler run.
    const result = this.#intake.ingest(input, (news) => this.#tell(news));
    const summary = `${result.outcome}: ${result.reason} (${result.ivorn})`;
    this.log.info(`alert from ${input.source}: ${summary}`);
    return { ...result, summary };
  }

  #tell(news: SchedulerNews): void {
    if (news.kind === 'new') this.post(Msg.NEW_ALERT, news.payload);
    else if (news.kind === 'updated') this.post(Msg.ALERT_UPDATED, news.payload);
    else this.post(Msg.ALERT_RETRACTED, news.payload);
  }

  protected override async shutdown(): Promise<void> {
    await Promise.all(this.#sources.map((s) => s.stop()));
    await super.shutdown();
  }
}

/** An alert as the `Alerts` reply shows it (without its text). */
function alertView(a: AlertRecord) {
  return {
    ivorn: a.ivorn,
    receivedAt: a.receivedAt,
    source: a.source,
    format: a.format,
    role: a.role,
    mission: a.mission ?? null,
    instrument: a.instrument ?? null,
    packetName: a.packetName ?? null,
    eventKey: a.eventKey ?? null,
    classification: a.classification ?? null,
    area90Deg2: a.area90Deg2 ?? null,
    eventTime: a.eventTime ?? null,
    raDeg: a.raDeg ?? null,
    decDeg: a.decDeg ?? null,
    errorDeg: a.errorDeg ?? null,
    outcome: a.outcome,
    reason: a.reason,
    requestId: a.requestId ?? null,
    drill: a.drill,
  };
}

export default defineApp({
  name: Agent.ALERT_MANAGER,
  async ready() {
    await new AlertManagerAgent().start();
  },
});
