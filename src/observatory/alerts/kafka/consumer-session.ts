import type { KafkaConsumer } from './kafka-client.js';

/**
 * One consumer's life in the GCN Kafka source, from its creation to its close, which
 * {@link ConsumerSession.end} starts: whatever waits on the session (the next record, a backoff
 * before delivering a notice again, room in the queue) stops waiting then.
 */
export class ConsumerSession {
  /** Until ended: records of an ended session are left to the next consumer, which gets them again. */
  active = true;
  /** Why it ended, for the `waiting` state. */
  reason = 'closed';
  /** No line at warn when it ends: the reason was said already (the heartbeat warning). */
  quiet = false;
  /** The heartbeat watchdog's timer, refreshed by each heartbeat. */
  watchdog: NodeJS.Timeout | undefined;
  /** Heartbeats it got: a session is healthy once up a while with the feed beating. */
  beats = 0;
  /** Those waiting in {@link ConsumerSession.race}: woken when it ends. */
  readonly #wakers = new Set<() => void>();

  constructor(readonly consumer: KafkaConsumer) {}

  /** Ends it (once: later calls keep the first reason) and wakes all that wait on it. */
  end(reason: string, quiet = false): void {
    if (!this.active) return;
    this.active = false;
    this.reason = reason;
    this.quiet = quiet;
    for (const wake of this.#wakers) wake();
    this.#wakers.clear();
  }

  /**
   * `p`, or undefined as soon as the session ends. Not Promise.race on an "ended" promise: that
   * keeps one reaction per call until the end, and a session reads a heartbeat a second for months.
   */
  race<T>(p: Promise<T>): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      const wake = () => resolve(undefined);
      // Settling after the end is harmless: the promise is resolved already (and a rejection handled).
      p.then(
        (value) => {
          this.#wakers.delete(wake);
          resolve(value);
        },
        (error: unknown) => {
          this.#wakers.delete(wake);
          reject(error);
        },
      );
      if (this.active) this.#wakers.add(wake);
      else wake();
    });
  }

  /** Waits `ms`, less if the session ends. */
  sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    return this.race(new Promise<void>((r) => (timer = setTimeout(r, ms)))).then(() => clearTimeout(timer));
  }
}
