import type { AgentEndpoint } from '../config/agent-endpoint.js';
import {
  type ConnectionError,
  FramedConnection,
  type FramedConnectionListener,
  newSessionId,
} from '../transport/framed-connection.js';
import { RejectCode, ReplyStatus } from '../transport/frames.js';
import {
  InvalidPayloadError,
  RefusedError,
  RejectedError,
  RemoteError,
  SendTimeoutError,
  UnreachableError,
} from './errors.js';
import { type RetryPolicy, retryDelayMs, retryWording, WATCHDOG_MS } from './link-policy.js';

export { type RetryPolicy, STALL_MS } from './link-policy.js';

interface Outgoing {
  readonly seq: number;
  readonly from: string;
  readonly message: string;
  readonly payloadJson: string | undefined;
  readonly wantsReply: boolean;
  readonly timeoutMs: number;
  readonly deadline: number;
  settled: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
}

/**
 * Sender's persistent framed connection to one agent. Messages are numbered within a session that
 * survives reconnects: after a broken connection the link reconnects with backoff and resends only
 * what the agent says it has not accepted, so a retry never delivers a message twice.
 */
export class PeerLink {
  private conn: FramedConnection | undefined;
  private connecting = false;
  private seq = 0;
  private readonly sessionId = newSessionId();
  /** Sent and not yet acknowledged, in seq order; `head` skips what is done without shifting the array. */
  private unacked: Outgoing[] = [];
  private head = 0;
  private readonly awaitingReply = new Map<number, Outgoing>();
  private watchdog: NodeJS.Timeout | undefined;
  /** The earliest deadline of a pending message (infinite: none); the watchdog does nothing before it. */
  private nextDeadline = Number.POSITIVE_INFINITY;
  /** When the agent last said anything, or when a message went out with nothing outstanding. */
  private progressAt = 0;
  private readonly listener: FramedConnectionListener = {
    ack: (seq) => this.heard(() => this.onAck(seq)),
    reply: (seq, status, json) => this.heard(() => this.onReply(seq, status, json)),
    reject: (seq, reason, code) => this.heard(() => this.onReject(seq, reason, code)),
    closed: (err) => this.onClosed(err),
  };

  private heard(then: () => void): void {
    this.progressAt = Date.now();
    then();
  }

  constructor(
    readonly endpoint: AgentEndpoint,
    private readonly clientName: string,
    private readonly retryPolicy: () => RetryPolicy,
  ) {}

  private get policy(): RetryPolicy {
    return this.retryPolicy();
  }

  /** Resolves when accepted (no reply wanted) or with the reply's value. */
  send(
    from: string,
    message: string,
    payloadJson: string | undefined,
    wantsReply: boolean,
    timeoutMs: number,
  ) {
    return new Promise<unknown>((resolve, reject) => {
      const o: Outgoing = {
        seq: ++this.seq,
        from,
        message,
        payloadJson,
        wantsReply,
        timeoutMs,
        deadline: Date.now() + timeoutMs,
        settled: false,
        resolve,
        reject,
      };
      this.unacked.push(o);
      if (o.deadline < this.nextDeadline) this.nextDeadline = o.deadline;
      if (wantsReply) this.awaitingReply.set(o.seq, o);
      this.busy();
      if (this.conn) this.transmit(this.conn, o);
      else void this.connect();
    });
  }

  private transmit(conn: FramedConnection, o: Outgoing): void {
    if (this.unacked.length - this.head <= 1) this.progressAt = Date.now();
    conn.send(o.seq, o.wantsReply, o.from, this.endpoint.name, o.message, o.payloadJson);
  }

  private get pending(): number {
    return this.unacked.length - this.head + this.awaitingReply.size;
  }

  private busy(): void {
    this.conn?.setBusy(true);
    // Never holds the process open by itself (the socket does, while busy), so it can stay armed between bursts.
    if (this.watchdog === undefined) this.watchdog = setInterval(() => this.expire(), WATCHDOG_MS).unref();
  }

  private idleIfDone(): void {
    if (this.pending > 0) return;
    this.conn?.setBusy(false);
    this.unacked = [];
    this.head = 0;
    this.nextDeadline = Number.POSITIVE_INFINITY;
  }

  private settle(o: Outgoing, value: unknown, err?: Error): void {
    if (o.settled) return;
    o.settled = true;
    if (err) o.reject(err);
    else o.resolve(value);
  }

  private onAck(seq: number): void {
    const q = this.unacked;
    while (this.head < q.length && (q[this.head] as Outgoing).seq <= seq) {
      const o = q[this.head++] as Outgoing;
      if (!o.wantsReply) this.settle(o, undefined);
    }
    if (this.head > 1024 && this.head * 2 > q.length) {
      this.unacked = q.slice(this.head);
      this.head = 0;
    }
    this.idleIfDone();
  }

  private onReply(seq: number, status: number, json: string | undefined): void {
    const o = this.awaitingReply.get(seq);
    if (o === undefined) return;
    this.awaitingReply.delete(seq);
    const value: unknown = json === undefined ? undefined : JSON.parse(json);
    if (status === ReplyStatus.OK) {
      this.settle(o, value);
    } else {
      const info = (value ?? {}) as { name?: string; message?: string; stack?: string };
      const code = status === ReplyStatus.UNKNOWN_MESSAGE ? 'UNKNOWN_MESSAGE' : 'REMOTE_ERROR';
      const detail = info.message ?? 'the handler failed';
      const remote: { name?: string; stack?: string } = {};
      if (info.name !== undefined) remote.name = info.name;
      if (info.stack !== undefined) remote.stack = info.stack;
      this.settle(o, undefined, new RemoteError(code, this.endpoint.name, o.message, detail, remote));
    }
    this.idleIfDone();
  }

