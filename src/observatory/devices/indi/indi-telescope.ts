import type { Equatorial, Site } from '../../astro/coordinates.js';
import { dateToJ2000, j2000ToDate } from '../../astro/of-date.js';
import type { Clock } from '../../clock/clock.js';
import type { DeviceLink } from '../device.js';
import { DeviceEvents } from '../device-events.js';
import { separationDeg, slewRefusal } from '../sky.js';
import type { Telescope, TelescopeEvents, TelescopeStatus } from '../telescope.js';
import type { IndiDevice } from './indi-device.js';

/** The standard INDI properties of a mount (libindi's inditelescope). */
const J2000 = 'EQUATORIAL_COORD';
const EOD = 'EQUATORIAL_EOD_COORD';
const PARK = 'TELESCOPE_PARK';
const ABORT = 'TELESCOPE_ABORT_MOTION';
const TRACK_STATE = 'TELESCOPE_TRACK_STATE';
/** Gotos sent to one target before it counts as not reached. */
const GOTO_ATTEMPTS = 3;

/** How an INDI mount is driven. */
export interface IndiTelescopeOptions {
  readonly clock: Clock;
  readonly site: Site;
  /** Arrived: the driver says Ok and points within this of the target (degrees). */
  readonly arriveWithinDeg: number;
  /** How long after the driver's Ok the mount may take to come within `arriveWithinDeg` (ms). */
  readonly settleMs: number;
}

/**
 * A mount on INDI. A goto is `ON_COORD_SET` = TRACK then the target in `EQUATORIAL_COORD` (J2000)
 * where the driver has it, else in `EQUATORIAL_EOD_COORD` (of the date, converted here); it has
 * arrived when the coordinates' state is Ok *and* the mount points within `arriveWithinDeg` of the
 * target, since a driver may answer Ok to a goto it silently ignored. The horizon limit is the
 * site's, checked here before anything moves. Stopping aborts the motion and turns tracking off.
 */
export class IndiTelescope implements Telescope {
  readonly name = 'telescope';
  readonly #d: IndiDevice;
  readonly #o: IndiTelescopeOptions;
  readonly #events = new DeviceEvents<TelescopeEvents>();
  #slew: AbortController | undefined;
  /** The last pointing known, for when the device is down (its cache is then empty). */
  #last: Equatorial = { raDeg: 0, decDeg: 90 };

  constructor(device: IndiDevice, options: IndiTelescopeOptions) {
    this.#d = device;
    this.#o = options;
  }

  link(): DeviceLink {
    return this.#d.link();
  }

  disconnect(): Promise<void> {
    this.#slew?.abort(this.#d.error('disconnected'));
    return this.#d.disconnect();
  }

  pointing(): Equatorial {
    const d = this.#d;
    const useJ2000 = d.has(J2000);
    const name = useJ2000 ? J2000 : EOD;
    const ra = d.number(name, 'RA');
    const dec = d.number(name, 'DEC');
    if (ra === undefined || dec === undefined) return this.#last;
    const p = { raDeg: (((ra * 15) % 360) + 360) % 360, decDeg: dec };
    this.#last = useJ2000 ? p : dateToJ2000(p, this.#o.clock.now());
    return this.#last;
  }

