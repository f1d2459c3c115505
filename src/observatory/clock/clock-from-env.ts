import type { Clock } from './clock.js';
import { RealClock } from './real-clock.js';
import { SimClock } from './sim-clock.js';

/** The variables that carry a simulated clock to every thread and child process. */
export const SIM_ENV = {
  start: 'PYROS_SIM_START',
  speed: 'PYROS_SIM_SPEED',
  anchor: 'PYROS_SIM_ANCHOR',
  /** The simulated night's first start (a resumed run keeps it): where the weather scenario's times count from. */
  origin: 'PYROS_SIM_ORIGIN',
} as const;

/** The simulation's origin from the environment, if a simulated clock is set. */
export function simOrigin(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env[SIM_ENV.origin];
  if (text === undefined || text === '') return undefined;
  return parseTime(text, SIM_ENV.origin);
}

/**
 * The clock described by the environment: simulated when `PYROS_SIM_START` is set (ISO time or
 * ms since the epoch, with `PYROS_SIM_SPEED`, default 1, and `PYROS_SIM_ANCHOR`, the real ms at
 * which the simulation started), real otherwise. Throws one line naming the bad variable.
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const start = env[SIM_ENV.start];
  if (start === undefined || start === '') return new RealClock();
  const startMs = parseTime(start, SIM_ENV.start);
  const speed = Number(env[SIM_ENV.speed] ?? '1');
  if (!(speed > 0) || !Number.isFinite(speed)) {
    throw new Error(`${SIM_ENV.speed}: expected a number > 0, got "${env[SIM_ENV.speed]}"`);
  }
  const anchorText = env[SIM_ENV.anchor];
  const anchor = anchorText === undefined ? undefined : parseTime(anchorText, SIM_ENV.anchor);
  return new SimClock(startMs, speed, anchor);
}

let exported = 0;

/**
 * How many times this thread has set its own clock variables (exportClock): what reads them
 * often (the logger) reads them again only when this changes. A thread's environment is a copy
 * made when it starts, so nothing else changes them under it.
 */
export function clockExports(): number {
  return exported;
}

/** Sets the variables for `clock` in `env` (the host does this before starting its threads). */
export function exportClock(clock: SimClock, env: NodeJS.ProcessEnv = process.env): void {
  env[SIM_ENV.start] = String(clock.start);
  env[SIM_ENV.speed] = String(clock.speed);
  env[SIM_ENV.anchor] = String(clock.anchor);
  if (env === process.env) exported++;
}

/** An ISO 8601 time or ms since the epoch. */
export function parseTime(text: string, what: string): number {
  const ms = /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms))
    throw new Error(`${what}: expected an ISO time or ms since the epoch, got "${text}"`);
  return ms;
}
