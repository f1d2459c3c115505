/**
 * What keeps a peer from flooding the log: every message is cut to a bounded length, and a message
 * like the last one (the same text but for its numbers: ports, sizes, counts) within a window is
 * folded, said once more at the end of the window with how many were left out. A hostile peer
 * sending a megabyte of garbage a thousand times a second costs a line a second.
 */

/** The longest message written (characters); the rest is cut, with how much was. */
export const MAX_LOG_MESSAGE = 1000;
/** Repeats of a message within this window (ms) are folded. */
export const FOLD_WINDOW_MS = 10_000;

/** `text` cut to `max` characters, saying how much was left out. */
export function bounded(text: string, max = MAX_LOG_MESSAGE): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

/** A name or a peer's text quoted for a log line, cut to `max` characters. */
export function quoted(text: string, max = 80): string {
  return JSON.stringify(text.length <= max ? text : `${text.slice(0, max)}…`);
}

/** The shape of a message, for telling repeats apart from news: its numbers do not count. */
function shapeOf(message: string): string {
  return message.replace(/\d+/g, '#');
}

/**
 * Per logger: decides whether a message is written, and what to write when repeats end. `emit`
 * writes a line at a level (used for the fold's summary, which may come from a timer).
 */
export class LogFolder {
  #shape = '';
  #level = 0;
  #since = 0;
  #folded = 0;
  #last = '';
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: (level: number, message: string) => void,
    private readonly windowMs = FOLD_WINDOW_MS,
  ) {}

  /** Whether to write `message` at `level` now (false: folded into a count). */
  admit(level: number, message: string, now = Date.now()): boolean {
    const shape = shapeOf(message);
    if (shape === this.#shape && level === this.#level && now - this.#since < this.windowMs) {
      this.#folded++;
      this.#last = message;
      this.#arm();
      return false;
    }
    this.flush();
    this.#shape = shape;
    this.#level = level;
    this.#since = now;
    return true;
  }

  /** Says how many were folded, if any. */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#folded === 0) return;
    const n = this.#folded;
    this.#folded = 0;
    this.#shape = '';
    this.emit(
      this.#level,
      `… ${n} more like it in ${Math.round(this.windowMs / 1000)} s, the last: ${this.#last}`,
    );
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    const left = Math.max(0, this.#since + this.windowMs - Date.now());
    this.#timer = setTimeout(() => this.flush(), left);
    this.#timer.unref();
  }
}