  status(): TelescopeStatus {
    const d = this.#d;
    const coord = d.has(J2000) ? J2000 : EOD;
    if (this.#slew !== undefined) return 'slewing';
    if (d.has(PARK) && d.vector(PARK).state === 'Busy') return 'slewing';
    // Parked wins over the coordinates' state, which some drivers leave Busy a moment longer.
    if (d.isOn(PARK, 'PARK')) return 'parked';
    if (d.has(coord) && d.vector(coord).state === 'Busy') return 'slewing';
    if (d.has(TRACK_STATE)) return d.isOn(TRACK_STATE, 'TRACK_ON') ? 'tracking' : 'idle';
    return 'idle';
  }

  on<E extends keyof TelescopeEvents>(event: E, listener: (payload: TelescopeEvents[E]) => void): () => void {
    return this.#events.on(event, listener);
  }

  async slewTo(target: Equatorial, signal?: AbortSignal): Promise<void> {
    const refused = slewRefusal(this.#o.site, target, this.#o.clock.now());
    if (refused !== undefined) throw this.#d.error(refused);
    await this.#move(target, signal, async (s) => {
      const d = this.#d;
      if (d.isOn(PARK, 'PARK')) await d.request(PARK, ['UNPARK'], { signal: s });
      // Set only when it is not TRACK already: each request is a round trip to the driver (about
      // 43 ms through indiserver), and an alert's slew should not wait for one it does not need.
      if (d.has('ON_COORD_SET') && !d.isOn('ON_COORD_SET', 'TRACK')) {
        await d.request('ON_COORD_SET', ['TRACK'], { signal: s });
      }
      const useJ2000 = d.has(J2000);
      const coord = useJ2000 ? J2000 : EOD;
      const within = () => separationDeg(this.pointing(), target) <= this.#o.arriveWithinDeg;
      // Ok is the driver's word; the position is the proof. A mount may report Ok before it has
      // settled, or land off its first goto (INDI's simulator, right after an unpark: 0.04–0.09°),
      // so it gets the settling time, then the goto again, as a careful operator would. A goto
      // the driver ignores stays off the target: that fails.
      for (let attempt = 1; ; attempt++) {
        const p = useJ2000 ? target : j2000ToDate(target, this.#o.clock.now());
        await d.request(coord, { RA: p.raDeg / 15, DEC: p.decDeg }, { signal: s });
        if (within()) return;
        const settled = await d.client
          .waitFor(d.device, coord, within, { timeoutMs: this.#o.settleMs, signal: s })
          .then(
            () => true,
            () => false,
          );
        s.throwIfAborted();
        if (settled) return;
        if (attempt === GOTO_ATTEMPTS) {
          const off = separationDeg(this.pointing(), target);
          throw d.error(
            `the driver says the goto is done, but after ${GOTO_ATTEMPTS} gotos the mount points ${off.toFixed(3)}° from the target`,
          );
        }
      }
    });
  }

  async park(signal?: AbortSignal): Promise<void> {
    const d = this.#d;
    if (!d.has(PARK)) {
      d.assertUp();
      throw d.error(`"${d.device}" has no ${PARK}: it cannot be parked`);
    }
    const target = this.pointing();
    await this.#move(target, signal, async (s) => {
      await d.request(PARK, ['PARK'], { signal: s });
      if (!d.isOn(PARK, 'PARK')) throw d.error(`${PARK} answered Ok but the mount is not parked`);
    });
  }

  stop(): void {
    this.#slew?.abort(this.#d.error('slew stopped'));
    this.#halt();
  }

  /** Aborts the motion on the device and turns tracking off; a failure to send is only logged by the caller's state. */
  #halt(): void {
    const d = this.#d;
    try {
      if (d.has(ABORT)) d.send(ABORT, 'Switch', ['ABORT']);
      if (d.has(TRACK_STATE)) d.send(TRACK_STATE, 'Switch', ['TRACK_OFF']);
    } catch {
      // Not connected: nothing moves that we could stop, and link() says why.
    }
  }

  /** One motion: replaces the one under way, emits slew-start/-end, aborts on the device if stopped. */
  async #move(
    target: Equatorial,
    signal: AbortSignal | undefined,
    run: (s: AbortSignal) => Promise<void>,
  ): Promise<void> {
    signal?.throwIfAborted();
    this.#d.assertUp();
    this.#slew?.abort(this.#d.error('slew replaced by a new slew'));
    const controller = new AbortController();
    this.#slew = controller;
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#events.emit('slew-start', { target, from: this.pointing(), time: this.#o.clock.now() });
    let arrived = false;
    try {
      await run(controller.signal);
      arrived = true;
    } catch (err) {
      if (controller.signal.aborted) {
        // Replaced: the new motion's goto supersedes this one; anything else stops the mount.
        if (!/replaced/.test(String((controller.signal.reason as Error)?.message))) this.#halt();
        throw controller.signal.reason;
      }
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (this.#slew === controller) this.#slew = undefined;
      this.#events.emit('slew-end', { target, time: this.#o.clock.now(), arrived });
    }
  }
}
