import { Agent } from '../../agent/agent.js';
import { defineApp } from '../../host/app.js';
import { VtpReceiver } from '../../transport/vtp/vtp-receiver.js';
import { VtpSubscriber } from '../../transport/vtp/vtp-subscriber.js';
import { Msg } from '../messages.js';
import type { ObservatoryContext } from '../observatory-context.js';
import type { AlertRecord } from '../store/alert-record.js';
import { ALERTS_SQL, AlertsRepo } from '../store/alerts-repo.js';
import { AlertIntake, type IntakeInput, type IntakeResult, type SchedulerNews } from './alert-intake.js';
import { ObservatoryAgent } from './observatory-agent.js';

/** Our IVORN in VTP acks and iamalive answers. */
const LOCAL_IVORN = 'ivo://pyros-ts/alert_manager';

/**
 * Owns the alerts. Receives VOEvent notices three ways (as a VTP subscriber of a broker, on its own
 * VTP port where publishers submit events, and as the `VOEvent` message from `pyros alert` or the
 * dashboard); every one is handled as a `VOEvent` message through the mailbox, one at a time. It
 * records each once, decides what to do with it (see {@link AlertIntake}) and tells the scheduler
 * through its outbox. A notice is acknowledged (VTP ack, the reply) only once recorded.
 */
export class AlertManagerAgent extends ObservatoryAgent {
  readonly #alerts: AlertsRepo;
  readonly #intake: AlertIntake;
  #receiver: VtpReceiver | undefined;
  #subscriber: VtpSubscriber | undefined;

  constructor(ctx?: ObservatoryContext) {
    super(Agent.ALERT_MANAGER, { version: 1, sql: ALERTS_SQL }, ctx);
    this.#alerts = new AlertsRepo(this.store.db);
    this.#intake = new AlertIntake(this.store, this.#alerts, this.ctx.settings, this.ctx.clock);
    this.onMessage(Msg.VOEVENT, (p) => {
      const where = p.file === undefined ? '' : ` ${p.file}`;
      return this.receive({ xml: p.xml, drill: p.drill, source: `${p.source}${where}` });
    });
    this.onMessage(Msg.ALERTS, ({ limit }) => ({ alerts: this.#alerts.latest(limit).map(alertView) }));
  }

  /** The VTP receiver's port once listening (0 when there is none). */
  get vtpPort(): number {
    return this.#receiver?.port ?? 0;
  }

  protected override async work(): Promise<void> {
    const s = this.ctx.settings.alert_manager;
    // A VTP event becomes a `VOEvent` message of this agent's own: handled in the mailbox like any other.
    const viaMailbox = (xml: string, source: string) =>
      this.handleLocally(Msg.VOEVENT.name, { xml, source }).then(() => undefined);
    if (s.vtp_port > 0) {
      this.#receiver = await VtpReceiver.listen({
        host: s.vtp_host,
        port: s.vtp_port,
        localIvorn: LOCAL_IVORN,
        log: this.log,
        onEvent: (xml, event) => viaMailbox(xml, `vtp-receiver ${event.peer}`),
      });
    }
    const broker = s.vtp_subscribe;
    if (broker !== undefined) {
      this.#subscriber = new VtpSubscriber({
        host: broker.host,
        port: broker.port,
        localIvorn: LOCAL_IVORN,
        log: this.log,
        // As Comet does: a broker may drop a subscriber that naks; a notice we refuse is logged.
        nakOnFailure: false,
        onEvent: (xml) => viaMailbox(xml, `vtp-subscriber ${broker.host}:${broker.port}`),
      });
      this.#subscriber.start();
    }
  }

  /** Records and decides; the scheduler's news goes in the outbox in the same transaction. Throws (nak) on a bad notice. */
  receive(input: IntakeInput): IntakeResult & { summary: string } {
    // A notice that is not a usable VOEvent throws a VoEventError: refused (nak, error reply) and
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
    this.#subscriber?.stop();
    await this.#receiver?.close();
    await super.shutdown();
  }
}

/** An alert as the `Alerts` reply shows it (without its XML). */
function alertView(a: AlertRecord) {
  return {
    ivorn: a.ivorn,
    receivedAt: a.receivedAt,
    source: a.source,
    role: a.role,
    mission: a.mission ?? null,
    packetName: a.packetName ?? null,
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
