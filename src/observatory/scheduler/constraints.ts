/**
 * The observing constraints, each a function of (request, site, time): `{ ok: true }` or
 * `{ ok: false, reason }` with a one-line reason. Those about the sky take an optional
 * {@link SkyState} for that time so that a planner checking many targets at one instant computes
 * the Sun, Moon and frame once; without it they compute their own.
 */
import type { Site } from '../astro/coordinates.js';
import { separationDeg } from '../astro/positions.js';
import { type SkyState, skyState } from '../astro/sky-state.js';
import type { ObservationRequest } from './request.js';

/** The verdict of a constraint. */
export type ConstraintResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** One observing constraint at one instant (ms since the epoch). */
export type Constraint = (
  request: ObservationRequest,
  site: Site,
  time: number,
  sky?: SkyState,
) => ConstraintResult;

const OK: ConstraintResult = { ok: true };
const refuse = (reason: string): ConstraintResult => ({ ok: false, reason });
const deg = (x: number) => `${x.toFixed(1)} deg`;
const iso = (t: number) => new Date(t).toISOString();

/**
 * The lowest altitude the request may be observed at: the request's own limit can raise the site's
 * horizon limit but not lower it, since the site's is the telescope's.
 */
export function minAltitudeDeg(request: ObservationRequest, site: Site): number {
  return Math.max(site.horizonLimitDeg, request.minAltitudeDeg ?? Number.NEGATIVE_INFINITY);
}

/** The closest the Moon may be: the request's own figure when it has one, else the site's. */
export function minMoonSeparationDeg(request: ObservationRequest, site: Site): number {
  return request.moonSeparationDeg ?? site.moonSeparationDeg;
}

/** A request's limits on the sky: the lowest altitude and the closest Moon it may be observed at. */
export interface SkyLimits {
  readonly altDeg: number;
  readonly moonDeg: number;
}

export function skyLimits(request: ObservationRequest, site: Site): SkyLimits {
  return { altDeg: minAltitudeDeg(request, site), moonDeg: minMoonSeparationDeg(request, site) };
}

// The comparisons themselves, as numbers: the constraints below wrap them with a reason, and the
// planner's hot loops (planner.ts, best-altitude.ts) call them bare, so each rule is written once.

/** The altitude (geometric, deg) is at or above the limit. */
export const altitudeWithin = (altDeg: number, limits: SkyLimits): boolean => altDeg >= limits.altDeg;
/** The Moon is at least the limit away (deg), whether it is up or not. */
export const moonWithin = (separationDeg: number, limits: SkyLimits): boolean =>
  separationDeg >= limits.moonDeg;
/** The Sun's centre is at or below the site's Sun limit. */
export const sunWithin = (sunAltDeg: number, site: Site): boolean => sunAltDeg <= site.sunLimitDeg;
/** The time is within the window, if there is one (both ends included). */
export const timeWithin = (time: number, window: ObservationRequest['window']): boolean =>
  window === undefined || (time >= window.start && time <= window.end);

/** The target is at or above its altitude limit (geometric altitude). */
export const altitudeConstraint: Constraint = (request, site, time, sky = skyState(site, time)) => {
  const alt = sky.horizontal(request.target).altDeg;
  const limits = skyLimits(request, site);
  return altitudeWithin(alt, limits)
    ? OK
    : refuse(`${request.targetName} at ${deg(alt)}, below the ${deg(limits.altDeg)} limit`);
};

/** The Sun's centre is at or below the site's Sun limit. */
export const sunConstraint: Constraint = (_request, site, time, sky = skyState(site, time)) =>
  sunWithin(sky.sunAltDeg, site)
    ? OK
    : refuse(`Sun at ${deg(sky.sunAltDeg)}, above the ${deg(site.sunLimitDeg)} limit`);

/** The target is far enough from the Moon (whether the Moon is up or not). */
export const moonConstraint: Constraint = (request, site, time, sky = skyState(site, time)) => {
  const sep = separationDeg(sky.moon, request.target);
  const limits = skyLimits(request, site);
  return moonWithin(sep, limits)
    ? OK
    : refuse(`Moon ${deg(sep)} from ${request.targetName}, closer than ${deg(limits.moonDeg)}`);
};

/** The time is within the request's window, if it has one (both ends included). */
export const windowConstraint: Constraint = (request, _site, time) => {
  const w = request.window;
  if (w === undefined || timeWithin(time, w)) return OK;
  return refuse(`${iso(time)} is outside the window ${iso(w.start)} to ${iso(w.end)}`);
};

/** Every constraint, cheapest first. */
export const CONSTRAINTS: readonly Constraint[] = [
  windowConstraint,
  sunConstraint,
  altitudeConstraint,
  moonConstraint,
];

/** The first constraint the request fails at `time`, or ok. */
export function checkConstraints(
  request: ObservationRequest,
  site: Site,
  time: number,
  sky?: SkyState,
): ConstraintResult {
  const state = sky ?? skyState(site, time);
  for (const constraint of CONSTRAINTS) {
    const result = constraint(request, site, time, state);
    if (!result.ok) return result;
  }
  return OK;
}