  private onReject(seq: number, reason: string, code: number): void {
    for (let i = this.head; i < this.unacked.length; i++) {
      const o = this.unacked[i] as Outgoing;
      if (o.seq === seq) {
        this.awaitingReply.delete(seq);
        const err =
          code === RejectCode.INVALID_PAYLOAD
            ? new InvalidPayloadError(this.endpoint.name, o.message, reason)
            : new RejectedError(this.endpoint.name, o.message, reason);
        this.settle(o, undefined, err);
        break;
      }
    }
  }

  private onClosed(_err: ConnectionError): void {
    this.conn = undefined;
    if (this.pending > 0) void this.connect();
  }

  private async connect(): Promise<void> {
    if (this.connecting) return;
    this.connecting = true;
    const { host, port } = { host: this.endpoint.ip, port: this.endpoint.receivePort };
    let lastError = '';
    for (let attempt = 0; attempt <= this.policy.retries; attempt++) {
      if (attempt > 0) {
        await new Promise((r) => setTimeout(r, retryDelayMs(this.policy, attempt)));
      }
      if (this.pending === 0) break;
      try {
        const { connection, lastSeq } = await FramedConnection.open(
          {
            host,
            port,
            clientName: this.clientName,
            agentName: this.endpoint.name,
            secret: this.endpoint.secret,
            sessionId: this.sessionId,
            connectTimeoutMs: this.policy.connectTimeoutMs,
            maxMessageBytes: this.endpoint.maxMessageBytes,
          },
          this.listener,
        );
        this.connecting = false;
        this.opened(connection, lastSeq);
        return;
      } catch (err) {
        const e = err as ConnectionError;
        lastError = e.message;
        if (e.code === 'REFUSED') {
          this.connecting = false;
          return this.failAll((o) => new RefusedError(this.endpoint.name, o.message, e.message));
        }
      }
    }
    this.connecting = false;
    const tries = retryWording(this.policy);
    this.failAll((o) => new UnreachableError(this.endpoint.name, o.message, `${lastError} (${tries})`));
  }

  private opened(conn: FramedConnection, lastSeq: number): void {
    this.conn = conn;
    this.progressAt = Date.now();
    // Requests the agent accepted on the broken connection but whose reply never came: resending would run them twice.
    for (const [seq, o] of this.awaitingReply) {
      if (seq > lastSeq) break;
      this.awaitingReply.delete(seq);
      this.settle(
        o,
        undefined,
        new UnreachableError(
          this.endpoint.name,
          o.message,
          'connection lost before the reply (delivered, not resent)',
        ),
      );
    }
    this.onAck(lastSeq);
    for (let i = this.head; i < this.unacked.length; i++) {
      const o = this.unacked[i] as Outgoing;
      if (!o.settled) this.transmit(conn, o);
    }
    if (this.pending > 0) conn.setBusy(true);
  }

  private failAll(make: (o: Outgoing) => Error): void {
    for (let i = this.head; i < this.unacked.length; i++) {
      const o = this.unacked[i] as Outgoing;
      this.settle(o, undefined, make(o));
    }
    for (const o of this.awaitingReply.values()) this.settle(o, undefined, make(o));
    this.unacked = [];
    this.head = 0;
    this.awaitingReply.clear();
    this.idleIfDone();
  }

  /**
   * Rejects what is past its deadline. Deadlines are not in send order (each call has its own
   * timeout), so all pending messages are looked at, but only once the earliest deadline has passed.
   */
  private expire(): void {
    const now = Date.now();
    if (
      this.conn !== undefined &&
      this.unacked.length > this.head &&
      now - this.progressAt > this.policy.stallMs
    ) {
      // onClosed follows, and reconnects for what is pending.
      this.progressAt = now;
      this.conn.abort();
    }
    if (now < this.nextDeadline) return;
    let next = Number.POSITIVE_INFINITY;
    for (let i = this.head; i < this.unacked.length; i++) {
      const o = this.unacked[i] as Outgoing;
      if (o.settled) continue;
      if (o.deadline > now) {
        next = Math.min(next, o.deadline);
        continue;
      }
      this.awaitingReply.delete(o.seq);
      this.settle(
        o,
        undefined,
        new SendTimeoutError(this.endpoint.name, o.message, o.timeoutMs, 'acceptance'),
      );
    }
    for (const o of this.awaitingReply.values()) {
      if (o.deadline > now) {
        next = Math.min(next, o.deadline);
        continue;
      }
      this.awaitingReply.delete(o.seq);
      this.settle(o, undefined, new SendTimeoutError(this.endpoint.name, o.message, o.timeoutMs, 'reply'));
    }
    this.nextDeadline = next;
    this.idleIfDone();
  }

  /** Closes the connection; whatever is still pending is rejected as unreachable. */
  close(): void {
    this.failAll((o) => new UnreachableError(this.endpoint.name, o.message, 'Sender closed'));
    if (this.watchdog !== undefined) clearInterval(this.watchdog);
    this.watchdog = undefined;
    this.conn?.close();
    this.conn = undefined;
  }
}
