import type { AgentClock } from './agent-clock.js';

/** A timer started through an agent's helpers; cancel() stops it early. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * An agent's timers, all on its clock: each firing is handed to `queue` (the agent's mailbox), so a
 * timer's callback never runs at the same time as a handler. stop() cancels them all.
 */
export class AgentTimers {
  readonly #cancels = new Set<() => void>();
  #stopped = false;

  constructor(
    readonly clock: AgentClock,
    private readonly queue: (kind: string, fn: () => unknown) => void,
  ) {}

  /** Runs `fire` once the clock reaches `time`. */
  at(time: number, fire: () => unknown): TimerHandle {
    if (this.#stopped) return { cancel: () => {} };
    let cancelTimer: () => void = () => {};
    const cancel = (): void => {
      cancelTimer();
      this.#cancels.delete(cancel);
    };
    this.#cancels.add(cancel);
    // The clock may call back at once for a time already past; the job still goes through the queue.
    cancelTimer = this.clock.at(time, () => {
      this.#cancels.delete(cancel);
      this.queue('timer', fire);
    });
    return { cancel };
  }

  /** Runs `fire` once after `ms` of the clock's time. */
  after(ms: number, fire: () => unknown): TimerHandle {
    return this.at(this.clock.now() + ms, fire);
  }

  /**
   * Runs `tick` every `ms` of the clock's time, the first time after `ms`. The next firing is armed
   * once a tick has run (a slow tick delays the next, never overlaps it); firings a busy agent
   * missed are not made up one by one.
   */
  every(ms: number, tick: () => unknown): TimerHandle {
    if (!(ms > 0)) throw new RangeError(`every: ${ms} ms is not a period`);
    let current: TimerHandle | undefined;
    let cancelled = false;
    const arm = (due: number): void => {
      current = this.at(due, async () => {
        try {
          await tick();
        } finally {
          // A tick that throws is reported by the queue; the timer goes on.
          if (!cancelled) arm(Math.max(due + ms, this.clock.now()));
        }
      });
    };
    arm(this.clock.now() + ms);
    return {
      cancel: () => {
        cancelled = true;
        current?.cancel();
      },
    };
  }

  /** Cancels every timer; later ones are not started. */
  stop(): void {
    this.#stopped = true;
    for (const cancel of [...this.#cancels]) cancel();
    this.#cancels.clear();
  }
}
