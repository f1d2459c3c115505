import { isMainThread } from 'node:worker_threads';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Clock } from '../observatory/clock/clock.js';
import { clockExports, clockFromEnv, SIM_ENV } from '../observatory/clock/clock-from-env.js';
import { bounded, LogFolder } from './log-guard.js';

export type { Logger } from 'pino';

/** Environment variables read here; the host sets PYROS_LOG_FORMAT for its worker threads, whose stdout is never a TTY. */
export const LOG_LEVEL_ENV = 'PYROS_LOG_LEVEL';
export const LOG_FORMAT_ENV = 'PYROS_LOG_FORMAT';

export type LogFormat = 'pretty' | 'json';

/** 'pretty' on a terminal, JSON otherwise, unless PYROS_LOG_FORMAT says which. */
export function logFormat(): LogFormat {
  const chosen = process.env[LOG_FORMAT_ENV];
  if (chosen === 'pretty' || chosen === 'json') return chosen;
  return isMainThread && process.stdout.isTTY ? 'pretty' : 'json';
}

let root: Logger | undefined;

/** The field of every line that gives the observatory's simulated time (ISO), when the clock is simulated. */
export const SIM_TIME_KEY = 'simTime';

let simClock: { exports: number; clock: Clock | undefined } | undefined;

/**
 * The observatory's simulated time, ISO to the millisecond, or undefined on the real clock. Read
 * from the environment the host gives every thread and task worker (`pyros start --sim-start`),
 * so each thread's lines carry the same time (the host sets it after its first lines).
 */
export function simTimeNow(): string | undefined {
  // Read once per thread, and again only when this thread sets its clock (clockExports): no
  // environment lookups on every line.
  if (simClock?.exports !== clockExports()) {
    let clock: Clock | undefined;
    try {
      clock = process.env[SIM_ENV.start] ? clockFromEnv() : undefined;
    } catch {
      clock = undefined; // a bad variable is reported where the clock is made, not in every log line
    }
    simClock = { exports: clockExports(), clock };
  }
  const clock = simClock.clock;
  return clock === undefined ? undefined : new Date(clock.now()).toISOString();
}

/**
 * A pretty line: `[sim 2026-12-02 21:14:05] [agent] message` on a simulated clock (the time the
 * messages quote), `[agent] message` on the real one. pino-pretty's own timestamp stays the wall clock's.
 */
function prettyMessage(log: Record<string, unknown>, messageKey: string): string {
  const sim = log[SIM_TIME_KEY];
  const prefix = typeof sim === 'string' ? `[sim ${sim.slice(0, 19).replace('T', ' ')}] ` : '';
  return `${prefix}[${String(log.agent ?? '')}] ${String(log[messageKey] ?? '')}`;
}

/**
 * The one process-wide (thread-wide) pino logger. Writes are synchronous on fd 1 so that lines from
 * every worker thread reach the terminal whole and in order, and none is lost when a thread exits.
 */
export function rootLogger(): Logger {
  if (root) return root;
  const level = process.env[LOG_LEVEL_ENV] ?? 'info';
  const stream =
    logFormat() === 'pretty'
      ? pretty({
          sync: true,
          destination: 1,
          colorize: true,
          translateTime: 'HH:MM:ss.l',
          ignore: `pid,hostname,agent,${SIM_TIME_KEY}`,
          messageFormat: prettyMessage,
        })
      : pino.destination({ dest: 1, sync: true });
  root = pino(
    {
      level,
      base: { pid: process.pid },
      mixin: () => {
        const sim = simTimeNow();
        return sim === undefined ? {} : { [SIM_TIME_KEY]: sim };
      },
    },
    stream,
  );
  return root;
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/**
 * A logger whose every line names its agent (or another component, such as 'host' or 'sender').
 * Its messages are bounded in length, and repeats (info and above) folded with a count (log-guard.ts).
 */
export function createLogger(agent: string): Logger {
  const child = rootLogger().child({ agent });
  const original = Object.fromEntries(LEVELS.map((name) => [name, child[name].bind(child)])) as Record<
    (typeof LEVELS)[number],
    (...args: unknown[]) => void
  >;
  const folder = new LogFolder((level, message) => {
    const name = LEVELS.find((n) => pino.levels.values[n] === level) ?? 'warn';
    original[name]({ folded: true }, message);
  });
  for (const name of LEVELS) {
    const level = pino.levels.values[name] ?? 30;
    const write = original[name];
    (child as unknown as Record<string, unknown>)[name] = (...args: unknown[]): void => {
      const at = typeof args[0] === 'string' ? 0 : 1;
      const text = args[at];
      if (typeof text === 'string') {
        if (level >= 30 && !folder.admit(level, text)) return;
        args[at] = bounded(text);
      }
      write(...args);
    };
  }
  return child;
}
