/**
 * The time an agent's timers run on. The observatory's clocks (real or simulated, see
 * `src/observatory/clock/`) fit it; an agent without one runs on the wall clock.
 */
export interface AgentClock {
  /** ms since the epoch. */
  now(): number;
  /** Calls `fn` once `now()` reaches `at`, never before; returns a cancel. */
  at(at: number, fn: () => void): () => void;
}

/** setTimeout's longest delay; longer waits are taken in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** The wall clock. A timer that fires early by Date.now() (timers and Date.now() are different clocks) is re-armed. */
export const WALL_CLOCK: AgentClock = {
  now: () => Date.now(),
  at(at, fn) {
    let timer: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = (): void => {
      if (cancelled) return;
      const left = at - Date.now();
      if (left <= 0) {
        timer = undefined;
        fn();
        return;
      }
      timer = setTimeout(arm, Math.min(MAX_DELAY_MS, Math.max(1, left)));
    };
    arm();
    return () => {
      cancelled = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  },
};
