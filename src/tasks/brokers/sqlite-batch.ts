import Database from 'better-sqlite3';

type Db = Database.Database;

interface Job {
  readonly run: () => unknown;
  /**
   * A read-only look, outside any transaction, that tells the job would change nothing: the job
   * then resolves to `idle` without taking the write lock (e.g. a reserve when nothing is due).
   */
  readonly idleIf: (() => boolean) | undefined;
  readonly idle: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (reason: unknown) => void;
}

/** Blocks this thread for `ms` (fractions allowed), without spinning. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * An error that undoes only the statement that raised it (a constraint, or an error thrown by
 * JavaScript before the statement ran): the transaction goes on with the other jobs. Any other
 * SQLite error ends the whole transaction.
 */
function jobOnly(error: unknown): boolean {
  return !(error instanceof Database.SqliteError) || error.code.startsWith('SQLITE_CONSTRAINT');
}

/**
 * Runs the writes asked for during one turn of the event loop in ONE `BEGIN IMMEDIATE`
 * transaction, in the order they were asked for, each caller getting its own result (or error).
 * A commit costs far more than a statement (the WAL append, the locks, and the other processes
 * waiting for them), so many writes per commit is what makes the SQLite broker fast; and the
 * processes sharing the file take the write lock far less often.
 *
 * Anything that reads the database first calls {@link flush}, so that a process always sees its
 * own writes, in order.
 */
export class TxBatcher {
  readonly #tx: (jobs: readonly Job[]) => Outcome[];
  readonly #noWait: Database.Statement<[]>;
  readonly #wait: Database.Statement<[]>;
  readonly #busyTimeoutMs: number;
  #jobs: Job[] = [];
  #timer: NodeJS.Immediate | undefined;
  /** The next try of a transaction put off because another process held the write lock. */
  #retry: NodeJS.Timeout | undefined;
  /** When the jobs now queued first found the write lock taken. */
  #busySince: number | undefined;
  #deferrals = 0;

  readonly #afterCommit: () => void;

  /**
   * @param busyTimeoutMs how long to wait for another process's write transaction before failing.
   * @param afterCommit called after each commit.
   */
  constructor(db: Db, busyTimeoutMs: number, afterCommit: () => void = () => {}) {
    this.#afterCommit = afterCommit;
    this.#busyTimeoutMs = busyTimeoutMs;
    this.#noWait = db.prepare('PRAGMA busy_timeout = 0');
    this.#wait = db.prepare(`PRAGMA busy_timeout = ${Math.floor(busyTimeoutMs)}`);
    this.#tx = db.transaction((jobs: readonly Job[]) =>
      jobs.map((job): Outcome => {
        try {
          return { ok: true, value: job.run() };
        } catch (error) {
          if (!jobOnly(error) || !db.inTransaction) throw error;
          return { ok: false, error };
        }
      }),
    ).immediate;
  }

  /** Queues `run` for the transaction of this turn; see {@link Job.idleIf}. */
  submit<T>(run: () => T, idleIf?: () => boolean, idle?: T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#jobs.push({ run, idleIf, idle, resolve: resolve as (value: unknown) => void, reject });
      // Two turns later: a worker that frees slots in this turn reserves in the next one, and its
      // reserve then joins the results of the tasks that freed them.
      if (this.#timer === undefined && this.#retry === undefined) {
        this.#timer = setImmediate(() => {
          this.#timer = setImmediate(() => this.#flush(true));
        });
      }
    });
  }

  /** Runs the queued jobs now (synchronously). */
  flush(): void {
    this.#flush(false);
  }

  /**
   * @param deferIfBusy when another process holds the write lock, put the jobs back and try again
   * a little later, without blocking this thread: the jobs asked for meanwhile join the same
   * transaction (fewer, larger transactions for the processes contending for the lock).
   */
  #flush(deferIfBusy: boolean): void {
    if (this.#timer !== undefined) {
      clearImmediate(this.#timer);
      this.#timer = undefined;
    }
    if (this.#retry !== undefined) {
      clearTimeout(this.#retry);
      this.#retry = undefined;
    }
    let jobs = this.#jobs;
    if (jobs.length === 0) return;
    this.#jobs = [];
    // Leading jobs that would change nothing are answered without a transaction. Only leading
    // ones: a job after a write must see that write.
    let lead = 0;
    while (lead < jobs.length) {
      const job = jobs[lead] as Job;
      if (job.idleIf === undefined) break;
      let idle: boolean;
      try {
        idle = job.idleIf();
      } catch {
        break;
      }
      if (!idle) break;
      job.resolve(job.idle);
      lead += 1;
    }
    if (lead > 0) jobs = jobs.slice(lead);
    if (jobs.length === 0) return;
    let outcomes: Outcome[];
    if (deferIfBusy) {
      const now = performance.now();
      this.#busySince ??= now;
      if (now - this.#busySince < this.#busyTimeoutMs) {
        let busy = false;
        let done: Outcome[] = [];
        try {
          this.#noWait.run();
          done = this.#tx(jobs);
        } catch (error) {
          busy = error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY');
          if (!busy) {
            this.#busySince = undefined;
            for (const job of jobs) job.reject(error);
            return;
          }
        } finally {
          this.#wait.run();
        }
        if (busy) {
          this.#jobs = jobs.concat(this.#jobs);
          this.#deferrals += 1;
          const ms = Math.min(2, 0.1 * 2 ** Math.min(this.#deferrals, 5)) * (0.5 + Math.random());
          this.#retry = setTimeout(() => this.#flush(true), ms);
          return;
        }
        this.#busySince = undefined;
        this.#deferrals = 0;
        this.#afterCommit();
        this.#settle(jobs, done);
        return;
      }
    }
    this.#busySince = undefined;
    this.#deferrals = 0;
    try {
      outcomes = this.#commit(jobs);
      this.#afterCommit();
    } catch (error) {
      for (const job of jobs) job.reject(error);
      return;
    }
    this.#settle(jobs, outcomes);
  }

  #settle(jobs: readonly Job[], outcomes: readonly Outcome[]): void {
    outcomes.forEach((outcome, i) => {
      const job = jobs[i] as Job;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    });
  }

  /**
   * Runs the transaction, waiting for the write lock while another process holds it. SQLite's
   * own busy handler sleeps 1, 2, 5, 10... up to 100 ms between tries, which lets one process
   * wait tens of ms behind others that keep taking the lock; here the waits stay short (at most
   * ~2 ms, with jitter so that the waiting processes do not retry in step).
   */
  #commit(jobs: readonly Job[]): Outcome[] {
    const deadline = performance.now() + this.#busyTimeoutMs;
    this.#noWait.run();
    try {
      for (let attempt = 0; ; attempt += 1) {
        try {
          return this.#tx(jobs);
        } catch (error) {
          const busy = error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY');
          if (!busy || performance.now() >= deadline) throw error;
          sleepSync(Math.min(2, 0.1 * 2 ** attempt) * (0.5 + Math.random()));
        }
      }
    } finally {
      this.#wait.run();
    }
  }
}
