/**
 * The Redis broker (`redis://HOST:PORT/DB`), for workers on several machines sharing one Redis.
 *
 * What is BullMQ and what is ours:
 * - Storage is BullMQ's: each task is a BullMQ job hash at BullMQ's key `bull:<queue>:<id>`
 *   (name, data = args, opts, timestamp, priority, attempts, processedOn, finishedOn,
 *   returnvalue, failedReason, stacktrace, progress), running tasks are in the queue's BullMQ
 *   `active` list and ended ones in its `completed` / `failed` sets scored by finishedOn. So
 *   BullMQ's own `Queue` (`getJob`, `getJobCounts('active', 'completed', 'failed')`,
 *   `getCompleted`...) and tools built on it (bull-board, Taskforce) read our tasks as they are.
 * - Scheduling is ours, in small Lua scripts (redis-lua.ts) on the same Redis, because BullMQ's
 *   model cannot express the {@link Broker} rules: BullMQ takes "now" from the machine's clock and
 *   promotes delayed jobs on a Redis-side timer (late by tens of ms at Redis's default hz 10),
 *   locks expire by Redis key TTL with a separate stalled-job checker, and its priorities (lower
 *   first, positive integers, FIFO within one) cannot order by priority desc, then eta, then
 *   createdAt. Waiting tasks therefore live in our own sorted sets (`pyros:q:<queue>:ready`,
 *   `:sched`, `:started`), next to BullMQ's; our extra fields (state, eta, expires, lock, revoke
 *   flag, full error) sit in the same job hash. A BullMQ `Worker` must not be attached to these
 *   queues: it would find nothing in BullMQ's wait list anyway.
 *
 * ETA precision: nothing waits for a Redis timer. `reserve(now)` first moves every task whose eta
 * is <= `now` (and every STARTED task whose lock ended before `now`) into `ready`, in the same
 * script that takes tasks; `nextDue` gives the exact earliest eta, so a worker sleeping until then
 * gets the task at that moment.
 *
 * Atomicity: every operation that changes a task is one Lua script (Redis runs each alone), so
 * two workers, on any machines, never both take a task, and only the lock holder (STARTED by that
 * worker) can complete, fail, heartbeat or report progress. Scripts name their keys themselves, so
 * this broker needs one Redis (or a primary with replicas), not a Redis Cluster.
 */
import type { Redis } from 'ioredis';
import type { Broker, ListFilter, LockStatus } from '../broker.js';
import type { Json, NewTask, TaskError, TaskRecord, TaskState } from '../task-record.js';
import { connectRedis, DEFAULT_CONNECT_TIMEOUT_MS, LuaScript, redactUrl } from './redis-connection.js';
import * as lua from './redis-lua.js';
import { errorJson, flatToHash, hashToRecord, padTime, taskFields } from './redis-record.js';

/** Options of {@link RedisBroker.open}. */
export interface RedisBrokerOptions {
  /** How long opening waits for Redis before failing (default 5 s). */
  readonly connectTimeoutMs?: number;
}

/** Task ids that would collide with the keys of BullMQ's own per-queue structures. */
const RESERVED_IDS = new Set([
  'active',
  'completed',
  'failed',
  'wait',
  'paused',
  'delayed',
  'prioritized',
  'waiting-children',
  'meta',
  'id',
  'events',
  'stalled',
  'limiter',
  'marker',
  'pc',
  'repeat',
  'de',
  'metrics',
]);

/** Tasks removed per script call by `removeFinished`, so Redis never blocks long on a big backlog. */
const REMOVE_BATCH = 1000;

const scripts = {
  enqueue: new LuaScript(lua.ENQUEUE),
  reserve: new LuaScript(lua.RESERVE),
  nextDue: new LuaScript(lua.NEXT_DUE),
  heartbeat: new LuaScript(lua.HEARTBEAT),
  complete: new LuaScript(lua.COMPLETE),
  fail: new LuaScript(lua.FAIL),
  progress: new LuaScript(lua.PROGRESS),
  revoke: new LuaScript(lua.REVOKE),
  get: new LuaScript(lua.GET),
  list: new LuaScript(lua.LIST),
  purge: new LuaScript(lua.PURGE),
  removeFinished: new LuaScript(lua.REMOVE_FINISHED),
};

/**
 * {@link Broker} on Redis, with BullMQ's job storage and our Lua scheduling (see the file header).
 * Open it with {@link RedisBroker.open}; close it to let the process exit.
 */
export class RedisBroker implements Broker {
  readonly url: string;
  readonly #client: Redis;
  #closed = false;

  private constructor(client: Redis, url: string) {
    this.#client = client;
    this.url = url;
  }

