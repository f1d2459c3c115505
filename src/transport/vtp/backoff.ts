/** How a reconnecting client waits between attempts. */
export interface BackoffPolicy {
  /** The first wait, ms. */
  readonly initialMs: number;
  /** Waits double up to this, ms. */
  readonly maxMs: number;
  /** A connection that stays up this long (ms) resets the wait to `initialMs`. */
  readonly resetAfterMs: number;
}

/** 1 s doubling to 60 s, reset after a healthy minute. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 60_000, resetAfterMs: 60_000 };

/** Exponential backoff: each call to next() returns the wait before the next attempt, then doubles it. */
export class Backoff {
  private delay: number;

  constructor(readonly policy: BackoffPolicy = DEFAULT_BACKOFF) {
    if (!(policy.initialMs > 0 && policy.maxMs >= policy.initialMs && policy.resetAfterMs > 0)) {
      throw new RangeError(
        `backoff: initialMs ${policy.initialMs}, maxMs ${policy.maxMs}, resetAfterMs ${policy.resetAfterMs} must be > 0 and maxMs >= initialMs`,
      );
    }
    this.delay = policy.initialMs;
  }

  next(): number {
    const d = this.delay;
    this.delay = Math.min(this.delay * 2, this.policy.maxMs);
    return d;
  }

  reset(): void {
    this.delay = this.policy.initialMs;
  }
}
