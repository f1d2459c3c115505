import { Agent } from '../../agent/agent.js';
import type { ReceivedMessage } from '../../agent/message.js';
import { Sender } from '../../sender/sender.js';
import { type ObservatoryContext, observatoryContext } from '../observatory-context.js';

/** Queries that change nothing, left out of the message log. */
const QUIET_MESSAGES: ReadonlySet<string> = new Set(['Devices', 'Weather']);

/**
 * An observatory agent: an Agent with the observatory's context (clock, settings, site,
 * database), timers on the observatory clock, and `notify`, a send that logs rather than throws
 * (a peer that is down or restarting must not stop this agent: the state it needs is in the
 * database, and the next replan or restart catches up).
 */
export abstract class ObservatoryAgent extends Agent {
  protected readonly ctx: ObservatoryContext;
  readonly #cancels = new Set<() => void>();

  constructor(name: string, ctx?: ObservatoryContext) {
    super(name);
    this.ctx = ctx ?? observatoryContext();
  }

  /**
   * Records each message in the observatory's message log (the dashboard's), then dispatches it.
   * Read-only queries that the dashboard asks every second are not recorded: they would bury the
   * messages that tell what the observatory does.
   */
  protected override analyzeMessage(received: ReceivedMessage): unknown {
    if (QUIET_MESSAGES.has(received.message)) return super.analyzeMessage(received);
    try {
      this.ctx.messages.record({
        time: this.ctx.clock.now(),
        from: received.meta.sender,
        to: this.name,
        message: received.message,
      });
    } catch (err) {
      // The log is for watching: a full disk or a closed database must not stop the agent's work.
      this.log.warn(`message log: ${(err as Error).message}`);
    }
    return super.analyzeMessage(received);
  }

  /** Sends `message` to each agent; failures are logged, never thrown. */
  protected notify(agents: string | readonly string[], message: string, payload?: unknown): Promise<void> {
    const targets = typeof agents === 'string' ? [agents] : agents;
    return Promise.all(
      targets.map((agent) =>
        Sender.sendTo(agent, message, payload).catch((err: Error) =>
          this.log.warn(`could not send "${message}" to ${agent}: ${err.message}`),
        ),
      ),
    ).then(() => undefined);
  }

  /** Calls `fn` once the observatory clock reaches `at`; cancelled by shutdown or the returned function. */
  protected atTime(at: number, fn: () => unknown): () => void {
    let fired = false;
    const run = (): void => {
      fired = true;
      this.#cancels.delete(cancel);
      Promise.resolve()
        .then(fn)
        .catch((err: Error) => this.log.error({ err }, `timer failed: ${err.message}`));
    };
    // clock.at calls back at once for a time already past: `cancel` is not assigned yet then.
    const cancelTimer = this.ctx.clock.at(at, () => queueMicrotask(run));
    const cancel = (): void => {
      cancelTimer();
      this.#cancels.delete(cancel);
    };
    if (!fired) this.#cancels.add(cancel);
    return cancel;
  }

  /** Calls `fn` every `ms` of observatory time, the first time after `ms`. */
  protected everyClock(ms: number, fn: () => unknown): () => void {
    let stop: () => void = () => {};
    let stopped = false;
    const arm = (at: number): void => {
      stop = this.atTime(at, async () => {
        await fn();
        if (!stopped) arm(Math.max(at + ms, this.ctx.clock.now()));
      });
    };
    arm(this.ctx.clock.now() + ms);
    return () => {
      stopped = true;
      stop();
    };
  }

  protected override shutdown(): void | Promise<void> {
    for (const cancel of this.#cancels) cancel();
    this.#cancels.clear();
    this.ctx.close();
  }
}
