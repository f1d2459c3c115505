import type { RotationMatrix } from 'astronomy-engine';
import type { Equatorial, Horizontal, Site } from './coordinates.js';
import { horizonRotation, horizontalIn, moonPosition, sunAltitudeDeg } from './positions.js';

/**
 * What the observing constraints need to know about the sky at one instant: the Sun's altitude,
 * the Moon's position and the frame to turn any target into altitude and azimuth. Computing it
 * costs ~0.1 ms; using it for one more target costs almost nothing.
 */
export interface SkyState {
  readonly time: number;
  /** The Sun's centre, geometric altitude (degrees). */
  readonly sunAltDeg: number;
  /** The Moon seen from the site, J2000. */
  readonly moon: Equatorial;
  /** A J2000 target's altitude and azimuth (geometric, no refraction) at this instant. */
  horizontal(target: Equatorial): Horizontal;
}

class ComputedSkyState implements SkyState {
  readonly sunAltDeg: number;
  readonly moon: Equatorial;
  readonly #frame: RotationMatrix;

  constructor(
    site: Site,
    readonly time: number,
  ) {
    this.sunAltDeg = sunAltitudeDeg(site, time);
    this.moon = moonPosition(time, site);
    this.#frame = horizonRotation(site, time);
  }

  horizontal(target: Equatorial): Horizontal {
    return horizontalIn(this.#frame, target);
  }
}

/** The sky over `site` at `time` (ms since the epoch). */
export function skyState(site: Site, time: number): SkyState {
  return new ComputedSkyState(site, time);
}

/**
 * Sky states of one site, each instant computed once: a planner that asks about the same grid of
 * instants for many targets pays for the ephemerides once per instant. Holds what it computed
 * until dropped (a night on a one-minute grid is under a thousand states).
 */
export class SkyStates {
  readonly #states = new Map<number, SkyState>();

  constructor(readonly site: Site) {}

  /** The sky at `time`, computed on first use. */
  at(time: number): SkyState {
    let state = this.#states.get(time);
    if (!state) {
      state = skyState(this.site, time);
      this.#states.set(time, state);
    }
    return state;
  }
}
