import { VtpReceiver } from '../../../transport/vtp/vtp-receiver.js';
import { VtpSubscriber } from '../../../transport/vtp/vtp-subscriber.js';
import type {
  AlertSource,
  AlertSourceFactory,
  NoticeSink,
  SourceContext,
  SourceStatus,
} from './alert-source.js';
import { hostPortOf, StatusKeeper } from './source-status.js';

/**
 * `vtp-listen://HOST:PORT`: our own VTP port, where authors (a private broker, a script) submit
 * VOEvents; each is acked once recorded, nakked with the reason when refused.
 */
class VtpReceiverSource implements AlertSource {
  #receiver: VtpReceiver | undefined;
  readonly #status: StatusKeeper;

  constructor(
    readonly url: string,
    private readonly host: string,
    private readonly port: number,
    private readonly ctx: SourceContext,
  ) {
    this.#status = new StatusKeeper(url, ctx.now);
  }

  /** The bound port (the configured one, or the OS's pick for port 0). */
  get boundPort(): number {
    return this.#receiver?.port ?? 0;
  }

  async start(sink: NoticeSink): Promise<void> {
    this.#receiver = await VtpReceiver.listen({
      host: this.host,
      port: this.port,
      localIvorn: this.ctx.localIvorn,
      log: this.ctx.log,
      onEvent: async (xml, event) => {
        await sink({ text: xml, source: `vtp-receiver ${event.peer}` });
        this.#status.noticed();
      },
    });
    this.#status.set('listening', `VTP receiver on ${this.host}:${this.#receiver.port}`);
  }

  async stop(): Promise<void> {
    await this.#receiver?.close();
    this.#status.set('stopped', 'stopped');
  }

  status(): SourceStatus {
    return this.#status.current;
  }
}

/**
 * `vtp://HOST:PORT`: a VTP broker we subscribe to (a private or institutional one: GCN retired
 * its own in April 2026). As Comet does, every event is acked, even one refused (a broker may drop
 * a subscriber that naks); the refusal is logged.
 */
class VtpSubscriberSource implements AlertSource {
  #subscriber: VtpSubscriber | undefined;
  readonly #status: StatusKeeper;

  constructor(
    readonly url: string,
    private readonly host: string,
    private readonly port: number,
    private readonly ctx: SourceContext,
  ) {
    this.#status = new StatusKeeper(url, ctx.now);
  }

  async start(sink: NoticeSink): Promise<void> {
    const where = `${this.host}:${this.port}`;
    const subscriber = new VtpSubscriber({
      host: this.host,
      port: this.port,
      localIvorn: this.ctx.localIvorn,
      log: this.ctx.log,
      nakOnFailure: false,
      onEvent: async (xml) => {
        await sink({ text: xml, source: `vtp-subscriber ${where}` });
        this.#status.noticed();
      },
    });
    subscriber.on('state', (s) => this.#status.set(s.state, s.detail));
    this.#subscriber = subscriber;
    subscriber.start();
  }

  async stop(): Promise<void> {
    this.#subscriber?.stop();
    this.#status.set('stopped', 'stopped');
  }

  status(): SourceStatus {
    return this.#status.current;
  }
}

export const vtpReceiverSource: AlertSourceFactory = (url, raw, ctx) => {
  // Port 0: the OS picks one (tests); the source says which once listening.
  const { host, port } = hostPortOf(url, raw, true);
  return new VtpReceiverSource(raw, host, port, ctx);
};

export const vtpSubscriberSource: AlertSourceFactory = (url, raw, ctx) => {
  const { host, port } = hostPortOf(url, raw);
  return new VtpSubscriberSource(raw, host, port, ctx);
};

export { VtpReceiverSource };
