// The pending waits of an IndiClient: each is told every vector and message as it arrives, and
// settles itself; all fail together, with the reason, when the connection drops or the client
// closes. Each wait has its own timeout and AbortSignal, and leaves no timer or listener behind.
import { IndiError, type IndiVector, type IndiWaitOptions } from './indi-types.js';

/** Default timeout of every wait, ms. */
export const DEFAULT_WAIT_MS = 10_000;

/** What a wait is told about. */
export type WaitEvent =
  /** `defined`: a def (first or repeated), else a set. */
  | { readonly kind: 'vector'; readonly vector: IndiVector; readonly defined: boolean }
  | { readonly kind: 'message'; readonly device?: string; readonly property?: string; readonly text: string };

/** How a wait's handlers settle it; after the first call the others do nothing. */
export interface Settle<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

interface Waiter {
  onEvent(event: WaitEvent): void;
  onEnd(reason: string): void;
}

/** What a wait is about, for its errors: "waiting for Telescope Simulator.CONNECTION". */
export interface WaitSubject {
  readonly what: string;
  readonly device?: string;
  readonly property?: string;
}

export class IndiWaits {
  private readonly waiters = new Set<Waiter>();

  /** Pending waits. */
  get size(): number {
    return this.waiters.size;
  }

  /**
   * A wait: `start` runs first (it may send, or settle at once from the current value; a throw
   * rejects), then `onEvent` for every event until one settles it.
   */
  wait<T>(
    subject: WaitSubject,
    opts: IndiWaitOptions,
    onEvent: (event: WaitEvent, settle: Settle<T>) => void,
    start?: (settle: Settle<T>) => void,
  ): Promise<T> {
    const where = {
      ...(subject.device !== undefined ? { device: subject.device } : {}),
      ...(subject.property !== undefined ? { property: subject.property } : {}),
    };
    const error = (why: string) => new IndiError(`${subject.what}: ${why}`, where);
    return new Promise<T>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? DEFAULT_WAIT_MS;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const finish = () => {
        done = true;
        clearTimeout(timer);
        this.waiters.delete(waiter);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      const settle: Settle<T> = {
        resolve: (value) => {
          if (done) return;
          finish();
          resolve(value);
        },
        reject: (err) => {
          if (done) return;
          finish();
          reject(err);
        },
      };
      const waiter: Waiter = {
        onEvent: (event) => onEvent(event, settle),
        onEnd: (reason) => settle.reject(error(reason)),
      };
      const onAbort = () => settle.reject(error('aborted'));
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      timer = setTimeout(() => settle.reject(error(`nothing within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.add(waiter);
      try {
        start?.(settle);
      } catch (err) {
        settle.reject(err instanceof Error ? err : error(String(err)));
      }
    });
  }

  /** Tells every pending wait; a wait's handler that throws rejects that wait only. */
  notify(event: WaitEvent): void {
    for (const w of [...this.waiters]) {
      try {
        w.onEvent(event);
      } catch (err) {
        w.onEnd(err instanceof Error ? err.message : String(err));
      }
    }
  }

  /** Fails every pending wait with `reason` (a disconnect, a close). */
  endAll(reason: string): void {
    for (const w of [...this.waiters]) w.onEnd(reason);
  }
}
