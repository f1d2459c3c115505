import { isMainThread } from 'node:worker_threads';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
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
          ignore: 'pid,hostname,agent',
          messageFormat: '[{agent}] {msg}',
        })
      : pino.destination({ dest: 1, sync: true });
  root = pino({ level, base: { pid: process.pid } }, stream);
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
