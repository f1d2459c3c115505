/**
 * The highest a request gets in what is left of the night: on a coarse grid, the altitude of its
 * target at each instant where it could be observed (dark, above its limit, far enough from the
 * Moon, within its window), and the maximum from each instant to the night's end. The planner
 * compares a candidate's altitude now with this to tell a target that will be higher later (a
 * rising one, worth waiting for) from one that is at its best now (a setting one).
 */
import type { Site } from '../astro/coordinates.js';
import type { SkyStates } from '../astro/sky-state.js';
import { altitudeWithin, moonWithin, skyLimits, sunWithin, timeWithin } from './constraints.js';
import type { ObservationRequest } from './request.js';

/** The grid the best altitude is found on (ms): fine enough for a block of minutes, coarse enough to be cheap. */
export const BEST_GRID_MS = 300_000;

/** The highest altitude (degrees) a request reaches from a time on, or -Infinity when never observable again. */
export type BestAltitude = (time: number) => number;

/**
 * The best remaining altitude of `request` over [from, until], from `sky` (whose minutes the
 * planner shares: the grid is every fifth minute of its minute grid).
 */
export function bestAltitude(
  request: ObservationRequest,
  site: Site,
  sky: SkyStates,
  from: number,
  until: number,
): BestAltitude {
  const first = Math.floor(from / BEST_GRID_MS) * BEST_GRID_MS;
  const n = Math.max(1, Math.ceil((until - first) / BEST_GRID_MS) + 1);
  const suffix = new Float64Array(n);
  const limits = skyLimits(request, site);
  let best = Number.NEGATIVE_INFINITY;
  for (let i = n - 1; i >= 0; i--) {
    const t = first + i * BEST_GRID_MS;
    if (timeWithin(t, request.window) && sunWithin(sky.at(t).sunAltDeg, site)) {
      const alt = sky.altitudeDeg(request.target, t);
      if (
        alt > best &&
        altitudeWithin(alt, limits) &&
        moonWithin(sky.moonSeparationDeg(request.target, t), limits)
      )
        best = alt;
    }
    suffix[i] = best;
  }
  return (time) => {
    const i = Math.floor((time - first) / BEST_GRID_MS);
    if (i < 0) return suffix[0] ?? best;
    return i < n ? (suffix[i] as number) : Number.NEGATIVE_INFINITY;
  };
}
