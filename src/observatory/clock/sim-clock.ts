import type { Clock } from './clock.js';
import { armAt, sleepOn } from './timers.js';

/**
 * A simulated clock: observatory time starts at `start` when the real clock reads `anchor`, and
 * runs `speed` times faster. Every thread and process given the same three numbers reads the same
 * time, with no messages between them (see {@link clockFromEnv}).
 */
export class SimClock implements Clock {
  readonly simulated = true;

  /**
   * @param start observatory time at `anchor`, ms since the epoch.
   * @param speed observatory seconds per real second (> 0).
   * @param anchor the real time at which observatory time was `start` (defaults to now).
   */
  constructor(
    readonly start: number,
    readonly speed: number,
    readonly anchor: number = Date.now(),
  ) {
    if (!Number.isFinite(start)) throw new Error(`simulated clock: start must be a time, got ${start}`);
    if (!(speed > 0) || !Number.isFinite(speed)) {
      throw new Error(`simulated clock: speed must be a number > 0, got ${speed}`);
    }
  }

  now(): number {
    return this.start + (Date.now() - this.anchor) * this.speed;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  at(at: number, fn: () => void): () => void {
    return armAt(this, at, fn);
  }
}
