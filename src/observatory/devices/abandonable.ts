/**
 * Waits for `promise`, or rejects with the signal's reason as soon as it aborts: the caller stops
 * waiting, the work itself goes on (a dome keeps closing: closing is never undone by an abort).
 */
export function abandonable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
