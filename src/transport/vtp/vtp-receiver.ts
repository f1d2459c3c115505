import { createServer, type Server, type Socket } from 'node:net';
import { createLogger, type Logger } from '../../logging/logger.js';
import { Admission, type Admitted } from '../admission.js';
import { buildAck, buildIamAlive, buildNak } from './transport-messages.js';
import { DEFAULT_MAX_VTP_FRAME_BYTES, encodeVtpFrame, VtpFrameError, VtpFrameReader } from './vtp-frame.js';
import { classifyVtpPayload, type VtpEvent, type VtpEventHandler } from './vtp-payload.js';

/** Options of {@link VtpReceiver}. */
export interface VtpReceiverOptions {
  /** Default 127.0.0.1; "0.0.0.0" to accept authors from elsewhere. */
  readonly host?: string;
  /** 0: any free port (read `port` once listening). */
  readonly port: number;
  /** Our IVORN, the Response of our acks and naks. */
  readonly localIvorn: string;
  readonly onEvent: VtpEventHandler;
  readonly maxFrameBytes?: number;
  /**
   * A connection that completes no frame for this long (ms) is closed, however many bytes it
   * trickles (waiting for our own handler does not count). Default 20 000 (Comet's idle time).
   */
  readonly idleTimeoutMs?: number;
  /** A frame begun must be complete within this time (ms). Default 10 000. */
  readonly frameTimeoutMs?: number;
  /** Connections in all; beyond, refused. Default 16. */
  readonly maxConnections?: number;
  /**
   * Connections that have not yet delivered a whole frame, in all and from one address: when full,
   * the oldest is closed to make room. Defaults 12 and 4.
   */
  readonly maxPending?: number;
  readonly maxPendingPerAddress?: number;
  /** Connections from one address, whatever they sent (a whole frame proves nothing: VTP has no login). Default 4. */
  readonly maxPerAddress?: number;
  readonly log?: Logger;
}

/**
 * A VTP receiver (Comet's VOEventReceiver): authors connect and submit framed events, one or
 * more per connection. Each event goes to `onEvent` in arrival order and is answered with an
 * ack once the handler has resolved, or a nak saying why (the handler threw, or the frame is not a
 * VOEvent). An over-long length prefix closes that connection with one log line; the server keeps
 * serving everyone else.
 */
export class VtpReceiver {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly log: Logger;
  private readonly admission: Admission;
  /** Each connection's deadlines: when its frame begun must end, when it must complete another. */
  private readonly watch = new Map<
    Socket,
    { partialSince: number; lastFrame: number; pending: () => number; peer: string }
  >();
  private sweep: NodeJS.Timeout | undefined;

  private constructor(private readonly opts: VtpReceiverOptions) {
    this.log = opts.log ?? createLogger('vtp-receiver');
    const maxConnections = opts.maxConnections ?? 16;
    this.admission = new Admission({
      maxConnections,
      maxPending: Math.min(maxConnections, opts.maxPending ?? 12),
      maxPendingPerAddress: opts.maxPendingPerAddress ?? 4,
      maxPerAddress: opts.maxPerAddress ?? 4,
    });
    // Half-open allowed: an author may end its side right after its event and still read the ack.
    this.server = createServer({ allowHalfOpen: true }, (socket) => this.serve(socket));
  }

