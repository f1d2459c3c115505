import type { Clock } from '../clock/clock.js';
import { ALWAYS_UP, type DeviceLink } from './device.js';
import { DeviceError } from './device-error.js';
import type { Focuser, FocuserStatus } from './focuser.js';

/** How a simulated focuser behaves. */
export interface FocuserSimOptions {
  readonly clock: Clock;
  /** Default `focuser`. */
  readonly name?: string;
  /** Default 100000. */
  readonly maxPosition?: number;
  /** Where it is at start (default the middle). */
  readonly position?: number;
  /** Speed, steps per second of observatory time (default 5000). */
  readonly stepsPerS?: number;
}

/** A simulated focuser: moves at a constant speed; an abort stops it where it has got to. */
export class FocuserSim implements Focuser {
  readonly name: string;
  readonly #clock: Clock;
  readonly #max: number;
  readonly #stepsPerMs: number;
  #position: number;
  #move: { controller: AbortController; from: number; to: number; start: number } | undefined;

  constructor(options: FocuserSimOptions) {
    this.name = options.name ?? 'focuser';
    this.#clock = options.clock;
    this.#max = options.maxPosition ?? 100_000;
    const speed = options.stepsPerS ?? 5000;
    if (!Number.isInteger(this.#max) || this.#max < 1) {
      throw new DeviceError(this.name, `max position must be a whole number >= 1, got ${this.#max}`);
    }
    if (!(speed > 0) || !Number.isFinite(speed)) {
      throw new DeviceError(this.name, `speed must be > 0 steps/s, got ${speed}`);
    }
    this.#stepsPerMs = speed / 1000;
    this.#position = this.#checked(options.position ?? Math.round(this.#max / 2));
  }

  link(): DeviceLink {
    return ALWAYS_UP;
  }

  async disconnect(): Promise<void> {
    this.#move?.controller.abort(new DeviceError(this.name, 'closed'));
  }

  position(): number {
    const move = this.#move;
    if (move === undefined) return this.#position;
    const done = Math.min(
      1,
      ((this.#clock.now() - move.start) * this.#stepsPerMs) / Math.abs(move.to - move.from),
    );
    return Math.round(move.from + (move.to - move.from) * done);
  }

  maxPosition(): number {
    return this.#max;
  }

  status(): FocuserStatus {
    return this.#move === undefined ? 'idle' : 'moving';
  }

  async moveTo(position: number, signal?: AbortSignal): Promise<void> {
    const target = this.#checked(position);
    signal?.throwIfAborted();
    const from = this.position();
    this.#stop(new DeviceError(this.name, `move replaced by a move to ${target}`));
    if (target === from) return;
    const move = { controller: new AbortController(), from, to: target, start: this.#clock.now() };
    this.#move = move;
    const onAbort = (): void => this.#stop(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.#clock.sleep(Math.abs(target - from) / this.#stepsPerMs, move.controller.signal);
      this.#position = target;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (this.#move === move) this.#move = undefined;
    }
  }

  /** Stops a move where it has got to, rejecting it with `reason`. */
  #stop(reason: unknown): void {
    const move = this.#move;
    if (move === undefined) return;
    this.#position = this.position();
    this.#move = undefined;
    move.controller.abort(reason);
  }

  #checked(position: number): number {
    if (!Number.isInteger(position) || position < 0 || position > this.#max) {
      throw new DeviceError(this.name, `position ${position} outside 0..${this.#max}`);
    }
    return position;
  }
}
