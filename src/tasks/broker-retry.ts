/** How long a call to a briefly absent broker is retried before it fails (ms): docs/tasks.md. */
export const BROKER_DEADLINE_MS = 10_000;

/**
 * Whether a broker call failed because the broker is away for a moment (Redis restarting or out of
 * reach, SQLite locked by another process), so that the same call may succeed if made again.
 */
export function isTransientBrokerError(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /SQLITE_BUSY|database is locked|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Connection is closed|Stream isn't writeable|LOADING|max retries per request/i.test(
    message,
  );
}

/**
 * `call`, made again with backoff (10 ms doubling to 1 s) while it fails for a transient reason,
 * until `deadlineMs` from now; then its last error. `onRetry` hears each failure that is retried.
 */
export async function withBrokerRetry<T>(
  call: () => Promise<T>,
  deadlineMs = BROKER_DEADLINE_MS,
  onRetry?: (err: Error, attempt: number) => void,
): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (let attempt = 1, delay = 10; ; attempt++, delay = Math.min(1000, delay * 2)) {
    try {
      return await call();
    } catch (err) {
      if (!isTransientBrokerError(err) || Date.now() + delay > until) throw err;
      onRetry?.(err as Error, attempt);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