  /** Starts a receiver; resolves once it listens. */
  static async listen(opts: VtpReceiverOptions): Promise<VtpReceiver> {
    const r = new VtpReceiver(opts);
    await new Promise<void>((resolve, reject) => {
      r.server.once('error', reject);
      r.server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
        r.server.off('error', reject);
        resolve();
      });
    });
    r.log.info(`VTP receiver listening on ${opts.host ?? '127.0.0.1'}:${r.port}`);
    r.sweep = setInterval(() => r.expire(), 250);
    r.sweep.unref();
    return r;
  }

  /** Closes connections whose frame takes too long, or that complete none for too long. */
  private expire(): void {
    const now = Date.now();
    const idleMs = this.opts.idleTimeoutMs ?? 20_000;
    const frameMs = this.opts.frameTimeoutMs ?? 10_000;
    for (const [socket, w] of this.watch) {
      if (w.partialSince !== 0 && now - w.partialSince > frameMs) {
        this.log.warn(`VTP ${w.peer}: a frame not complete within ${frameMs} ms; connection closed`);
        socket.destroy();
      } else if (w.pending() === 0 && now - w.lastFrame > idleMs) {
        // Waiting for our own handler is not the author's idleness.
        this.log.info(`VTP ${w.peer}: no frame for ${idleMs} ms, closed`);
        socket.destroy();
      }
    }
  }

  /** The port it listens on. */
  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private serve(socket: Socket): void {
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const admitted = this.admission.admit(socket, (victim: Admitted, why: string) => {
      this.log.warn(`VTP ${victim.address}: ${why}`);
      victim.socket.destroy();
    });
    if (admitted === undefined) {
      this.log.warn(`VTP ${peer}: refused, ${this.opts.maxConnections ?? 16} connections open`);
      socket.destroy();
      return;
    }
    const reader = new VtpFrameReader(this.opts.maxFrameBytes ?? DEFAULT_MAX_VTP_FRAME_BYTES);
    let replies: Promise<void> = Promise.resolve();
    let pending = 0;
    const watched = { partialSince: 0, lastFrame: Date.now(), pending: () => pending, peer };
    this.sockets.add(socket);
    this.watch.set(socket, watched);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.watch.delete(socket);
      this.admission.release(admitted);
    });
    socket.on('error', () => {}); // a reset by the author: 'close' follows
    const reply = (xml: string) => {
      if (!socket.destroyed && socket.writable) socket.write(encodeVtpFrame(xml));
    };
    const enqueue = (work: () => Promise<void> | void) => {
      pending++;
      replies = replies
        .then(work)
        .catch((err: Error) => this.log.error(`VTP ${peer}: ${err.message}`))
        .finally(() => pending--);
    };

    socket.on('data', (chunk: Buffer) => {
      admitted.heard = true;
      reader.push(chunk);
      try {
        for (let body = reader.next(); body !== undefined; body = reader.next()) {
          // A whole frame: the author has proved it speaks VTP; its clocks start again.
          watched.lastFrame = Date.now();
          this.admission.trust(admitted);
          const p = classifyVtpPayload(body, reader.maxFrameBytes);
          if (p.kind === 'voevent') {
            enqueue(() => this.handle(p.xml, { ivorn: p.ivorn, role: p.role, peer }, reply));
          } else if (p.kind === 'invalid') {
            this.log.warn(`VTP ${peer}: nak: ${p.reason}`);
            enqueue(() => reply(buildNak(this.opts.localIvorn, p.ivorn ?? '', p.reason)));
          } else if (p.message.role === 'iamalive') {
            enqueue(() => reply(buildIamAlive(this.opts.localIvorn, p.message.origin ?? '')));
          } else {
            this.log.info(`VTP ${peer}: transport ${p.message.role} ignored`);
          }
        }
        watched.partialSince = reader.pendingBytes === 0 ? 0 : watched.partialSince || Date.now();
      } catch (err) {
        if (!(err instanceof VtpFrameError)) throw err;
        this.log.warn(`VTP ${peer}: ${err.message}; connection closed`);
        socket.destroy();
      }
    });
    // The author has said everything: answer what is pending, then close our side.
    socket.on('end', () => {
      void replies.then(() => socket.end());
    });
  }

  private async handle(xml: string, event: VtpEvent, reply: (xml: string) => void) {
    try {
      await this.opts.onEvent(xml, event);
      reply(buildAck(this.opts.localIvorn, event.ivorn));
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.log.warn(`VTP ${event.peer}: nak ${event.ivorn}: ${reason.split('\n')[0]}`);
      reply(buildNak(this.opts.localIvorn, event.ivorn, reason));
    }
  }
}
