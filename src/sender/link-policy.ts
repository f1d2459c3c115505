/** How a link retries: bounded attempts with exponential backoff. */
export interface RetryPolicy {
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly connectTimeoutMs: number;
  /** Messages waiting and nothing heard for this long: the connection is dropped and made again ({@link STALL_MS}). */
  readonly stallMs: number;
}

/** How often a link looks at its deadlines (ms). */
export const WATCHDOG_MS = 25;
/**
 * Messages sent and nothing at all heard back for this long (the default Sender timeout): the
 * connection is stuck (a relay holding bytes back, a peer frozen), not slow. It is dropped and made
 * again; the session's numbering means nothing is delivered twice.
 */
export const STALL_MS = 10_000;
