import { Cron } from 'croner';
import type { Logger } from '../logging/logger.js';
import type { Broker } from './broker.js';
import type { Task } from './define-task.js';
import type { Json } from './task-record.js';

/** When a periodic task fires: every N seconds (aligned on the epoch) or on a cron expression (UTC, seconds field allowed). */
export type Schedule = { readonly every: number } | { readonly cron: string };

interface PeriodicEntry {
  readonly task: Task;
  readonly schedule: Schedule;
  readonly args: Json[];
  readonly next: (after: number) => number | undefined;
}

const entries: PeriodicEntry[] = [];

/** The firing-time function of a schedule: the first firing strictly after `after` (ms), or undefined if none. */
export function nextFiring(schedule: Schedule): (after: number) => number | undefined {
  if ('every' in schedule) {
    const ms = schedule.every * 1000;
    if (!Number.isFinite(ms) || ms < 10)
      throw new RangeError(`every: ${schedule.every} s is not a period (>= 0.01 s)`);
    // Aligned on the epoch, so that every worker computes the same firing times.
    return (after) => (Math.floor(after / ms) + 1) * ms;
  }
  const cron = new Cron(schedule.cron, { paused: true, timezone: 'UTC' });
  return (after) => cron.nextRun(new Date(after))?.getTime();
}

/**
 * Makes `task` run on a schedule (Celery beat): every worker that loaded it keeps the schedule, and
 * the broker lets exactly one of them enqueue each firing, however many run.
 */
export function definePeriodic<A extends unknown[]>(
  task: Task<A, unknown>,
  schedule: Schedule,
  args?: A,
): void {
  entries.push({
    task: task as unknown as Task,
    schedule,
    args: (args ?? []) as Json[],
    next: nextFiring(schedule),
  });
}

export function periodicCount(): number {
  return entries.length;
}

/**
 * Runs the schedules of this process's periodic tasks until the returned stop() is called. stop()
 * resolves once the firings in flight have reached the broker, so the broker can be closed then.
 */
export function startBeat(broker: Broker, log: Logger): () => Promise<void> {
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  const arm = (e: PeriodicEntry, after: number) => {
    const at = e.next(after);
    if (at === undefined || stopped) return;
    const t = setTimeout(
      () => {
        timers.delete(t);
        const firing = fire(e, at).finally(() => inFlight.delete(firing));
        inFlight.add(firing);
        arm(e, at);
      },
      Math.max(0, at - Date.now()),
    );
    timers.add(t);
  };
  const fire = async (e: PeriodicEntry, at: number) => {
    const key = `beat:${e.task.name}:${at}`;
    try {
      if (!(await broker.claimOnce(key, Date.now()))) return;
      await e.task.applyAsync(e.args, { broker, taskId: `${e.task.name}@${new Date(at).toISOString()}` });
      log.debug(`periodic ${e.task.name} enqueued for ${new Date(at).toISOString()}`);
    } catch (err) {
      log.warn(`periodic ${e.task.name} at ${new Date(at).toISOString()}: ${(err as Error).message}`);
    }
  };
  for (const e of entries) arm(e, Date.now());
  return async () => {
    stopped = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    await Promise.all(inFlight);
  };
}
