import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { clientProof, newNonce, proofMatches, serverProof } from './auth.js';
import { ConnectionError } from './connection-error.js';
import { BodyReader, FrameError, FrameReader } from './frame-reader.js';
import { FrameWriter } from './frame-writer.js';
import {
  ErrorCode,
  FRAMED_MAGIC,
  FrameType,
  MSG_OVERHEAD,
  NONCE_BYTES,
  PROTOCOL_VERSION,
  RejectCode,
  SESSION_ID_BYTES,
  WelcomeFlag,
} from './frames.js';
import { clientTlsOptions, tlsHandshakeError } from './tls-psk.js';

export { ConnectionError } from './connection-error.js';

export interface FramedConnectionOptions {
  readonly host: string;
  readonly port: number;
  /** Name the client gives in its HELLO. */
  readonly clientName: string;
  /** The agent it connects to (the TLS PSK identity when there is a secret). */
  readonly agentName: string;
  readonly secret?: string | undefined;
  /** Identifies the client across reconnects, so the server can drop resent duplicates. */
  readonly sessionId: Buffer;
  readonly connectTimeoutMs: number;
  readonly maxMessageBytes: number;
}

/** What the connection reports about messages it sent. */
export interface FramedConnectionListener {
  ack(seq: number): void;
  reply(seq: number, status: number, json: string | undefined): void;
  /** `code`: the REJECT's code byte, RejectCode.REFUSED when the frame has none. */
  reject(seq: number, reason: string, code: number): void;
  closed(error: ConnectionError): void;
}

export function newSessionId(): Buffer {
  return randomBytes(SESSION_ID_BYTES);
}

/**
 * One framed connection, client side: preamble, handshake (and authentication), then MSG frames out
 * and ACK/REPLY/REJECT frames in. Frames written in the same tick leave in one socket write.
 */
export class FramedConnection {
  private readonly writer = new FrameWriter();
  private flushScheduled = false;
  private closedError: ConnectionError | undefined;
  /** The server's agent name, from its WELCOME. */
  serverName = '';

  private constructor(
    private readonly socket: Socket,
    private readonly maxPayload: number,
  ) {}

  /** Connects and completes the handshake; resolves with the connection and the last sequence the server accepted for this session. */
  static open(
    opts: FramedConnectionOptions,
    listener: FramedConnectionListener,
  ): Promise<{ connection: FramedConnection; lastSeq: number }> {
    return new Promise((resolve, reject) => {
      // With a secret, the whole connection runs inside TLS 1.3 with the secret's PSK (tls-psk.ts).
      const secured = opts.secret !== undefined;
      const tcp = connect({ host: opts.host, port: opts.port, noDelay: true });
      let tcpConnected = false;
      tcp.once('connect', () => {
        tcpConnected = true;
      });
      const socket: Socket = secured
        ? tlsConnect({ socket: tcp, ...clientTlsOptions(opts.secret as string, opts.agentName) })
        : tcp;
      const reader = new FrameReader(opts.maxMessageBytes + MSG_OVERHEAD + 0xffff);
      const conn = new FramedConnection(socket, opts.maxMessageBytes);
      const clientNonce = newNonce();
      let serverNonce = Buffer.alloc(NONCE_BYTES);
      let phase: 'welcome' | 'ready' | 'open' = 'welcome';
      const where = `${opts.host}:${opts.port}`;
      const timer = setTimeout(
        () =>
          fail(
            new ConnectionError(`no handshake from ${where} within ${opts.connectTimeoutMs} ms`, 'NETWORK'),
          ),
        opts.connectTimeoutMs,
      );

      let failed = false;
      const fail = (err: ConnectionError) => {
        if (failed) return;
        failed = true;
        clearTimeout(timer);
        socket.destroy();
        if (phase === 'open') conn.onClosed(err, listener);
        else reject(err);
      };

      socket.on(secured ? 'secureConnect' : 'connect', () => {
        conn.writer.raw(FRAMED_MAGIC);
        conn.writer.hello(PROTOCOL_VERSION, opts.sessionId, clientNonce, opts.clientName);
        conn.flush();
      });
      let secure = !secured;
      socket.once('secureConnect', () => {
        secure = true;
      });
      socket.on('error', (err: NodeJS.ErrnoException) =>
        fail(
          secured && tcpConnected && !secure
            ? tlsHandshakeError(where, err.code ?? err.message)
            : new ConnectionError(`${where}: ${err.code ?? err.message}`, 'NETWORK'),
        ),
      );
      socket.on('close', () =>
        fail(
          secured && tcpConnected && !secure
            ? tlsHandshakeError(where, 'closed')
            : new ConnectionError(`${where} closed the connection`, 'NETWORK'),
        ),
      );
      socket.on('data', (chunk: Buffer) => {
        try {
          reader.push(chunk);
          for (let f = reader.next(); f !== undefined; f = reader.next()) {
            if (phase === 'open') {
              conn.onFrame(f.type, f.body, listener);
            } else if (f.type === FrameType.ERROR) {
              const r = new BodyReader(f.body);
              const code = r.u16('code');
              const text = r.str16('text');
              const refused = code === ErrorCode.AUTH || code === ErrorCode.VERSION;
              return fail(new ConnectionError(`${where} refused: ${text}`, refused ? 'REFUSED' : 'PROTOCOL'));
            } else if (phase === 'welcome' && f.type === FrameType.WELCOME) {
              const r = new BodyReader(f.body);
              r.u8('version');
              const flags = r.u8('flags');
              serverNonce = Buffer.from(r.bytes(NONCE_BYTES, 'server nonce'));
              conn.serverName = r.str8('agent name');
              const authRequired = (flags & WelcomeFlag.AUTH_REQUIRED) !== 0;
              if (authRequired && opts.secret === undefined) {
                return fail(
                  new ConnectionError(`${where} requires a secret and none is configured`, 'REFUSED'),
                );
              }
              if (!authRequired && opts.secret !== undefined) {
                return fail(
                  new ConnectionError(`${where} does not authenticate but a secret is configured`, 'REFUSED'),
                );
              }
              if (authRequired) {
                conn.writer.auth(
                  clientProof(opts.secret as string, serverNonce, clientNonce, opts.sessionId),
                );
                conn.flush();
              }
              phase = 'ready';
            } else if (phase === 'ready' && f.type === FrameType.READY) {
              const r = new BodyReader(f.body);
              const lastSeq = r.u32('last seq');
              const proof = r.bytes(r.u8('proof length'), 'proof');
              if (opts.secret !== undefined) {
                const expected = serverProof(opts.secret, clientNonce, serverNonce, opts.sessionId);
                if (!proofMatches(expected, proof)) {
                  return fail(new ConnectionError(`${where} failed to prove it knows the secret`, 'REFUSED'));
                }
              }
              clearTimeout(timer);
              phase = 'open';
              socket.removeAllListeners('close');
              socket.removeAllListeners('error');
              socket.on('error', () => {});
              socket.on('close', () =>
                conn.onClosed(new ConnectionError(`${where} closed the connection`, 'NETWORK'), listener),
              );
              socket.unref();
              resolve({ connection: conn, lastSeq });
            } else {
              throw new FrameError(`unexpected frame 0x${f.type.toString(16)} during handshake`);
            }
          }
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          fail(new ConnectionError(`${where}: ${message}`, 'PROTOCOL'));
        }
      });
    });
  }

