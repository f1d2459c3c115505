import type { Socket } from 'node:net';
import { clientProof, newNonce, proofMatches, serverProof } from './auth.js';
import { BodyReader, FrameError, FrameReader, StringMemo } from './frame-reader.js';
import { FrameWriter } from './frame-writer.js';
import {
  ErrorCode,
  FRAMED_MAGIC,
  FrameType,
  MSG_OVERHEAD,
  MsgFlag,
  NONCE_BYTES,
  PROTOCOL_VERSION,
  ReplyStatus,
  SESSION_ID_BYTES,
  WelcomeFlag,
} from './frames.js';
import { FramedInbound, type MessageSink, type ReplyOutcome, type Responder, refusalOf } from './inbound.js';
import type { SessionLog } from './session-log.js';

/** What a framed session needs from the server that accepted it. */
export interface FramedSessionContext {
  readonly agentName: string;
  readonly secret: string | undefined;
  readonly maxMessageBytes: number;
  readonly sink: MessageSink;
  readonly sessions: SessionLog;
  /** Closes the connection and logs one line saying why. */
  readonly reject: (socket: Socket, why: string) => void;
}

type State = 'preamble' | 'hello' | 'auth' | 'open' | 'closed';

/**
 * The largest frame before the handshake is done: a HELLO (version, session id, nonce, a name of
 * up to 255 bytes) or an AUTH is a few hundred bytes. So an unauthenticated peer cannot make the
 * agent hold a megabyte for it.
 */
const HANDSHAKE_FRAME_BYTES = 1024;

/** The server side of one framed connection: handshake, authentication, then messages in, acks and replies out. */
export class FramedSession {
  private state: State = 'preamble';
  private readonly reader: FrameReader;
  private readonly writer = new FrameWriter();
  private preamble: Buffer = Buffer.alloc(0);
  private session = '';
  private sessionId: Buffer = Buffer.alloc(0);
  private clientNonce: Buffer = Buffer.alloc(0);
  private serverNonce: Buffer = Buffer.alloc(0);
  private lastSeq = 0;
  private flushScheduled = false;
  private readonly fromMemo = new StringMemo();
  private readonly toMemo = new StringMemo();
  private readonly messageMemo = new StringMemo();
  private readonly remoteAddress: string;
  private inReceive = false;
  /** Since when the reader has held part of a frame (0: it holds none); the server's sweep reads it. */
  partialSince = 0;

