import { EventEmitter } from 'node:events';
import type { Logger } from '../../../../src/logging/logger.js';

/** A logged line. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly text: string;
}

/**
 * A logger that keeps its lines and says when one comes, so that a test waits for a line (the
 * source's state changes are all logged) instead of sleeping.
 */
export function eventLog() {
  const lines: LogLine[] = [];
  const events = new EventEmitter<{ line: [LogLine] }>();
  events.setMaxListeners(0);
  const at =
    (level: LogLine['level']) =>
    (first: unknown, second?: unknown): void => {
      // pino's `(object, text)` form as well as `(text)`; objects are kept whole, to catch a secret in one.
      const text = typeof second === 'string' ? `${JSON.stringify(first)} ${second}` : String(first);
      const line = { level, text };
      lines.push(line);
      events.emit('line', line);
    };
  const log = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  } as unknown as Logger;

  /** The first line from `from` on that matches, as soon as there is one (rejects after `timeoutMs`). */
  const next = (match: RegExp, timeoutMs = 2000, from = 0): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const found = lines.slice(from).find((l) => match.test(l.text));
      if (found !== undefined) {
        resolve(found);
        return;
      }
      const timer = setTimeout(() => {
        events.off('line', onLine);
        reject(
          new Error(`no log line matching ${match} within ${timeoutMs} ms; lines:\n${texts().join('\n')}`),
        );
      }, timeoutMs);
      const onLine = (line: LogLine) => {
        if (!match.test(line.text)) return;
        clearTimeout(timer);
        events.off('line', onLine);
        resolve(line);
      };
      events.on('line', onLine);
    });
  const texts = () => lines.map((l) => `${l.level} ${l.text}`);
  const count = (level: LogLine['level'], match: RegExp) =>
    lines.filter((l) => l.level === level && match.test(l.text)).length;
  return { log, lines, next, texts, count };
}
