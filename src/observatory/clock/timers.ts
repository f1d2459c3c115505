import type { Clock } from './clock.js';

/** setTimeout's longest delay; longer waits are taken in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * Sleeps `ms` of observatory time on `clock`, rejecting with the signal's reason when aborted. It
 * ends once `clock.now()` has advanced by `ms` (through {@link armAt}), never earlier: a real timer
 * may fire up to a millisecond early by the wall clock, which a fast simulated clock turns into
 * seconds.
 */
export function sleepOn(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let cancel = (): void => {};
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    cancel = armAt(clock, clock.now() + Math.max(0, ms), () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
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