  constructor(
    readonly socket: Socket,
    private readonly ctx: FramedSessionContext,
  ) {
    this.reader = new FrameReader(HANDSHAKE_FRAME_BYTES);
    this.remoteAddress = socket.remoteAddress ?? '';
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Handles received bytes; on any protocol fault, closes the connection with a reason. */
  receive(chunk: Buffer): void {
    if (this.state === 'closed') return;
    const acked = this.lastSeq;
    // Another connection of this session (the client reconnected while this one's last bytes were
    // still unread) may have accepted more since: resends of those are dropped here too, and acked.
    if (this.state === 'open') this.lastSeq = Math.max(this.lastSeq, this.ctx.sessions.get(this.session));
    this.inReceive = true;
    try {
      if (this.state === 'preamble') {
        const rest = this.readPreamble(chunk);
        if (rest === undefined) return;
        chunk = rest;
      }
      this.reader.push(chunk);
      for (let frame = this.reader.next(); frame !== undefined; frame = this.reader.next()) {
        this.onFrame(frame.type, frame.body);
        if (this.isClosed()) return;
      }
      // One cumulative ack and one write for the whole chunk, replies of synchronous handlers included.
      if (this.lastSeq !== acked) this.writer.ack(this.lastSeq);
      this.partialSince = this.reader.buffered === 0 ? 0 : this.partialSince || Date.now();
      this.flush();
    } catch (err) {
      if (err instanceof FrameError) {
        this.fail(err.tooLarge ? ErrorCode.TOO_LARGE : ErrorCode.PROTOCOL, err.message);
      } else {
        throw err;
      }
    } finally {
      this.inReceive = false;
      // Even when the chunk ended in an error, what was delivered from it must never be delivered again.
      if (this.lastSeq !== acked) this.ctx.sessions.set(this.session, this.lastSeq);
    }
  }

  private readPreamble(chunk: Buffer): Buffer | undefined {
    const have = Buffer.concat([this.preamble, chunk]);
    if (have.length < FRAMED_MAGIC.length) {
      if (!have.equals(FRAMED_MAGIC.subarray(0, have.length))) throw new FrameError('bad preamble');
      this.preamble = have;
      return undefined;
    }
    if (!have.subarray(0, FRAMED_MAGIC.length).equals(FRAMED_MAGIC)) throw new FrameError('bad preamble');
    this.state = 'hello';
    return have.subarray(FRAMED_MAGIC.length);
  }

  private onFrame(type: number, body: Buffer): void {
    if (this.state === 'open' && type === FrameType.MSG) return this.onMessage(body);
    if (this.state === 'hello' && type === FrameType.HELLO) return this.onHello(body);
    if (this.state === 'auth' && type === FrameType.AUTH) return this.onAuth(body);
    throw new FrameError(`unexpected frame type 0x${type.toString(16)} in state ${this.state}`);
  }

  private onHello(body: Buffer): void {
    const r = new BodyReader(body);
    const version = r.u8('version');
    this.sessionId = Buffer.from(r.bytes(SESSION_ID_BYTES, 'session id'));
    this.clientNonce = Buffer.from(r.bytes(NONCE_BYTES, 'client nonce'));
    r.str8('client name');
    r.end('HELLO');
    if (version !== PROTOCOL_VERSION) {
      return this.fail(
        ErrorCode.VERSION,
        `protocol version ${version} not supported (this agent speaks ${PROTOCOL_VERSION})`,
      );
    }
    this.session = this.sessionId.toString('hex');
    const auth = this.ctx.secret !== undefined;
    this.serverNonce = auth ? newNonce() : Buffer.alloc(NONCE_BYTES);
    this.writer.welcome(
      PROTOCOL_VERSION,
      auth ? WelcomeFlag.AUTH_REQUIRED : 0,
      this.serverNonce,
      this.ctx.agentName,
    );
    if (auth) {
      this.state = 'auth';
    } else {
      this.open(Buffer.alloc(0));
    }
  }

  private onAuth(body: Buffer): void {
    const secret = this.ctx.secret as string;
    const expected = clientProof(secret, this.serverNonce, this.clientNonce, this.sessionId);
    if (!proofMatches(expected, body))
      return this.fail(ErrorCode.AUTH, 'authentication failed: wrong secret');
    this.open(serverProof(secret, this.clientNonce, this.serverNonce, this.sessionId));
  }

  private open(proof: Buffer): void {
    this.lastSeq = this.ctx.sessions.get(this.session);
    this.writer.ready(this.lastSeq, proof);
    this.state = 'open';
    // A frame carries the message, its names and its payload: the payload limit plus room for the rest.
    this.reader.setMaxFrameBytes(this.ctx.maxMessageBytes + MSG_OVERHEAD + 3 * 255 + 0xffff);
  }

  private onMessage(body: Buffer): void {
    const r = new BodyReader(body);
    const seq = r.u32('seq');
    const flags = r.u8('flags');
    const time = r.f64('time');
    const from = r.str8('sender name', this.fromMemo);
    const to = r.str8('agent name', this.toMemo);
    const message = r.str16('message', this.messageMemo);
    const payloadText = r.json('payload');
    r.end('MSG');
    // Sequence numbers start at 1: a 0 would be neither new nor a resend, and get no answer at all.
    if (seq === 0) return this.writer.reject(0, 'MSG sequence numbers start at 1');
    if (seq <= this.lastSeq) return; // a resend of what was accepted before a reconnect: the cumulative ack covers it
    this.lastSeq = seq;
    // The payload itself within the limit (the frame's limit leaves room for the names besides).
    const max = this.ctx.maxMessageBytes;
    // A UTF-8 byte is at most 3 per UTF-16 unit: measure exactly only when that bound passes the limit.
    if (payloadText !== undefined && payloadText.length * 3 > max && Buffer.byteLength(payloadText) > max) {
      return this.writer.reject(
        seq,
        `payload of ${Buffer.byteLength(payloadText)} bytes, over the ${max}-byte limit`,
      );
    }
    if (to !== this.ctx.agentName) {
      return this.writer.reject(
        seq,
        `this is agent "${this.ctx.agentName}", not "${to}": check the config file`,
      );
    }
    let payload: unknown;
    if (payloadText !== undefined) {
      try {
        payload = JSON.parse(payloadText);
      } catch {
        return this.writer.reject(seq, 'payload is not valid JSON');
      }
    }
    const respond = flags & MsgFlag.WANTS_REPLY ? this.responder(seq) : undefined;
    const refused = this.ctx.sink.deliver(
      new FramedInbound(message, payload, from, this.session, seq, time, this.remoteAddress),
      respond,
    );
    if (refused !== undefined) {
      const { reason, code } = refusalOf(refused);
      this.writer.reject(seq, reason, code);
    }
  }

  private responder(seq: number): Responder {
    let done = false;
    return (outcome: ReplyOutcome) => {
      if (done || this.state === 'closed') return;
      done = true;
      this.writeReply(seq, outcome);
      if (!this.inReceive) this.scheduleFlush();
    };
  }

  private writeReply(seq: number, outcome: ReplyOutcome): void {
    let json: string | undefined;
    try {
      json = outcome.value === undefined ? undefined : JSON.stringify(outcome.value);
      this.writer.reply(seq, outcome.status, json, this.ctx.maxMessageBytes);
    } catch (err) {
      const why = `reply is not sendable: ${(err as Error).message}`;
      this.writer.reply(
        seq,
        ReplyStatus.HANDLER_ERROR,
        JSON.stringify({ name: 'ReplyError', message: why }),
        4096,
      );
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const out = this.writer.take();
    if (out !== undefined && !this.socket.destroyed) this.socket.write(out);
  }

  /** Sends an ERROR frame, closes, and has the server log why. */
  fail(code: ErrorCode, why: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.writer.error(code, why);
    const out = this.writer.take();
    if (out !== undefined && !this.socket.destroyed) this.socket.end(out);
    this.ctx.reject(this.socket, why);
  }

  /** Graceful end: whatever replies are written go out, then FIN. */
  end(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const out = this.writer.take();
    if (this.socket.destroyed) return;
    if (out === undefined) this.socket.end();
    else this.socket.end(out);
  }

  private isClosed(): boolean {
    return this.state === 'closed';
  }

  markClosed(): void {
    this.state = 'closed';
  }
}
