import type { Equatorial } from '../astro/coordinates.js';
import type { Device } from './device.js';

/** What the mount is doing. */
export type TelescopeStatus = 'parked' | 'idle' | 'slewing' | 'tracking';

/** What a telescope emits; times are observatory time (the Clock's), ms since the epoch. */
export interface TelescopeEvents {
  /** A slew began (the alert benchmark measures alert-to-slew latency to this event). */
  readonly 'slew-start': { readonly target: Equatorial; readonly from: Equatorial; readonly time: number };
  /** A slew ended: `arrived` false when it was stopped, aborted or replaced by another slew. */
  readonly 'slew-end': { readonly target: Equatorial; readonly time: number; readonly arrived: boolean };
}

/** A telescope mount, simulated ({@link TelescopeSim}) or real; positions are J2000 degrees. */
export interface Telescope extends Device {
  /** Where the telescope points now (mid-slew: where it has got to). */
  pointing(): Equatorial;
  status(): TelescopeStatus;
  /**
   * Slews to `target` and tracks it; resolves once settled. Rejects with a DeviceError if the
   * target is below the horizon limit at the time of the command, or if the slew is stopped or
   * replaced; with the signal's reason if aborted (the mount then stops where it is).
   */
  slewTo(target: Equatorial, signal?: AbortSignal): Promise<void>;
  /** Slews to the park position and stays there (no horizon check). */
  park(signal?: AbortSignal): Promise<void>;
  /** Stops any motion at once; the telescope is then idle where it stands. */
  stop(): void;
  /** Calls `listener` on each `event`; returns a function that removes it. */
  on<E extends keyof TelescopeEvents>(event: E, listener: (payload: TelescopeEvents[E]) => void): () => void;
}
