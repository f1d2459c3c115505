/**
 * The observatory's one clock. Every agent, device simulator and task reads time through it,
 * never through `Date.now()`, so that a simulated night (`pyros start --sim-start ISO --speed N`)
 * runs the same code as a real one, faster.
 */
export interface Clock {
  /** Observatory time, ms since the epoch. */
  now(): number;
  /** Observatory seconds per real second (1 for the real clock). */
  readonly speed: number;
  readonly simulated: boolean;
  /** Resolves after `ms` of observatory time; rejects with the signal's reason if aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` once observatory time reaches `at` (ms since the epoch); returns a cancel. */
  at(at: number, fn: () => void): () => void;
}
