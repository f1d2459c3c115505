import type { RotationMatrix } from 'astronomy-engine';
import type { Equatorial, Horizontal, Site } from './coordinates.js';
import { horizonRotation, horizontalIn, moonPosition, separationDeg, sunAltitudeDeg } from './positions.js';

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

const MINUTE_MS = 60_000;

interface Memo {
  readonly alt: Map<number, number>;
  readonly moon: Map<number, number>;
}

/**
 * Sky states of one site, each instant computed once: a planner that asks about the same grid of
 * instants for many targets pays for the ephemerides once per instant. Holds what it computed
 * until dropped (a night on a one-minute grid is under a thousand states).
 */
export class SkyStates {
  readonly #states = new Map<number, SkyState>();
  /** Per target (by its coordinates), its altitude and distance to the Moon by whole minute. */
  readonly #targets = new Map<string, Memo>();
  /** The same, by target object: a planner asks about one object many times (no key to build). */
  readonly #byObject = new WeakMap<Equatorial, Memo>();

  constructor(readonly site: Site) {}

  #of(target: Equatorial): Memo {
    let memo = this.#byObject.get(target);
    if (memo) return memo;
    const key = `${target.raDeg} ${target.decDeg}`;
    memo = this.#targets.get(key);
    if (!memo) {
      memo = { alt: new Map(), moon: new Map() };
      this.#targets.set(key, memo);
    }
    this.#byObject.set(target, memo);
    return memo;
  }

  /**
   * A target's altitude at `time` (as `at(time).horizontal(target).altDeg`), kept per target and
   * whole minute: a planner asks about the same minutes of the same targets at every step and
   * every replan. An instant off the minute grid is computed, not kept.
   */
  altitudeDeg(target: Equatorial, time: number): number {
    if (time % MINUTE_MS !== 0) return this.at(time).horizontal(target).altDeg;
    const memo = this.#of(target).alt;
    const minute = time / MINUTE_MS;
    let alt = memo.get(minute);
    if (alt === undefined) {
      alt = this.at(time).horizontal(target).altDeg;
      memo.set(minute, alt);
    }
    return alt;
  }

  /** The angle from the Moon to a target at `time` (degrees), kept like {@link altitudeDeg}. */
  moonSeparationDeg(target: Equatorial, time: number): number {
    if (time % MINUTE_MS !== 0) return separationDeg(this.at(time).moon, target);
    const memo = this.#of(target).moon;
    const minute = time / MINUTE_MS;
    let sep = memo.get(minute);
    if (sep === undefined) {
      sep = separationDeg(this.at(time).moon, target);
      memo.set(minute, sep);
    }
    return sep;
  }

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
