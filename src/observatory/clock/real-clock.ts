import type { Clock } from './clock.js';
import { abortable, armAt } from './timers.js';

/** The wall clock: the observatory's time is the machine's. */
export class RealClock implements Clock {
  readonly speed = 1;
  readonly simulated = false;

  now(): number {
    return Date.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return abortable(ms, 1, signal);
  }

  at(at: number, fn: () => void): () => void {
    return armAt(this, at, fn);
  }
}
