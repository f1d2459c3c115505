import type { Equatorial, Site } from '../astro/coordinates.js';
import type { Clock } from '../clock/clock.js';
import { ALWAYS_UP, type DeviceLink } from './device.js';
import { DeviceError } from './device-error.js';
import { DeviceEvents } from './device-events.js';
import { interpolateDeg, invalidPosition, separationDeg, slewRefusal } from './sky.js';
import type { Telescope, TelescopeEvents, TelescopeStatus } from './telescope.js';

/** How a simulated mount behaves. */
export interface TelescopeSimOptions {
  /** Where it stands: the horizon limit comes from here. */
  readonly site: Site;
  readonly clock: Clock;
  /** Default `telescope`. */
  readonly name?: string;
  /** Slew speed along the great circle, degrees per second of observatory time (default 3). */
  readonly slewRateDegPerS?: number;
  /** Time to settle after the motion, seconds (default 2). */
  readonly settleS?: number;
  /** Where it parks and starts (default: the celestial pole of the site's hemisphere). */
  readonly parkPosition?: Equatorial;
}

interface Motion {
  readonly from: Equatorial;
  readonly to: Equatorial;
  readonly start: number;
  readonly moveMs: number;
  readonly halt: AbortController;
}

/**
 * A simulated mount: slews along the great circle at a fixed rate, settles, then tracks (its
 * position stays fixed in RA/Dec; the drift of an idle mount is not modelled). Every wait is on
 * the Clock, so a simulated night at speed N slews N times faster.
 */
export class TelescopeSim implements Telescope {
  readonly name: string;
  readonly #site: Site;
  readonly #clock: Clock;
  readonly #rate: number;
  readonly #settleMs: number;
  readonly #park: Equatorial;
  readonly #events = new DeviceEvents<TelescopeEvents>();
  #status: TelescopeStatus = 'parked';
  #position: Equatorial;
  #motion: Motion | undefined;

  constructor(options: TelescopeSimOptions) {
    this.name = options.name ?? 'telescope';
    this.#site = options.site;
    this.#clock = options.clock;
    this.#rate = options.slewRateDegPerS ?? 3;
    this.#settleMs = (options.settleS ?? 2) * 1000;
    this.#park = options.parkPosition ?? { raDeg: 0, decDeg: options.site.latitudeDeg >= 0 ? 90 : -90 };
    if (!(this.#rate > 0) || !Number.isFinite(this.#rate)) {
      throw new DeviceError(
        this.name,
        `slew rate must be a number > 0 deg/s, got ${options.slewRateDegPerS}`,
      );
    }
    if (!(this.#settleMs >= 0))
      throw new DeviceError(this.name, `settle time must be >= 0 s, got ${options.settleS}`);
    const bad = invalidPosition(this.#park);
    if (bad !== undefined) throw new DeviceError(this.name, `invalid park position: ${bad}`);
    this.#position = this.#park;
  }

  link(): DeviceLink {
    return ALWAYS_UP;
  }

  async disconnect(): Promise<void> {
    this.stop();
  }

  pointing(): Equatorial {
    const m = this.#motion;
    if (m === undefined) return this.#position;
    const f = m.moveMs === 0 ? 1 : Math.min(1, Math.max(0, (this.#clock.now() - m.start) / m.moveMs));
    return f === 1 ? m.to : interpolateDeg(m.from, m.to, f);
  }

  status(): TelescopeStatus {
    return this.#status;
  }

  async slewTo(target: Equatorial, signal?: AbortSignal): Promise<void> {
    const refused = slewRefusal(this.#site, target, this.#clock.now());
    if (refused !== undefined) throw new DeviceError(this.name, refused);
    await this.#move(target, 'tracking', signal);
  }

  park(signal?: AbortSignal): Promise<void> {
    return this.#move(this.#park, 'parked', signal);
  }

  stop(): void {
    if (this.#motion !== undefined) this.#halt(new DeviceError(this.name, 'slew stopped'));
    else if (this.#status === 'tracking') this.#status = 'idle';
  }

  on<E extends keyof TelescopeEvents>(event: E, listener: (payload: TelescopeEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** Moves to `target`, ending in `end`; a motion under way is halted first (it rejects). */
  async #move(target: Equatorial, end: TelescopeStatus, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#motion !== undefined) this.#halt(new DeviceError(this.name, 'slew replaced by a new slew'));
    const from = this.pointing();
    const motion: Motion = {
      from,
      to: target,
      start: this.#clock.now(),
      moveMs: (separationDeg(from, target) / this.#rate) * 1000,
      halt: new AbortController(),
    };
    this.#motion = motion;
    this.#status = 'slewing';
    this.#events.emit('slew-start', { target, from, time: motion.start });
    const onAbort = (): void => {
      if (this.#motion === motion) this.#halt(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.#clock.sleep(motion.moveMs + this.#settleMs, motion.halt.signal);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    this.#motion = undefined;
    this.#position = target;
    this.#status = end;
    this.#events.emit('slew-end', { target, time: this.#clock.now(), arrived: true });
  }

  /** Freezes the mount where it is; the motion's promise rejects with `reason`. */
  #halt(reason: unknown): void {
    const m = this.#motion;
    if (m === undefined) return;
    this.#position = this.pointing();
    this.#motion = undefined;
    this.#status = 'idle';
    m.halt.abort(reason);
    this.#events.emit('slew-end', { target: m.to, time: this.#clock.now(), arrived: false });
  }
}
