import { randomUUID } from 'node:crypto';
import { AsyncResult } from './async-result.js';
import type { Broker } from './broker.js';
import { withBrokerRetry } from './broker-retry.js';
import { assertJson } from './json-value.js';
import type { TaskContext } from './task-context.js';
import type { Json, NewTask } from './task-record.js';
import { taskBroker } from './tasks-runtime.js';

/** Options of one call, as Celery's apply_async: `countdown` and `expires` (a number) in seconds, `eta` a Date. */
export interface ApplyOptions {
  /** Run no sooner than this many seconds from now. */
  readonly countdown?: number;
  /** Run no sooner than this time. */
  readonly eta?: Date;
  /** Not run after this time (a Date) or this many seconds from now: EXPIRED instead. */
  readonly expires?: Date | number;
  /** Retries after a failure (default 0). */
  readonly retries?: number;
  /** First retry delay in seconds, doubled at each further retry (default 1). */
  readonly retryBackoff?: number;
  /** Higher runs first among due tasks (default 0). */
  readonly priority?: number;
  /** Queue name (default "default"); workers take tasks from the queues they are given. */
  readonly queue?: string;
  /** The task id (default: a random UUID). */
  readonly taskId?: string;
  /** The broker to enqueue to (default: the process's, see configureTasks). */
  readonly broker?: Broker;
}

/** Defaults of a task, applied to every call unless the call says otherwise. */
export type TaskDefaults = Omit<ApplyOptions, 'countdown' | 'eta' | 'taskId' | 'broker' | 'expires'> & {
  /** Seconds after the call past which the task is EXPIRED. */
  readonly expires?: number;
};

/**
 * A task's code: its arguments, then (optionally) the context. Declare the context's type
 * (`ctx: TaskContext`) so that it is told apart from the arguments.
 */
export type TaskFunction = (...args: never[]) => unknown;

/** The arguments of a task function: its parameters, less a last one that takes the TaskContext. */
export type TaskArgs<H extends TaskFunction> =
  Parameters<H> extends [...infer A, infer Last]
    ? [TaskContext] extends [Last]
      ? A
      : Parameters<H>
    : Parameters<H>;

/** What a task function's call resolves to. */
export type TaskResult<H extends TaskFunction> = Awaited<ReturnType<H>>;

/** A task, as made by {@link defineTask}. */
export interface Task<A extends unknown[] = Json[], R = unknown> {
  readonly name: string;
  readonly defaults: TaskDefaults;
  /** What a worker runs: the arguments, then the context. */
  readonly handler: (...args: [...Json[], TaskContext]) => unknown;
  /** Enqueues a run now, as Celery's delay(). */
  delay(...args: A): Promise<AsyncResult<R>>;
  /** Enqueues a run with options, as Celery's apply_async(). */
  applyAsync(args: A, options?: ApplyOptions): Promise<AsyncResult<R>>;
}

const registry = new Map<string, Task>();

/** The tasks defined in this process (a worker runs those of its --tasks module). */
export function registeredTask(name: string): Task | undefined {
  return registry.get(name);
}

export function registeredTaskNames(): string[] {
  return [...registry.keys()];
}

/** Enqueues, retrying with backoff while the broker is briefly unreachable or busy, within its deadline. */
function enqueueWithRetry(broker: Broker, task: NewTask): Promise<void> {
  return withBrokerRetry(() => broker.enqueue(task, Date.now()));
}

function seconds(what: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isFinite(v) || v < 0)
    throw new RangeError(`${what} must be a number of seconds >= 0, not ${v}`);
  return v;
}

/**
 * Defines a task: a named function that runs in a worker process, called with `delay()` or
 * `applyAsync()`. Arguments and results are JSON; anything else is refused at the call.
 *
 * @example
 * export const reduce = defineTask('reduce', async (path: string, ctx) => {
 *   await ctx.updateProgress(50, 'flat-fielded');
 *   return { path, sources: 12 };
 * }, { retries: 3 });
 * const r = await reduce.applyAsync(['/data/img.fits'], { countdown: 10 });
 * console.log(await r.get({ timeout: 60_000 }));
 */
export function defineTask<H extends TaskFunction>(
  name: string,
  handler: H,
  defaults: TaskDefaults = {},
): Task<TaskArgs<H>, TaskResult<H>> {
  type A = TaskArgs<H>;
  type R = TaskResult<H>;
  if (!/^[\w.:-]{1,200}$/.test(name))
    throw new TypeError(`task name "${name}": letters, digits, _ . : - only`);
  if (registry.has(name)) throw new Error(`task "${name}" is defined twice`);
  const task: Task<A, R> = {
    name,
    defaults,
    handler: handler as unknown as Task['handler'],
    delay: (...args: A) => task.applyAsync(args),
    async applyAsync(args: A, options: ApplyOptions = {}) {
      assertJson(args, `arguments of task "${name}"`);
      const o = { ...defaults, ...options };
      const now = Date.now();
      let eta = now;
      const countdown = seconds('countdown', o.countdown);
      if (countdown !== undefined) eta = now + countdown * 1000;
      if (o.eta !== undefined) eta = o.eta.getTime();
      if (!Number.isFinite(eta)) throw new RangeError('eta is not a valid date');
      const expiresIn = typeof o.expires === 'number' ? seconds('expires', o.expires) : undefined;
      const expires =
        o.expires instanceof Date
          ? o.expires.getTime()
          : expiresIn === undefined
            ? undefined
            : now + expiresIn * 1000;
      const retries = o.retries ?? 0;
      if (!Number.isInteger(retries) || retries < 0)
        throw new RangeError(`retries must be a whole number >= 0, not ${retries}`);
      const record: NewTask = {
        id: o.taskId ?? randomUUID(),
        name,
        args,
        queue: o.queue ?? 'default',
        priority: o.priority ?? 0,
        eta,
        ...(expires === undefined ? {} : { expires }),
        maxRetries: retries,
        retryBackoffMs: (seconds('retryBackoff', o.retryBackoff) ?? 1) * 1000,
        createdAt: now,
      };
      const broker = o.broker ?? (await taskBroker());
      await enqueueWithRetry(broker, record);
      return new AsyncResult<R>(record.id, broker);
    },
  };
  registry.set(name, task as unknown as Task);
  return task;
}
