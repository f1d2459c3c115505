/**
 * What Sender rejects with. Every error names the agent and the message, so one log line says
 * what failed where; `code` lets a caller branch without instanceof.
 */
export type SendErrorCode =
  | 'UNKNOWN_AGENT'
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'REFUSED'
  | 'REJECTED'
  | 'INVALID_PAYLOAD'
  | 'INVALID_MESSAGE'
  | 'REMOTE_ERROR'
  | 'UNKNOWN_MESSAGE';

export class SendError extends Error {
  override readonly name: string = 'SendError';
  constructor(
    readonly code: SendErrorCode,
    readonly agent: string,
    readonly messageName: string,
    detail: string,
  ) {
    super(`${agent} ← "${messageName}": ${detail}`);
  }
}

/** The agent could not be reached after bounded retries with backoff (or the connection broke after delivery of a request). */
export class UnreachableError extends SendError {
  override readonly name = 'UnreachableError';
  constructor(agent: string, messageName: string, detail: string) {
    super('UNREACHABLE', agent, messageName, detail);
  }
}

/** No acceptance (sendTo) or no reply (request) within the timeout. The message may still be delivered later. */
export class SendTimeoutError extends SendError {
  override readonly name = 'SendTimeoutError';
  constructor(agent: string, messageName: string, timeoutMs: number, what: string) {
    super('TIMEOUT', agent, messageName, `no ${what} within ${timeoutMs} ms`);
  }
}

/** Authentication failed or the protocol version is not spoken: retrying will not help. */
export class RefusedError extends SendError {
  override readonly name = 'RefusedError';
  constructor(agent: string, messageName: string, detail: string) {
    super('REFUSED', agent, messageName, detail);
  }
}

/** The agent received the message and refused it (shutting down, or it is not the agent the config names). */
export class RejectedError extends SendError {
  override readonly name = 'RejectedError';
  constructor(agent: string, messageName: string, detail: string) {
    super('REJECTED', agent, messageName, detail);
  }
}

/**
 * The payload (or a reply) does not match the message's declared schema: refused before any
 * handler saw it. The text names the message and the field, e.g. `block.target.raDeg: expected
 * number, received string`.
 */
export class InvalidPayloadError extends SendError {
  override readonly name = 'InvalidPayloadError';
  constructor(
    agent: string,
    messageName: string,
    detail: string,
    /** Which was wrong: what was sent (refused by the agent, or before sending), or the agent's reply. */
    readonly side: 'payload' | 'reply' = 'payload',
  ) {
    super('INVALID_PAYLOAD', agent, messageName, detail);
  }
}

/** The message cannot be sent as given: payload not JSON, too large, or not carried by the peer's protocol. */
export class InvalidMessageError extends SendError {
  override readonly name = 'InvalidMessageError';
  constructor(agent: string, messageName: string, detail: string) {
    super('INVALID_MESSAGE', agent, messageName, detail);
  }
}

/** The request's handler threw, or the agent has no handler for the message. */
export class RemoteError extends SendError {
  override readonly name = 'RemoteError';
  constructor(
    code: 'REMOTE_ERROR' | 'UNKNOWN_MESSAGE',
    agent: string,
    messageName: string,
    detail: string,
    /** The error's name and stack as the agent reported them. */
    readonly remote: { name?: string; stack?: string } = {},
  ) {
    super(code, agent, messageName, detail);
  }
}
