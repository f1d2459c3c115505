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

/**
 * Sender's retry policy unless configured otherwise, which `pyros send` and `pyros status` use too:
 * 6 attempts, waiting 50, 100, 200, 400 and 800 ms between them (1.55 s), each connect given 2 s.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  retries: 5,
  baseDelayMs: 50,
  maxDelayMs: 1000,
  connectTimeoutMs: 2000,
  stallMs: STALL_MS,
};

/** The wait before attempt `attempt` (1 is the first retry). */
export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

/**
 * How many attempts a policy makes and how long it waits between them, as every error and the README
 * word it: `6 attempts with backoff, 1.55 s` (`1 attempt` with no retry).
 */
export function retryWording(policy: RetryPolicy, attempts = policy.retries + 1): string {
  if (attempts <= 1) return '1 attempt';
  let waited = 0;
  for (let a = 1; a < attempts; a++) waited += retryDelayMs(policy, a);
  return `${attempts} attempts with backoff, ${waited / 1000} s`;
}
