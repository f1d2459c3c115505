import { InvalidPayloadError, RejectedError, RemoteError } from '../sender/errors.js';
import { RejectCode, ReplyStatus } from '../transport/frames.js';
import {
  type InboundMessage,
  type Refusal,
  type ReplyOutcome,
  type Responder,
  refusalOf,
} from '../transport/inbound.js';

let seq = 0;

/** A message an agent hands itself, from itself, with the id `local:N` (N counts per thread). */
export function localInbound(agent: string, message: string, payload: unknown): InboundMessage {
  seq += 1;
  return {
    message,
    payload,
    from: agent,
    id: `local:${seq}`,
    time: Date.now(),
    protocol: 'local',
    remoteAddress: '',
  };
}

/**
 * The responder of a message an agent hands itself: the reply settles the caller's promise with
 * the same error types a remote caller would get, so callers handle both alike.
 */
export function localResponder(
  agent: string,
  message: string,
  resolve: (value: unknown) => void,
  reject: (err: Error) => void,
): Responder & { refused(refusal: Refusal): void } {
  const respond = (outcome: ReplyOutcome): void => {
    if (outcome.status === ReplyStatus.OK) {
      resolve(outcome.value);
      return;
    }
    const info = (outcome.value ?? {}) as { name?: string; message?: string; stack?: string };
    const code = outcome.status === ReplyStatus.UNKNOWN_MESSAGE ? 'UNKNOWN_MESSAGE' : 'REMOTE_ERROR';
    const remote: { name?: string; stack?: string } = {};
    if (info.name !== undefined) remote.name = info.name;
    if (info.stack !== undefined) remote.stack = info.stack;
    reject(new RemoteError(code, agent, message, info.message ?? 'the handler failed', remote));
  };
  return Object.assign(respond, {
    refused(refusal: Refusal): void {
      const { reason, code } = refusalOf(refusal);
      reject(
        code === RejectCode.INVALID_PAYLOAD
          ? new InvalidPayloadError(agent, message, reason)
          : new RejectedError(agent, message, reason),
      );
    },
  });
}
