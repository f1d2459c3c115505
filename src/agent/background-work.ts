/**
 * Background tasks an agent started through its helpers, so that shutdown can stop all of them:
 * the abort signal fires, and running tasks are awaited (bounded). Timers are in agent-timers.ts.
 */
export class BackgroundWork {
  private readonly controller = new AbortController();
  private readonly tasks = new Set<Promise<unknown>>();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  track(task: Promise<unknown>): void {
    const settled = task.then(
      () => undefined,
      () => undefined,
    );
    this.tasks.add(settled);
    void settled.then(() => this.tasks.delete(settled));
  }

  /** Aborts the signal and waits up to `graceMs` for tracked tasks to end. */
  async stop(graceMs: number): Promise<void> {
    this.controller.abort();
    if (this.tasks.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.tasks),
      new Promise((r) => {
        timer = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }
}

/** Calls `fn`; a throw or a rejection goes to `report` instead of up, so a timer's callback never stops its agent. */
export function guarded(fn: () => unknown, report: (err: unknown) => void): unknown {
  try {
    const r = fn();
    return r instanceof Promise ? r.catch(report) : r;
  } catch (err) {
    report(err);
    return undefined;
  }
}
