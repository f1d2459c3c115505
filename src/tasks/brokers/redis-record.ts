import type { Json, NewTask, TaskError, TaskProgress, TaskRecord, TaskState } from '../task-record.js';

/** A task hash as HGETALL returns it. */
export type TaskHash = Readonly<Record<string, string>>;

const ORDER_DIGITS = 15;
const ORDER_MAX = 10 ** ORDER_DIGITS - 1;

/**
 * A time as a fixed-width decimal for the `ord` member of the ready set, so that Redis's byte order
 * of members is the order of times. Times are clamped to 0..10^15-1 ms (year 33658): outside
 * that, only the tie-breaking order among equal priorities would be off.
 */
export function padTime(ms: number): string {
  const clamped = Math.min(ORDER_MAX, Math.max(0, Math.floor(ms)));
  return String(clamped).padStart(ORDER_DIGITS, '0');
}

/** The flat field/value list ENQUEUE stores for a new task: BullMQ's job fields, then ours. */
export function taskFields(task: NewTask): string[] {
  const fields = [
    'id',
    task.id,
    'name',
    task.name,
    'data',
    JSON.stringify(task.args),
    // BullMQ's view of our retry policy (attempts counts the first run).
    'opts',
    JSON.stringify({
      attempts: task.maxRetries + 1,
      backoff: { type: 'exponential', delay: task.retryBackoffMs },
    }),
    'timestamp',
    String(task.createdAt),
    'delay',
    String(Math.max(0, task.eta - task.createdAt)),
    'priority',
    String(task.priority),
    'ats',
    '0',
    'queue',
    task.queue,
    'eta',
    String(task.eta),
    'maxRetries',
    String(task.maxRetries),
    'backoff',
    String(task.retryBackoffMs),
  ];
  if (task.expires !== undefined) fields.push('expires', String(task.expires));
  return fields;
}

/** An HGETALL reply inside a script's reply (a flat [field, value, ...] list) as an object. */
export function flatToHash(flat: readonly string[]): TaskHash {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i] as string] = flat[i + 1] as string;
  return hash;
}

/** The stored error, keeping only name/message/stack (an Error instance would stringify to {}). */
export function errorJson(error: TaskError): string {
  return JSON.stringify(
    error.stack === undefined
      ? { name: error.name, message: error.message }
      : { name: error.name, message: error.message, stack: error.stack },
  );
}

/** Maps a task hash to a record; optional fields are left out (not set to undefined) when absent. */
export function hashToRecord(h: TaskHash): TaskRecord {
  const field = (name: string): string => {
    const value = h[name];
    if (value === undefined) throw new Error(`task hash ${h.id ?? '?'} has no field "${name}"`);
    return value;
  };
  const record: { -readonly [K in keyof TaskRecord]: TaskRecord[K] } = {
    id: field('id'),
    name: field('name'),
    args: JSON.parse(field('data')) as Json[],
    queue: field('queue'),
    priority: Number(field('priority')),
    eta: Number(field('eta')),
    maxRetries: Number(field('maxRetries')),
    retryBackoffMs: Number(field('backoff')),
    createdAt: Number(field('timestamp')),
    state: field('state') as TaskState,
    attempt: Number(field('ats')),
    revokeRequested: h.revoke === '1',
  };
  if (h.expires !== undefined) record.expires = Number(h.expires);
  if (h.pb !== undefined) record.workerId = h.pb;
  if (h.lockUntil !== undefined) record.lockUntil = Number(h.lockUntil);
  if (h.returnvalue !== undefined) record.result = JSON.parse(h.returnvalue) as Json;
  if (h.error !== undefined) record.error = JSON.parse(h.error) as TaskError;
  if (h.progress !== undefined) record.progress = JSON.parse(h.progress) as TaskProgress;
  if (h.processedOn !== undefined) record.startedAt = Number(h.processedOn);
  if (h.finishedOn !== undefined) record.finishedAt = Number(h.finishedOn);
  return record;
}
