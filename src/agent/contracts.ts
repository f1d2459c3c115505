import { quoted } from '../logging/log-guard.js';
import { RejectCode } from '../transport/frames.js';
import type { InboundMessage } from '../transport/inbound.js';
import { checkSchema, type MessageContract } from './contract.js';
import { WithPayload } from './message.js';

/** An agent's declared messages: each payload is checked against its contract on receipt. */
export class Contracts {
  readonly #byName = new Map<string, MessageContract>();

  register(contract: MessageContract): void {
    this.#byName.set(contract.name, contract);
  }

  /** Whether `name` is a declared query (answered at once, beside the mailbox). */
  isQuery(name: string): boolean {
    return this.#byName.get(name)?.query === true;
  }

  /**
   * The message with its payload parsed by its contract (undeclared messages pass as they are), or
   * the refusal: `invalid payload for "NAME": FIELD: PROBLEM`, code INVALID_PAYLOAD.
   */
  admit(msg: InboundMessage): InboundMessage | { reason: string; code: RejectCode } {
    const contract = this.#byName.get(msg.message);
    if (contract === undefined) return msg;
    const checked = checkSchema(contract.payload, msg.payload);
    if (checked.ok) return new WithPayload(msg, checked.value);
    return {
      reason: `invalid payload for ${quoted(msg.message)}: ${checked.reason}`,
      code: RejectCode.INVALID_PAYLOAD,
    };
  }
}
