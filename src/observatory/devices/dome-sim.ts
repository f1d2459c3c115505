import type { Clock } from '../clock/clock.js';
import { abandonable } from './abandonable.js';
import { ALWAYS_UP, type DeviceLink } from './device.js';
import { DeviceError } from './device-error.js';
import type { Dome, DomeState } from './dome.js';

/** How a simulated dome behaves. */
export interface DomeSimOptions {
  readonly clock: Clock;
  /** Default `dome`. */
  readonly name?: string;
  /** Full opening and full closing times, seconds of observatory time (default 60 each). */
  readonly openS?: number;
  readonly closeS?: number;
}

interface Motion {
  readonly direction: 'opening' | 'closing';
  /** Shutter fraction open (0 closed, 1 open) when the motion began. */
  readonly from: number;
  readonly start: number;
  readonly done: Promise<void>;
  readonly halt: AbortController;
}

/**
 * A simulated dome: the shutter moves at a constant rate, so closing from half open takes half
 * the closing time. Closing always wins: it interrupts an opening, and an opening is refused while
 * closing. It knows nothing of the weather: whether it may open is the safety rule's call
 * (safety/safety-rule.ts), which the observation manager applies before opening.
 */
export class DomeSim implements Dome {
  readonly name: string;
  readonly #clock: Clock;
  readonly #openMs: number;
  readonly #closeMs: number;
  /** Shutter fraction open while at rest. */
  #fraction = 0;
  #motion: Motion | undefined;

  constructor(options: DomeSimOptions) {
    this.name = options.name ?? 'dome';
    this.#clock = options.clock;
    this.#openMs = (options.openS ?? 60) * 1000;
    this.#closeMs = (options.closeS ?? 60) * 1000;
    for (const [what, ms] of [
      ['opening', this.#openMs],
      ['closing', this.#closeMs],
    ] as const) {
      if (!(ms >= 0) || !Number.isFinite(ms)) throw new DeviceError(this.name, `${what} time must be >= 0 s`);
    }
  }

  link(): DeviceLink {
    return ALWAYS_UP;
  }

  async disconnect(): Promise<void> {}

  state(): DomeState {
    if (this.#motion !== undefined) return this.#motion.direction;
    return this.#fraction >= 1 ? 'open' : 'closed';
  }

  /** How far open the shutter is now, 0 (closed) to 1 (open). */
  fractionOpen(): number {
    const m = this.#motion;
    if (m === undefined) return this.#fraction;
    const elapsed = this.#clock.now() - m.start;
    if (m.direction === 'opening')
      return this.#openMs === 0 ? 1 : Math.min(1, m.from + elapsed / this.#openMs);
    return this.#closeMs === 0 ? 0 : Math.max(0, m.from - elapsed / this.#closeMs);
  }

  async open(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const state = this.state();
    if (state === 'open') return;
    if (state === 'closing') throw new DeviceError(this.name, 'cannot open while closing');
    if (state === 'closed') this.#start('opening', this.#openMs);
    const motion = this.#motion as Motion;
    const onAbort = (): void => {
      if (this.#motion === motion) this.#reverse(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await motion.done;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const state = this.state();
    if (state === 'closed') return;
    if (state === 'opening') this.#reverse(new DeviceError(this.name, 'opening interrupted by close'));
    else if (state === 'open') this.#start('closing', this.#closeMs);
    await abandonable((this.#motion as Motion).done, signal);
  }

  /** Stops an opening (its promise rejects with `reason`) and closes from where the shutter is. */
  #reverse(reason: unknown): void {
    const m = this.#motion;
    if (m === undefined || m.direction !== 'opening') return;
    this.#fraction = this.fractionOpen();
    this.#motion = undefined;
    m.halt.abort(reason);
    this.#start('closing', this.#closeMs);
  }

  #start(direction: Motion['direction'], fullMs: number): void {
    const from = this.#fraction;
    const halt = new AbortController();
    const start = this.#clock.now();
    const remaining = direction === 'opening' ? (1 - from) * fullMs : from * fullMs;
    const done = this.#clock.sleep(remaining, halt.signal).then(() => {
      if (this.#motion !== motion) return;
      this.#motion = undefined;
      this.#fraction = direction === 'opening' ? 1 : 0;
    });
    // Every caller awaits `done`; this keeps a motion nobody waits for from being an unhandled rejection.
    done.catch(() => undefined);
    const motion: Motion = { direction, from, start, done, halt };
    this.#motion = motion;
  }
}
