import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { AgentEndpoint } from '../config/agent-endpoint.js';
import type { Logger } from '../logging/logger.js';
import { Admission, type Admitted } from './admission.js';
import { isLoopback, textAllowed } from './auth.js';
import { FramedSession } from './framed-session.js';
import { ErrorCode, FRAMED_MAGIC } from './frames.js';
import type { MessageSink } from './inbound.js';
import { type AgentServerOptions, SERVER_DEFAULTS } from './server-options.js';
import { SessionLog } from './session-log.js';
import { TextSession } from './text-session.js';
import { serverTlsOptions, TLS_HANDSHAKE_FAILURE_ALERT, TLS_RECORD_HANDSHAKE } from './tls-psk.js';

export { type AgentServerOptions, SERVER_DEFAULTS } from './server-options.js';

interface Connection {
  /** The TCP connection: what admission and deadlines watch, what is destroyed. */
  readonly raw: Socket;
  /** What the session reads and writes: `raw`, or TLS on top of it. */
  socket: Socket;
  readonly admitted: Admitted;
  session: FramedSession | TextSession | undefined;
  /** ms timestamp after which the connection is closed (0: none), and what it failed to do by then. */
  deadline: number;
  deadlineWhy: string;
}

/**
 * An agent's port. Tells each connection's protocol from its first byte (NUL: framed, else text),
 * enforces every limit, and closes an offender with one log line while serving everyone else.
 */
export class AgentServer {
  private readonly server: Server;
  private readonly connections = new Map<Admitted, Connection>();
  private readonly admission: Admission;
  private readonly sessions = new SessionLog();
  private readonly opts: Required<Omit<AgentServerOptions, 'secret'>> & { secret: string | undefined };
  private sweep: NodeJS.Timeout | undefined;
  private reading = true;
  private textCount = 0;
  private overflowLogged = 0;
  /** Connections closed for bad behaviour, since start. */
  rejected = 0;

  /** The server of an agent whose section of the config is `endpoint`; `overrides` adjust limits and timeouts. */
  static forEndpoint(
    endpoint: AgentEndpoint,
    sink: MessageSink,
    log: Logger,
    overrides: Partial<Omit<AgentServerOptions, 'agentName' | 'log'>> = {},
  ): AgentServer {
    return new AgentServer(
      {
        agentName: endpoint.name,
        host: endpoint.ip,
        port: endpoint.receivePort,
        secret: endpoint.secret,
        allowedHosts: endpoint.allowedHosts,
        maxMessageBytes: endpoint.maxMessageBytes,
        ...overrides,
        log,
      },
      sink,
    );
  }

