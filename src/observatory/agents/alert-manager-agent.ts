import { Agent } from '../../agent/agent.js';
import { defineApp } from '../../host/app.js';
import { VtpReceiver } from '../../transport/vtp/vtp-receiver.js';
import { VtpSubscriber } from '../../transport/vtp/vtp-subscriber.js';
import { Msg } from '../messages.js';
import type { ObservatoryContext } from '../observatory-context.js';
import { AlertIntake, type IntakeInput, type IntakeResult } from './alert-intake.js';
import { ObservatoryAgent } from './observatory-agent.js';

/** Our IVORN in VTP acks and iamalive answers. */
const LOCAL_IVORN = 'ivo://pyros-ts/alert_manager';

/**
 * Receives VOEvent notices three ways (as a VTP subscriber of a broker, on its own VTP port where
 * publishers submit events, and from `pyros alert`), records each once, decides what to do with it
 * (see {@link AlertIntake}) and tells the scheduler about new, updated and cancelled alert requests.
 * A notice is acknowledged (VTP ack, CLI reply) only once it is in the database.
 */
export class AlertManagerAgent extends ObservatoryAgent {
  readonly #intake: AlertIntake;
  #receiver: VtpReceiver | undefined;
  #subscriber: VtpSubscriber | undefined;

  constructor(ctx?: ObservatoryContext) {
    super(Agent.ALERT_MANAGER, ctx);
    this.#intake = new AlertIntake(this.ctx);
    this.actionsByMessage[Msg.VOEVENT] = (p: {
      xml?: unknown;
      drill?: unknown;
      source?: unknown;
      file?: unknown;
    }) => {
      if (typeof p?.xml !== 'string') throw new Error('payload: expected { xml: string, drill?: boolean }');
      const where = typeof p.file === 'string' ? ` ${p.file}` : '';
      return this.receive({
        xml: p.xml,
        drill: p.drill === true,
        source: `${String(p.source ?? 'message')}${where}`,
      });
    };
  }

  /** The VTP receiver's port once listening (0 when there is none). */
  get vtpPort(): number {
    return this.#receiver?.port ?? 0;
  }

  protected override async work(): Promise<void> {
    const s = this.ctx.settings.alert_manager;
    if (s.vtp_port > 0) {
      this.#receiver = await VtpReceiver.listen({
        host: s.vtp_host,
        port: s.vtp_port,
        localIvorn: LOCAL_IVORN,
        log: this.log,
        onEvent: (xml, event) => this.receive({ xml, source: `vtp-receiver ${event.peer}` }),
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
        onEvent: (xml) => this.receive({ xml, source: `vtp-subscriber ${broker.host}:${broker.port}` }),
      });
      this.#subscriber.start();
    }
  }

  /** Records and decides; tells the scheduler when a request changed. Throws (nak) on a bad notice. */
  async receive(input: IntakeInput): Promise<IntakeResult & { summary: string }> {
    let result: IntakeResult;
    try {
      result = this.#intake.ingest(input);
    } catch (err) {
      this.log.warn(`refused a notice from ${input.source}: ${(err as Error).message}`);
      throw err;
    }
    const summary = `${result.outcome}: ${result.reason} (${result.ivorn})`;
    this.log.info(`alert from ${input.source}: ${summary}`);
    if (result.replan) {
      const message = result.outcome === 'retracted' ? Msg.ALERT_RETRACTED : Msg.NEW_ALERT;
      await this.notify(Agent.SCHEDULER, message, {
        ivorn: result.ivorn,
        requestId: result.requestId ?? null,
        cancelled: result.cancelled ?? [],
      });
    }
    return { ...result, summary };
  }

  protected override async shutdown(): Promise<void> {
    this.#subscriber?.stop();
    await this.#receiver?.close();
    await super.shutdown();
  }
}

export default defineApp({
  name: Agent.ALERT_MANAGER,
  async ready() {
    await new AlertManagerAgent().start();
  },
});
