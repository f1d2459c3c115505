/** A unit of work for the agent: a received message, a timer's callback, or the shutdown barrier. */
export interface MailboxJob {
  /** When true, the job waits until nothing else runs, and nothing starts while it runs. */
  readonly barrier?: boolean;
  run(): unknown;
}

function isPromise(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as PromiseLike<unknown>).then === 'function';
}

/**
 * The agent's queue: jobs run in arrival order, at most `concurrency` at once. A synchronous job runs
 * to completion in the caller's tick, so a quick handler costs no scheduling at all. The queue
 * reports when it grows past `highWater` and shrinks back to `lowWater`, so the server can stop and
 * resume reading instead of dropping anything.
 */
export class Mailbox {
  private queue: MailboxJob[] = [];
  private head = 0;
  private running = 0;
  private barrierRunning = false;
  private pumping = false;
  private opened = false;
  private full = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly onPressure: (full: boolean) => void,
    private readonly highWater = 10_000,
    private readonly lowWater = 1_000,
  ) {}

  /** Whether jobs run (work() is done). */
  get isOpen(): boolean {
    return this.opened;
  }

  get length(): number {
    return this.queue.length - this.head;
  }

  push(job: MailboxJob): void {
    this.queue.push(job);
    if (!this.full && this.length >= this.highWater) {
      this.full = true;
      this.onPressure(true);
    }
    this.pump();
  }

  /** Starts running jobs (the agent's work() is done). */
  open(): void {
    this.opened = true;
    this.pump();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (this.pumping || !this.opened) return;
    this.pumping = true;
    try {
      while (this.head < this.queue.length && this.running < this.concurrency && !this.barrierRunning) {
        const job = this.queue[this.head] as MailboxJob;
        if (job.barrier && this.running > 0) break;
        this.queue[this.head++] = undefined as unknown as MailboxJob;
        this.start(job);
      }
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      if (this.full && this.length <= this.lowWater) {
        this.full = false;
        this.onPressure(false);
      }
    } finally {
      this.pumping = false;
    }
    if (this.length === 0 && this.running === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private start(job: MailboxJob): void {
    this.running++;
    if (job.barrier) this.barrierRunning = true;
    let result: unknown;
    try {
      result = job.run();
    } catch {
      // Jobs report their own errors; the queue only keeps going.
    }
    if (isPromise(result)) {
      result.then(
        () => this.finish(job),
        () => this.finish(job),
      );
    } else {
      this.running--;
      if (job.barrier) this.barrierRunning = false;
    }
  }

  private finish(job: MailboxJob): void {
    this.running--;
    if (job.barrier) this.barrierRunning = false;
    this.pump();
  }
}