  /**
   * Connects to the Redis a `redis://HOST:PORT/DB` (or `rediss://`) URL names. Throws one line
   * naming the URL for a bad URL, or when Redis does not answer within the timeout.
   */
  static async open(url: string, options: RedisBrokerOptions = {}): Promise<RedisBroker> {
    const client = await connectRedis(url, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    return new RedisBroker(client, url);
  }

  async enqueue(task: NewTask, now: number): Promise<void> {
    if (task.queue === '' || task.queue.includes(':')) {
      // As in BullMQ: a ':' would make two (queue, id) pairs share a key.
      throw new Error(`bad queue name "${task.queue}": it must be non-empty and have no ":"`);
    }
    if (RESERVED_IDS.has(task.id)) throw new Error(`task id "${task.id}" is reserved by BullMQ`);
    const state: TaskState = task.eta > now ? 'SCHEDULED' : 'PENDING';
    const added = await this.#run(scripts.enqueue, [
      task.id,
      task.queue,
      state,
      // Ready score: ascending order is priority descending.
      String(-task.priority),
      String(task.eta),
      String(task.createdAt),
      padTime(task.eta),
      padTime(task.createdAt),
      ...taskFields(task),
    ]);
    if (added !== 1) throw new Error(`task "${task.id}" already exists`);
  }

  async reserve(
    queues: readonly string[],
    workerId: string,
    lockMs: number,
    max: number,
    now: number,
  ): Promise<TaskRecord[]> {
    if (queues.length === 0 || max < 1) return [];
    const reply = (await this.#run(scripts.reserve, [
      String(now),
      workerId,
      String(now + lockMs),
      String(Math.floor(max)),
      ...new Set(queues),
    ])) as string[][];
    return reply.map((flat) => hashToRecord(flatToHash(flat)));
  }

  async nextDue(queues: readonly string[], now: number): Promise<number | undefined> {
    if (queues.length === 0) return undefined;
    const due = (await this.#run(scripts.nextDue, [...new Set(queues)])) as string | number | null;
    return due === null ? undefined : Math.max(0, Number(due) - now);
  }

  async heartbeat(id: string, workerId: string, lockMs: number, now: number): Promise<LockStatus> {
    const [held, revoked] = (await this.#run(scripts.heartbeat, [
      id,
      workerId,
      String(now + lockMs),
    ])) as number[];
    return { held: held === 1, revokeRequested: held === 1 && revoked === 1 };
  }

  async complete(id: string, workerId: string, result: Json | undefined, now: number): Promise<boolean> {
    const args = [
      id,
      workerId,
      String(now),
      result === undefined ? '0' : '1',
      JSON.stringify(result ?? null),
    ];
    return (await this.#run(scripts.complete, args)) === 1;
  }

  async fail(
    id: string,
    workerId: string,
    error: TaskError,
    retryAt: number | undefined,
    now: number,
  ): Promise<boolean> {
    const args = [
      id,
      workerId,
      String(now),
      errorJson(error),
      error.message,
      // BullMQ keeps a list of stack traces, one per failed attempt; we keep the last one.
      JSON.stringify(error.stack === undefined ? [] : [error.stack]),
      retryAt === undefined ? '' : String(retryAt),
      retryAt === undefined ? '' : padTime(retryAt),
    ];
    return (await this.#run(scripts.fail, args)) === 1;
  }

  async progress(id: string, workerId: string, pct: number, note: string | undefined): Promise<void> {
    const clamped = Number.isFinite(pct) ? Math.min(100, Math.max(0, pct)) : 0;
    const json = JSON.stringify(note === undefined ? { pct: clamped } : { pct: clamped, note });
    await this.#run(scripts.progress, [id, workerId, json]);
  }

  async revoke(id: string, now: number): Promise<TaskState | undefined> {
    const state = (await this.#run(scripts.revoke, [id, String(now)])) as TaskState | null;
    return state ?? undefined;
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const flat = (await this.#run(scripts.get, [id])) as string[];
    return flat.length === 0 ? undefined : hashToRecord(flatToHash(flat));
  }

  async list(filter: ListFilter): Promise<TaskRecord[]> {
    const limit = filter.limit === undefined ? -1 : Math.max(0, Math.floor(filter.limit));
    const args = [String(limit), filter.name === undefined ? '0' : '1', filter.name ?? ''];
    if (filter.states !== undefined) {
      // An empty list of states matches nothing: '-' is no state's name.
      args.push(...(filter.states.length === 0 ? ['-'] : filter.states));
    }
    const reply = (await this.#run(scripts.list, args)) as string[][];
    return reply.map((flat) => hashToRecord(flatToHash(flat)));
  }

  async purge(): Promise<number> {
    return (await this.#run(scripts.purge, [])) as number;
  }

  /** Also forgets `claimOnce` keys claimed before `before`: their periods are as old as the results dropped. */
  async removeFinished(before: number): Promise<number> {
    let removed = 0;
    for (;;) {
      const [n, more] = (await this.#run(scripts.removeFinished, [String(before), REMOVE_BATCH])) as number[];
      removed += n ?? 0;
      if (more !== 1) return removed;
    }
  }

  async claimOnce(key: string, now: number): Promise<boolean> {
    return (await this.#client.zadd('pyros:claims', 'NX', String(now), key)) === 1;
  }

  async counts(): Promise<Partial<Record<TaskState, number>>> {
    const counts: Partial<Record<TaskState, number>> = {};
    for (const [state, n] of Object.entries(await this.#client.hgetall('pyros:counts'))) {
      if (Number(n) > 0) counts[state as TaskState] = Number(n);
    }
    return counts;
  }

  /** Redis's own persistence (`INFO persistence`, `CONFIG GET save`): without AOF, a restart loses tasks. */
  async durabilityWarning(): Promise<string | undefined> {
    const info = String(await this.#client.info('persistence'));
    if (/^aof_enabled:1\s*$/m.test(info)) return undefined;
    // CONFIG may be renamed or refused (managed Redis): then only AOF is known to be off.
    const save = await this.#client.config('GET', 'save').then(
      (r) => (Array.isArray(r) ? String(r[1] ?? '') : undefined),
      () => undefined,
    );
    const what =
      save === ''
        ? 'no persistence at all (appendonly no, save ""): a Redis restart loses every task and result'
        : 'no AOF (appendonly no): a Redis restart loses the tasks enqueued and the results recorded since its last snapshot';
    return `Redis broker ${redactUrl(this.url)} has ${what}; for durability set appendonly yes (docs/tasks.md)`;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#client.quit();
    } catch {
      // Already disconnected: nothing to say goodbye to.
    }
    this.#client.disconnect();
  }

  #run(script: LuaScript, args: readonly (string | number)[]): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error(`broker ${this.url} is closed`));
    return script.run(this.#client, args);
  }
}
