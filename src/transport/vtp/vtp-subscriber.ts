import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import { createLogger, type Logger } from '../../logging/logger.js';
import { Backoff, type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.js';
import { buildAck, buildIamAlive, buildNak } from './transport-messages.js';
import { DEFAULT_MAX_VTP_FRAME_BYTES, encodeVtpFrame, VtpFrameError, VtpFrameReader } from './vtp-frame.js';
import { classifyVtpPayload, type VtpEvent, type VtpEventHandler } from './vtp-payload.js';

/** Options of {@link VtpSubscriber}. */
export interface VtpSubscriberOptions {
  /** The broker. */
  readonly host: string;
  readonly port: number;
  /** Our IVORN, the Response of our iamalive answers and acks. */
  readonly localIvorn: string;
  readonly onEvent: VtpEventHandler;
  /** With no iamalive nor event for this long (ms), the broker is taken for dead and we reconnect. Default 120 000 (Comet's). */
  readonly silenceMs?: number;
  /** A connection attempt is abandoned after this long (ms). Default 10 000. */
  readonly connectTimeoutMs?: number;
  readonly backoff?: Partial<BackoffPolicy>;
  readonly maxFrameBytes?: number;
  /**
   * Nak an event whose handler threw (default). False acks it anyway, as Comet's subscriber does,
   * because a broker may drop a subscriber that naks (VTP note §6.4).
   */
  readonly nakOnFailure?: boolean;
  readonly log?: Logger;
}

/** Where a subscriber is. */
export type SubscriberState = 'connecting' | 'connected' | 'waiting' | 'stopped';

/** A state change, as emitted and logged. */
export interface SubscriberStateChange {
  readonly state: SubscriberState;
  /** Why, in one line. */
  readonly detail: string;
  /** In state `waiting`: ms until the next attempt. */
  readonly retryInMs?: number;
}

/**
 * A VTP subscriber (Comet's VOEventSubscriber): keeps one connection to a broker, answers its
 * iamalive, hands each event to `onEvent` in arrival order and acks it once the handler has
 * resolved (naks it if the handler threw). Reconnects with exponential backoff when the
 * connection drops or the broker has been silent longer than `silenceMs`. Emits `state`.
 */
export class VtpSubscriber extends EventEmitter<{ state: [SubscriberStateChange] }> {
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private socket: Socket | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private current: SubscriberState = 'stopped';
  private started = false;
  private closed: Promise<void> = Promise.resolve();

  constructor(private readonly opts: VtpSubscriberOptions) {
    super();
    this.backoff = new Backoff({ ...DEFAULT_BACKOFF, ...opts.backoff });
    this.log = opts.log ?? createLogger('vtp-subscriber');
  }

  get state(): SubscriberState {
    return this.current;
  }

  /** Connects, and keeps connected until stop(). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.connect();
  }

  /** Closes the connection and stops reconnecting; resolves once the socket is closed. */
  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.retryTimer);
    this.socket?.destroy();
    await this.closed;
    if (this.current !== 'stopped') this.setState({ state: 'stopped', detail: 'stopped' });
  }

  private setState(change: SubscriberStateChange): void {
    this.current = change.state;
    const where = `${this.opts.host}:${this.opts.port}`;
    if (change.state === 'waiting') this.log.warn(`VTP broker ${where}: ${change.detail}`);
    else this.log.info(`VTP broker ${where}: ${change.detail}`);
    this.emit('state', change);
  }

  private connect(): void {
    const { host, port } = this.opts;
    const silenceMs = this.opts.silenceMs ?? 120_000;
    const connectTimeoutMs = this.opts.connectTimeoutMs ?? 10_000;
    this.setState({ state: 'connecting', detail: `connecting to ${host}:${port}` });
    const socket = connect({ host, port });
    this.socket = socket;
    const reader = new VtpFrameReader(this.opts.maxFrameBytes ?? DEFAULT_MAX_VTP_FRAME_BYTES);
    let why = 'connection closed by the broker';
    let events: Promise<void> = Promise.resolve();
    const fail = (reason: string) => {
      why = reason;
      socket.destroy();
    };
    const connectTimer = setTimeout(
      () => fail(`no connection within ${connectTimeoutMs} ms`),
      connectTimeoutMs,
    );
    let silence: NodeJS.Timeout | undefined;
    let healthy: NodeJS.Timeout | undefined;
    let resolveClosed: () => void = () => {};
    this.closed = new Promise((r) => {
      resolveClosed = r;
    });

    socket.once('connect', () => {
      clearTimeout(connectTimer);
      this.setState({ state: 'connected', detail: `connected to ${host}:${port}` });
      silence = setTimeout(() => fail(`broker silent for ${silenceMs} ms`), silenceMs);
      healthy = setTimeout(() => this.backoff.reset(), this.backoff.policy.resetAfterMs);
    });
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      try {
        for (let body = reader.next(); body !== undefined; body = reader.next()) {
          const p = classifyVtpPayload(body, reader.maxFrameBytes);
          if (p.kind === 'invalid') {
            this.log.warn(`VTP broker ${host}:${port}: unreadable frame ignored: ${p.reason}`);
            continue;
          }
          silence?.refresh();
          if (p.kind === 'voevent') {
            const event = { ivorn: p.ivorn, role: p.role, peer: `${host}:${port}` };
            events = events.then(() => this.handle(socket, p.xml, event));
          } else if (p.message.role === 'iamalive') {
            socket.write(encodeVtpFrame(buildIamAlive(this.opts.localIvorn, p.message.origin ?? '')));
          } else {
            this.log.debug(`VTP broker ${host}:${port}: transport ${p.message.role} ignored`);
          }
        }
      } catch (err) {
        if (!(err instanceof VtpFrameError)) throw err;
        fail(err.message);
      }
    });
    socket.on('error', (err) => {
      why = err.message;
    });
    socket.on('close', () => {
      clearTimeout(connectTimer);
      clearTimeout(silence);
      clearTimeout(healthy);
      if (this.socket === socket) this.socket = undefined;
      resolveClosed();
      if (!this.started) return;
      const retryInMs = this.backoff.next();
      this.setState({ state: 'waiting', detail: `${why}; reconnecting in ${retryInMs} ms`, retryInMs });
      this.retryTimer = setTimeout(() => this.connect(), retryInMs);
    });
  }

  private async handle(socket: Socket, xml: string, event: VtpEvent): Promise<void> {
    let reply: string;
    try {
      await this.opts.onEvent(xml, event);
      reply = buildAck(this.opts.localIvorn, event.ivorn);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.log.warn(`VOEvent ${event.ivorn}: handler failed: ${reason.split('\n')[0]}`);
      reply =
        this.opts.nakOnFailure === false
          ? buildAck(this.opts.localIvorn, event.ivorn)
          : buildNak(this.opts.localIvorn, event.ivorn, reason);
    }
    if (!socket.destroyed) socket.write(encodeVtpFrame(reply));
  }
}
