/**
 * What keeps a peer from flooding the log: every message is cut to a bounded length; a warning
 * like one said within the last window (the same text but for its numbers: ports, sizes, counts)
 * is folded, said once more at the end of the window with how many were left out; and past a rate
 * (a burst, then lines per second) lines are counted instead of written. A hostile peer sending a
 * megabyte of garbage a thousand times a second costs a few lines a window.
 */

/** The longest message written (characters); the rest is cut, with how much was. */
export const MAX_LOG_MESSAGE = 1000;
/** Repeats of a message within this window (ms) are folded. */
export const FOLD_WINDOW_MS = 10_000;
/** Distinct messages followed at once for folding (the oldest is let go beyond). */
const MAX_SHAPES = 64;
/** Folded from this pino level up (warn): a repeated info line is the night going on, not a flood. */
const FOLD_FROM_LEVEL = 40;
/** Lines a logger may write at once, after a quiet time. */
export const LOG_BURST = 200;
/** Lines per second a logger may write on average, past its burst. */
export const LOG_RATE_PER_S = 50;

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
  return message.slice(0, 200).replace(/\d+/g, '#');
}

interface Shape {
  readonly level: number;
  readonly since: number;
  folded: number;
  last: string;
}

/**
 * Per logger: decides whether a message is written, and what to write when a window ends. `emit`
 * writes a line at a level (the summaries, which come from a timer).
 */
export class LogFolder {
  readonly #shapes = new Map<string, Shape>();
  #tokens = LOG_BURST;
  #refilled = 0;
  #dropped = 0;
  #droppedLevel = 0;
  #droppedFirst = '';
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: (level: number, message: string) => void,
    private readonly windowMs = FOLD_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Whether to write `message` at `level` now (false: folded into a count, or over the rate).
   * Warnings and errors are folded; every level counts against the rate.
   */
  admit(level: number, message: string): boolean {
    const now = this.now();
    this.#expire(now);
    const shape = level >= FOLD_FROM_LEVEL ? shapeOf(message) : undefined;
    const seen = shape === undefined ? undefined : this.#shapes.get(shape);
    if (seen !== undefined && seen.level === level) {
      seen.folded++;
      seen.last = message;
      this.#arm();
      return false;
    }
    if (!this.#take(now)) {
      if (this.#dropped === 0) this.#droppedFirst = message;
      this.#dropped++;
      this.#droppedLevel = Math.max(this.#droppedLevel, level);
      this.#arm();
      return false;
    }
    if (shape === undefined) return true;
    this.#shapes.set(shape, { level, since: now, folded: 0, last: message });
    if (this.#shapes.size > MAX_SHAPES) this.#end(this.#shapes.keys().next().value as string);
    return true;
  }

  /** Says what was folded or not written, now. */
  flush(): void {
    for (const shape of [...this.#shapes.keys()]) this.#end(shape);
    this.#sayDropped();
  }

  /** A token from the bucket (refilled at the rate, up to the burst), or false. */
  #take(now: number): boolean {
    this.#tokens = Math.min(LOG_BURST, this.#tokens + ((now - this.#refilled) / 1000) * LOG_RATE_PER_S);
    this.#refilled = now;
    if (this.#tokens < 1) return false;
    this.#tokens--;
    return true;
  }

  /** Ends the windows that are over. */
  #expire(now: number): void {
    for (const [shape, s] of this.#shapes) if (now - s.since >= this.windowMs) this.#end(shape);
  }

  #end(shape: string): void {
    const s = this.#shapes.get(shape);
    this.#shapes.delete(shape);
    if (s === undefined || s.folded === 0) return;
    const secs = Math.max(1, Math.round((this.now() - s.since) / 1000));
    this.emit(s.level, `… ${s.folded} more like it in ${secs} s, the last: ${bounded(s.last)}`);
  }

  #sayDropped(): void {
    if (this.#dropped === 0) return;
    const n = this.#dropped;
    this.#dropped = 0;
    this.emit(
      this.#droppedLevel,
      `… ${n} log lines not written: over ${LOG_RATE_PER_S} lines/s; the first: ${bounded(this.#droppedFirst)}`,
    );
    this.#droppedLevel = 0;
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#expire(this.now());
      this.#sayDropped();
      if ([...this.#shapes.values()].some((s) => s.folded > 0)) this.#arm();
    }, this.windowMs);
    this.#timer.unref();
  }
}
