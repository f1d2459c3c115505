import { isMainThread } from 'node:worker_threads';
import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

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

/** A logger whose every line names its agent (or another component, such as 'host' or 'sender'). */
export function createLogger(agent: string): Logger {
  return rootLogger().child({ agent });
}
