import type { Clock } from './clock.js';

/** setTimeout's longest delay; longer waits are taken in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** Sleeps `ms` of observatory time at `speed`, rejecting with the signal's reason when aborted. */
export function abortable(ms: number, speed: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.min(MAX_DELAY_MS, Math.max(0, ms / speed)),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `fn` once `clock.now()` reaches `at`. The timer is re-armed when it fires early (real
 * timers may, and a far time needs several steps), so `fn` never runs before `at`.
 */
export function armAt(clock: Clock, at: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const arm = (): void => {
    if (cancelled) return;
    const left = at - clock.now();
    if (left <= 0) {
      timer = undefined;
      fn();
      return;
    }
    timer = setTimeout(arm, Math.min(MAX_DELAY_MS, Math.max(1, Math.ceil(left / clock.speed))));
  };
  arm();
  return () => {
    cancelled = true;
    if (timer !== undefined) clearTimeout(timer);
  };
}