  get isClosed(): boolean {
    return this.closedError !== undefined;
  }

  private onClosed(err: ConnectionError, listener: FramedConnectionListener): void {
    if (this.closedError) return;
    this.closedError = err;
    this.socket.destroy();
    listener.closed(err);
  }

  private onFrame(type: number, body: Buffer, listener: FramedConnectionListener): void {
    const r = new BodyReader(body);
    switch (type) {
      case FrameType.ACK:
        return listener.ack(r.u32('seq'));
      case FrameType.REPLY: {
        const seq = r.u32('seq');
        const status = r.u8('status');
        return listener.reply(seq, status, r.json('result'));
      }
      case FrameType.REJECT: {
        const seq = r.u32('seq');
        const reason = r.str16('reason');
        return listener.reject(seq, reason, r.remaining() > 0 ? r.u8('code') : RejectCode.REFUSED);
      }
      case FrameType.ERROR: {
        r.u16('code');
        const text = r.str16('text');
        return this.onClosed(
          new ConnectionError(`peer closed the connection: ${text}`, 'PROTOCOL'),
          listener,
        );
      }
      default:
        throw new FrameError(`unexpected frame type 0x${type.toString(16)}`);
    }
  }

  /** Queues a message; it leaves with the other frames of this tick. Throws EncodeError when it cannot be encoded. */
  send(
    seq: number,
    wantsReply: boolean,
    from: string,
    to: string,
    message: string,
    payloadJson: string | undefined,
  ): void {
    this.writer.msg(seq, wantsReply, Date.now(), from, to, message, payloadJson, this.maxPayload);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const out = this.writer.take();
    if (out !== undefined && !this.socket.destroyed) this.socket.write(out);
  }

  /** Keeps the process alive while messages await an answer; lets it exit when idle. */
  setBusy(busy: boolean): void {
    if (busy) this.socket.ref();
    else this.socket.unref();
  }

  close(): void {
    this.closedError ??= new ConnectionError('closed by this side', 'NETWORK');
    this.socket.end();
    this.socket.unref();
  }

  /**
   * Drops the connection at once (it is stuck: ending it politely could wait as long); the
   * listener hears it closed, as if the network had dropped it, and may connect again.
   */
  abort(): void {
    this.socket.destroy();
  }
}
