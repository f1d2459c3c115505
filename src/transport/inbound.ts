import type { RejectCode, ReplyStatus } from './frames.js';

/** Which wire protocol carried a message; `local`: the agent's own (a VTP event, a timer's message), through its mailbox. */
export type WireProtocol = 'framed' | 'text' | 'local';

/** A message as the transport hands it to an agent. */
export interface InboundMessage {
  /** The message name, e.g. "Observation finished". */
  readonly message: string;
  /** The JSON payload, or undefined when none was sent (always undefined over the text protocol). */
  readonly payload: unknown;
  /** The sending agent's name, or the peer's address for the text protocol. */
  readonly from: string;
  /** Unique per message: `<session>:<seq>` for framed, `text:<n>` for text. */
  readonly id: string;
  /** When the sender sent it, in ms since the epoch (arrival time for the text protocol). */
  readonly time: number;
  readonly protocol: WireProtocol;
  readonly remoteAddress: string;
}

/** The answer to a request: a status and a JSON-able value (the handler's result, or an error description). */
export interface ReplyOutcome {
  readonly status: ReplyStatus;
  readonly value: unknown;
}

export type Responder = (outcome: ReplyOutcome) => void;

/** Why a message was refused: a reason, with a code when it is not a plain refusal. */
export type Refusal = string | { readonly reason: string; readonly code: RejectCode };

/** The reason and code of a refusal. */
export function refusalOf(refusal: Refusal): { reason: string; code: RejectCode | undefined } {
  return typeof refusal === 'string'
    ? { reason: refusal, code: undefined }
    : { reason: refusal.reason, code: refusal.code };
}

/** Where a server delivers what it accepts: the agent's mailbox. */
export interface MessageSink {
  /**
   * Takes a message. Returns undefined when accepted, or why it was refused (the agent is shutting
   * down, the payload does not match the message's schema). `respond` is given when the sender
   * waits for a reply, and must be called once, unless the message is refused.
   */
  deliver(message: InboundMessage, respond: Responder | undefined): Refusal | undefined;
}

/** A framed message; its id is built only if someone asks for it. */
export class FramedInbound implements InboundMessage {
  constructor(
    readonly message: string,
    readonly payload: unknown,
    readonly from: string,
    private readonly session: string,
    private readonly seq: number,
    readonly time: number,
    readonly remoteAddress: string,
  ) {}

  get id(): string {
    return `${this.session}:${this.seq}`;
  }

  get protocol(): WireProtocol {
    return 'framed';
  }
}
