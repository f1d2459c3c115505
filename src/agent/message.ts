import { quoted } from '../logging/log-guard.js';
import type { InboundMessage, Responder, WireProtocol } from '../transport/inbound.js';
import type { MailboxJob } from './mailbox.js';

/** What a handler learns about the message besides its payload. */
export interface MessageMeta {
  /** The message name. */
  readonly message: string;
  /** The sending agent's name (or the peer's address, for the text protocol). */
  readonly sender: string;
  /** Unique id of this message. */
  readonly id: string;
  /** When it was sent. */
  readonly time: Date;
  readonly protocol: WireProtocol;
}

/** A message as the agent's dispatch step sees it. */
export interface ReceivedMessage {
  readonly message: string;
  readonly payload: unknown;
  readonly meta: MessageMeta;
}

// Declared as a method so that handlers taking a narrower payload type can be registered (method parameters are bivariant).
interface HandlerSignature {
  handle(payload: unknown, meta: MessageMeta): unknown;
}

/**
 * A message handler, as stored in `actionsByMessage`. Called with `this` bound to the agent; may be
 * async; what it returns (or resolves to) is the reply to a request.
 */
export type MessageHandler = HandlerSignature['handle'];

/** Raised by the default dispatch when no handler is registered for a message. */
export class UnknownMessageError extends Error {
  override readonly name = 'UnknownMessageError';
  constructor(
    readonly agent: string,
    readonly messageName: string,
  ) {
    super(`agent "${agent}" has no handler for message ${quoted(messageName, 200)}`);
  }
}

/** A received message and its metadata in one object, the Date built only when read. */
export class Received implements ReceivedMessage, MessageMeta {
  private date: Date | undefined;
  constructor(private readonly inbound: InboundMessage) {}

  get message(): string {
    return this.inbound.message;
  }
  get payload(): unknown {
    return this.inbound.payload;
  }
  get meta(): MessageMeta {
    return this;
  }
  get sender(): string {
    return this.inbound.from;
  }
  get id(): string {
    return this.inbound.id;
  }
  get time(): Date {
    this.date ??= new Date(this.inbound.time);
    return this.date;
  }
  get protocol(): WireProtocol {
    return this.inbound.protocol;
  }
}

/** A message whose payload was replaced by its schema's parsed value (defaults in, unknown keys out). */
export class WithPayload implements InboundMessage {
  constructor(
    private readonly inner: InboundMessage,
    readonly payload: unknown,
  ) {}
  get message(): string {
    return this.inner.message;
  }
  get from(): string {
    return this.inner.from;
  }
  get id(): string {
    return this.inner.id;
  }
  get time(): number {
    return this.inner.time;
  }
  get protocol(): WireProtocol {
    return this.inner.protocol;
  }
  get remoteAddress(): string {
    return this.inner.remoteAddress;
  }
}

/** What an agent's mailbox holds for a message: one object, no closure. */
export class MessageJob implements MailboxJob {
  constructor(
    private readonly handle: (msg: InboundMessage, respond: Responder | undefined) => unknown,
    private readonly msg: InboundMessage,
    private readonly respond: Responder | undefined,
  ) {}

  run(): unknown {
    return this.handle(this.msg, this.respond);
  }
}
