import type { Site } from '../astro/coordinates.js';
import { type Night, nightOf } from '../astro/night.js';

/**
 * The night a plan made at `now` covers: the one in progress, or the coming one once this
 * morning's sunrise has passed. (`nightOf` runs from local noon to local noon.)
 */
export function currentNight(site: Site, now: number): Night {
  const night = nightOf(site, now);
  return night.sunrise !== undefined && night.sunrise <= now ? nightOf(site, night.nextNoon + 1) : night;
}

/**
 * The span a plan covers: from now to the end of the current or coming night (its sunrise, or
 * the next local noon where the Sun does not set: the planner's Sun constraint then decides).
 */
export function planningWindow(site: Site, now: number): { from: number; until: number } {
  const night = currentNight(site, now);
  return { from: now, until: night.sunrise ?? night.nextNoon };
}
