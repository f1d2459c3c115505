/** A timer started through an agent's helpers; cancel() stops it early. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Timers and background tasks an agent started through its helpers, so that shutdown can stop all
 * of them: timers are cleared, the abort signal fires, and running tasks are awaited (bounded).
 */
export class BackgroundWork {
  private readonly controller = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly tasks = new Set<Promise<unknown>>();

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  every(ms: number, tick: () => void): TimerHandle {
    const t = setInterval(tick, ms);
    this.timers.add(t);
    return {
      cancel: () => {
        clearInterval(t);
        this.timers.delete(t);
      },
    };
  }

  after(ms: number, fire: () => void): TimerHandle {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fire();
    }, ms);
    this.timers.add(t);
    return {
      cancel: () => {
        clearTimeout(t);
        this.timers.delete(t);
      },
    };
  }

  track(task: Promise<unknown>): void {
    const settled = task.then(
      () => undefined,
      () => undefined,
    );
    this.tasks.add(settled);
    void settled.then(() => this.tasks.delete(settled));
  }

  /** Clears timers, aborts the signal, and waits up to `graceMs` for tracked tasks to end. */
  async stop(graceMs: number): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
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
