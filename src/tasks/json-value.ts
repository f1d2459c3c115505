import type { Json } from './task-record.js';

/** A value that is not JSON, with where in it the problem is. */
export class NotJsonError extends TypeError {
  override readonly name = 'NotJsonError';
}

/**
 * Checks that `value` survives JSON unchanged, so that a task's arguments are refused when the task
 * is called, not when a worker in another process finds them mangled: no undefined, functions,
 * symbols, BigInt, non-finite numbers, Dates, Maps, class instances or cycles.
 */
export function assertJson(
  value: unknown,
  where: string,
  seen: Set<object> = new Set(),
): asserts value is Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotJsonError(`${where} is ${value}, which JSON cannot carry`);
    return;
  }
  if (typeof value !== 'object')
    throw new NotJsonError(`${where} is a ${typeof value}, which JSON cannot carry`);
  if (seen.has(value)) throw new NotJsonError(`${where} refers to itself`);
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      assertJson(v, `${where}[${i}]`, seen);
    });
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new NotJsonError(
        `${where} is a ${value.constructor?.name ?? 'class instance'}, not a plain object`,
      );
    }
    for (const [k, v] of Object.entries(value)) assertJson(v, `${where}.${k}`, seen);
  }
  seen.delete(value);
}
