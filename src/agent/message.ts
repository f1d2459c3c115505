import type { WireProtocol } from '../transport/inbound.js';

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
    super(`agent "${agent}" has no handler for message "${messageName}"`);
  }
}
