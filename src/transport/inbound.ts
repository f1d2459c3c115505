import type { ReplyStatus } from './frames.js';

/** Which wire protocol carried a message. */
export type WireProtocol = 'framed' | 'text';

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

/** Where a server delivers what it accepts: the agent's mailbox. */
export interface MessageSink {
  /**
   * Takes a message. Returns undefined when accepted, or the reason it was refused (the agent is
   * shutting down). `respond` is given when the sender waits for a reply, and must be called once.
   */
  deliver(message: InboundMessage, respond: Responder | undefined): string | undefined;
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
