import { quoted } from '../logging/log-guard.js';
import type { Logger } from '../logging/logger.js';
import { ReplyStatus } from '../transport/frames.js';
import type { InboundMessage, Responder } from '../transport/inbound.js';
import type { AgentCounters } from './agent-status.js';
import { UnknownMessageError } from './message.js';

/**
 * Calls a message's handler (through `analyze`) and answers: the value, or the failure. A sync
 * handler is answered in the same tick; an async one when it settles (the mailbox waits for it).
 */
export function runHandler(
  analyze: () => unknown,
  counters: AgentCounters,
  log: Logger,
  msg: InboundMessage,
  respond: Responder | undefined,
): unknown {
  let result: unknown;
  try {
    result = analyze();
  } catch (err) {
    return reportFailure(counters, log, msg, err, respond);
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => handled(counters, value, respond),
      (err) => reportFailure(counters, log, msg, err, respond),
    );
  }
  handled(counters, result, respond);
  return undefined;
}

function handled(counters: AgentCounters, value: unknown, respond: Responder | undefined): void {
  counters.handled++;
  respond?.({ status: ReplyStatus.OK, value });
}

/**
 * A handler that threw (or a message with no handler): counted, logged in one line naming the
 * message and its sender, and answered to a requester with the error's name and text.
 */
export function reportFailure(
  counters: AgentCounters,
  log: Logger,
  msg: InboundMessage,
  err: unknown,
  respond: Responder | undefined,
): void {
  const e = err instanceof Error ? err : new Error(String(err));
  if (e instanceof UnknownMessageError) {
    counters.unknown++;
    log.warn(`unknown message ${quoted(msg.message)} from ${quoted(msg.from)}`);
    respond?.({ status: ReplyStatus.UNKNOWN_MESSAGE, value: { name: e.name, message: e.message } });
    return;
  }
  counters.failed++;
  // An error that says the sender's input was bad (it has `badInput: true`) is one warning line:
  // a peer sending garbage must not fill the log with stacks.
  if ((e as { badInput?: unknown }).badInput === true) {
    log.warn(
      `refused ${quoted(msg.message)} from ${quoted(msg.from)}: ${e.message.split('\n')[0]?.slice(0, 300)}`,
    );
  } else {
    log.error({ err: e }, `handler for ${quoted(msg.message)} from ${quoted(msg.from)} failed: ${e.message}`);
  }
  respond?.({
    status: ReplyStatus.HANDLER_ERROR,
    value: { name: e.name, message: e.message, stack: e.stack },
  });
}