  constructor(
    options: AgentServerOptions,
    private readonly sink: MessageSink,
  ) {
    this.opts = { ...SERVER_DEFAULTS, allowedHosts: [], ...options, secret: options.secret };
    this.admission = new Admission(this.opts);
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  /** Binds the configured ip and port. */
  async listen(): Promise<void> {
    const { host, port, agentName, log } = this.opts;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        reject(
          new Error(`agent "${agentName}" cannot listen on ${host}:${port}: ${err.code ?? err.message}`),
        );
      };
      this.server.once('error', onError);
      this.server.listen({ host, port, exclusive: true }, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.server.on('error', (err) => log.error({ err }, `server error: ${err.message}`));
    if (this.opts.secret === undefined && !isLoopback(host)) {
      log.warn(
        `listening on ${host}:${port} without a secret: anyone who reaches this address can send messages`,
      );
    }
    const shortest = Math.min(
      this.opts.firstByteTimeoutMs,
      this.opts.handshakeTimeoutMs,
      this.opts.textTimeoutMs,
      this.opts.partialFrameTimeoutMs,
    );
    this.sweep = setInterval(() => this.expire(), Math.max(20, Math.min(1000, shortest / 4)));
    this.sweep.unref();
  }

  /** The bound port (useful when the config says 0). */
  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a !== null ? a.port : this.opts.port;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stops reading from every connection (the mailbox is full) or starts again. */
  setReading(on: boolean): void {
    if (on === this.reading) return;
    this.reading = on;
    for (const c of this.connections.values()) {
      if (on) c.socket.resume();
      else c.socket.pause();
    }
  }

  private accept(socket: Socket): void {
    const admitted = this.admission.admit(socket, (victim, why) => {
      const c = this.connections.get(victim);
      this.connections.delete(victim);
      this.rejected++;
      this.opts.log.warn(`closed connection from ${victim.address}: ${why}`);
      (c?.raw ?? victim.socket).destroy();
    });
    if (admitted === undefined) {
      socket.destroy();
      this.rejected++;
      const now = Date.now();
      if (now - this.overflowLogged > 1000) {
        this.overflowLogged = now;
        this.opts.log.warn(
          `connection from ${socket.remoteAddress ?? '?'} refused: ${this.opts.maxConnections} connections open`,
        );
      }
      return;
    }
    const conn: Connection = {
      raw: socket,
      socket,
      admitted,
      session: undefined,
      deadline: Date.now() + this.opts.firstByteTimeoutMs,
      deadlineWhy: `sent nothing within ${this.opts.firstByteTimeoutMs} ms`,
    };
    this.connections.set(admitted, conn);
    socket.setKeepAlive(true, 30_000);
    if (!this.reading) socket.pause();
    socket.once('data', (chunk: Buffer) => this.onFirstChunk(conn, chunk));
    socket.on('error', (err) => this.opts.log.debug(`connection ${this.describe(conn)}: ${err.message}`));
    socket.on('close', () => {
      if (conn.session instanceof FramedSession) conn.session.markClosed();
      this.connections.delete(admitted);
      this.admission.release(admitted);
    });
  }

  /** Reads from `stream` (the raw socket, or TLS over it) into the connection's session. */
  private readFrom(conn: Connection, stream: Socket): void {
    conn.socket = stream;
    stream.on('data', (chunk: Buffer) => this.onData(conn, chunk));
    stream.on('end', () => {
      if (conn.session instanceof TextSession) conn.session.finish();
      else stream.end();
    });
  }

  /**
   * The first bytes tell the protocol: a TLS handshake (framed inside TLS, the only framed
   * allowed when a secret is set), the framed preamble, or text.
   */
  private onFirstChunk(conn: Connection, chunk: Buffer): void {
    const { secret } = this.opts;
    conn.admitted.heard = true;
    if (chunk[0] === TLS_RECORD_HANDSHAKE) {
      if (secret === undefined) {
        conn.raw.write(TLS_HANDSHAKE_FAILURE_ALERT);
        this.reject(conn.raw, 'TLS offered, but this agent has no secret to derive its key from', true);
        return;
      }
      conn.raw.pause();
      conn.raw.unshift(chunk);
      const tls = new TLSSocket(conn.raw, {
        isServer: true,
        ...serverTlsOptions(secret, this.opts.agentName),
      });
      tls.on('error', (err) => this.reject(conn.raw, `TLS: ${err.message.split('\n')[0]}`, false));
      // The handshake proved the key (the PSK is derived from the secret): no longer a stranger.
      tls.once('secure', () => this.admission.trust(conn.admitted));
      if (!this.reading) tls.pause();
      this.readFrom(conn, tls);
      return;
    }
    this.readFrom(conn, conn.raw);
    this.onData(conn, chunk);
  }

  private onData(conn: Connection, chunk: Buffer): void {
    if (conn.session === undefined) {
      if (chunk[0] === FRAMED_MAGIC[0]) {
        conn.session = new FramedSession(conn.socket, {
          agentName: this.opts.agentName,
          secret: this.opts.secret,
          maxMessageBytes: this.opts.maxMessageBytes,
          sink: this.sink,
          sessions: this.sessions,
          reject: (s, why) => this.reject(s, why, true),
        });
        // From the connection's start, not from this byte: a handshake trickled in does not last.
        conn.deadline = conn.admitted.since + this.opts.handshakeTimeoutMs;
        conn.deadlineWhy = `handshake not done within ${this.opts.handshakeTimeoutMs} ms`;
        if (this.opts.secret !== undefined && !(conn.socket instanceof TLSSocket)) {
          conn.session.fail(
            ErrorCode.AUTH,
            'a secret is set: framed connections must come inside TLS (a pyros-ts client with the secret does so)',
          );
          return;
        }
      } else {
        if (!textAllowed(conn.socket.remoteAddress, this.opts.secret, this.opts.allowedHosts)) {
          this.reject(
            conn.socket,
            'text protocol refused: a secret is set and this host is not allowed',
            false,
          );
          return;
        }
        conn.session = new TextSession(conn.socket, {
          maxMessageBytes: this.opts.maxMessageBytes,
          sink: this.sink,
          nextId: () => `text:${++this.textCount}`,
          reject: (s, why) => this.reject(s, why, false),
          warn: (why) => this.opts.log.warn(why),
        });
        conn.deadline = Date.now() + this.opts.textTimeoutMs;
        conn.deadlineWhy = `text message not complete within ${this.opts.textTimeoutMs} ms`;
        // A text peer speaks in one go and is done within its deadline: it leaves the pending
        // pool (a burst of the seed's one-connection-per-message clients must not evict itself).
        this.admission.trust(conn.admitted);
      }
    }
    conn.session.receive(chunk);
    if (conn.deadline !== 0 && conn.session instanceof FramedSession && conn.session.isOpen) {
      conn.deadline = 0;
      this.admission.trust(conn.admitted);
    }
  }

  private expire(): void {
    const now = Date.now();
    for (const c of this.connections.values()) {
      if (c.deadline !== 0 && now > c.deadline) {
        c.deadline = 0;
        this.timeOut(c, c.deadlineWhy);
      } else if (
        c.session instanceof FramedSession &&
        c.session.partialSince !== 0 &&
        now - c.session.partialSince > this.opts.partialFrameTimeoutMs
      ) {
        this.timeOut(c, `frame not complete within ${this.opts.partialFrameTimeoutMs} ms`);
      }
    }
  }

  /** A framed peer is told why (ERROR TIMEOUT) before the close; anything else is just closed. */
  private timeOut(c: Connection, why: string): void {
    if (c.session instanceof FramedSession) c.session.fail(ErrorCode.TIMEOUT, why);
    else this.reject(c.raw, why, false);
  }

  private describe(c: Connection): string {
    return `${c.admitted.address}:${c.raw.remotePort ?? '?'}`;
  }

  /** The connection of a socket (raw or TLS). */
  private connectionOf(socket: Socket): Connection | undefined {
    for (const c of this.connections.values()) if (c.raw === socket || c.socket === socket) return c;
    return undefined;
  }

  /** Closes an offender: one log line (its address taken at accept), the rest keep being served. */
  private reject(socket: Socket, why: string, graceful: boolean): void {
    const c = this.connectionOf(socket);
    this.rejected++;
    this.opts.log.warn(
      `closed connection from ${c === undefined ? (socket.remoteAddress ?? '?') : this.describe(c)}: ${why}`,
    );
    const raw = c?.raw ?? socket;
    if (graceful) {
      // Let an ERROR frame already written reach the peer, but never wait on it for long.
      socket.end();
      setTimeout(() => raw.destroy(), 200).unref();
    } else {
      raw.destroy();
    }
  }

  /** Stops accepting, ends every connection once pending replies are written, and resolves when all are closed. */
  async close(graceMs = 2000): Promise<void> {
    if (this.sweep) clearInterval(this.sweep);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections.values()) {
      if (c.session instanceof FramedSession) c.session.end();
      else c.raw.destroy();
    }
    const force = setTimeout(() => {
      for (const c of this.connections.values()) c.raw.destroy();
    }, graceMs);
    await closed;
    clearTimeout(force);
  }
}
