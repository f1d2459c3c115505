import type { Logger } from '../../logging/logger.js';
import { RemoteError, type SendError } from '../../sender/errors.js';
import { Sender } from '../../sender/sender.js';
import type { Outbox, OutboxEntry } from '../store/outbox.js';

/** How the courier retries. Times are real ms: a delivery waits for the network, not for the sky. */
export interface CourierPolicy {
  readonly firstRetryMs: number;
  readonly maxRetryMs: number;
  /** How long one delivery may take (the recipient's handler included). */
  readonly timeoutMs: number;
  /** A handler that throws this many times in a row is given up on (the message goes to the dead letters). */
  readonly maxHandlerFailures: number;
}

const DEFAULT_POLICY: CourierPolicy = {
  firstRetryMs: 200,
  maxRetryMs: 15_000,
  timeoutMs: 15_000,
  maxHandlerFailures: 5,
};

/**
 * Delivers an agent's outbox: for each recipient, in order, one message at a time, each with
 * `Sender.request` (so it counts as delivered once the recipient's handler has run, not merely
 * once it was queued), deleted only then. A recipient that is down or restarting is retried with
 * backoff, without holding up the others; what it refuses for good (an invalid payload, an
 * unknown agent, a handler that keeps failing) goes to the dead letters with one log line.
 * Recipients are idempotent, so a reply lost in a broken connection, and the resend, do no harm.
 *
 * It runs beside the agent's mailbox, never in it: waiting in a handler for another agent's
 * handler could deadlock two agents that ask each other.
 */
export class Courier {
  readonly #running = new Map<string, Promise<void>>();
  readonly #wakers = new Set<() => void>();
  readonly #policy: CourierPolicy;
  /**
   * How many times each message's handler has thrown. Not the outbox's `attempts`, which also
   * counts the attempts that found the recipient down: a recipient back after a long absence must
   * not have its message given up at the first error of its handler.
   */
  readonly #handlerFailures = new Map<number, number>();
  #state: 'new' | 'running' | 'stopped' = 'new';

  constructor(
    private readonly outbox: Outbox,
    private readonly log: Logger,
    private readonly now: () => number,
    policy: Partial<CourierPolicy> = {},
  ) {
    this.#policy = { ...DEFAULT_POLICY, ...policy };
  }

  /** Starts delivering, what the outbox held at start first. */
  start(): void {
    if (this.#state !== 'new') return;
    this.#state = 'running';
    this.kick();
  }

  /**
   * Stops delivering; the outbox is not touched afterwards (the agent may close its store at once).
   * A delivery in flight may still arrive: its message stays in the outbox, and the resend after
   * the next start is recognised by the recipient.
   */
  stop(): void {
    this.#state = 'stopped';
    this.#wake();
  }

  /** Something was posted: deliver it (a recipient waiting out a backoff tries again now). */
  kick(): void {
    if (this.#state !== 'running') return;
    this.#wake();
    for (const recipient of this.outbox.recipients()) {
      if (this.#running.has(recipient)) continue;
      const loop = this.#deliverAll(recipient).finally(() => this.#running.delete(recipient));
      this.#running.set(recipient, loop);
    }
  }

  /** Resolves once every delivery loop has ended (after stop(), or with nothing left to deliver). */
  async idle(): Promise<void> {
    await Promise.all(this.#running.values());
  }

  async #deliverAll(recipient: string): Promise<void> {
    let delayMs = this.#policy.firstRetryMs;
    for (;;) {
      if (this.#state !== 'running') return;
      const entry = this.outbox.next(recipient);
      if (entry === undefined) return;
      const outcome = await this.#deliver(entry);
      if (outcome === 'delivered') {
        delayMs = this.#policy.firstRetryMs;
        continue;
      }
      if (outcome === 'dead') continue;
      await this.#pause(delayMs);
      delayMs = Math.min(this.#policy.maxRetryMs, delayMs * 2);
    }
  }

  async #deliver(entry: OutboxEntry): Promise<'delivered' | 'retry' | 'dead'> {
    try {
      await Sender.request(entry.recipient, entry.message, entry.payload, {
        timeout: this.#policy.timeoutMs,
      });
      if (this.#state !== 'running') return 'retry';
      this.outbox.delivered(entry.id);
      this.#handlerFailures.delete(entry.id);
      if (entry.attempts > 0) {
        this.log.info(
          `"${entry.message}" delivered to ${entry.recipient} after ${entry.attempts + 1} attempts`,
        );
      }
      return 'delivered';
    } catch (err) {
      if (this.#state !== 'running') return 'retry';
      const e = err as SendError & { code?: string };
      const text = e.message.split('\n')[0] ?? String(err);
      const handlerFailed = e instanceof RemoteError && e.code === 'REMOTE_ERROR';
      const handlerFailures = (this.#handlerFailures.get(entry.id) ?? 0) + (handlerFailed ? 1 : 0);
      if (handlerFailed) this.#handlerFailures.set(entry.id, handlerFailures);
      const forGood =
        e.code === 'INVALID_PAYLOAD' ||
        e.code === 'UNKNOWN_AGENT' ||
        e.code === 'UNKNOWN_MESSAGE' ||
        e.code === 'INVALID_MESSAGE' ||
        (handlerFailed && handlerFailures >= this.#policy.maxHandlerFailures);
      if (forGood) {
        this.#handlerFailures.delete(entry.id);
        this.outbox.dead(entry.id, text, this.now());
        this.log.error(
          `gave up delivering "${entry.message}" to ${entry.recipient}: ${text} (kept in the dead letters)`,
        );
        return 'dead';
      }
      this.outbox.attempted(entry.id, text);
      // Said once per message, not at every retry: a peer down for an hour must not flood the log.
      if (entry.attempts === 0) {
        this.log.warn(`"${entry.message}" not yet delivered to ${entry.recipient}: ${text}; retrying`);
      }
      return 'retry';
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      const wake = (): void => {
        this.#wakers.delete(wake);
        done();
      };
      this.#wakers.add(wake);
    });
  }

  #wake(): void {
    for (const wake of [...this.#wakers]) wake();
  }
}
