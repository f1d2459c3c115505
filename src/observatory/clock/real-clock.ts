import type { Clock } from './clock.js';
import { armAt, sleepOn } from './timers.js';

/** The wall clock: the observatory's time is the machine's. */
export class RealClock implements Clock {
  readonly speed = 1;
  readonly simulated = false;

  now(): number {
    return Date.now();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  at(at: number, fn: () => void): () => void {
    return armAt(this, at, fn);
  }
}
