import type { Site } from '../astro/coordinates.js';
import { type Night, nightDateAt, nightOf } from '../astro/night.js';

/** Nights already computed (a night's searches cost milliseconds; agents ask on every replan). */
const nights = new Map<string, Night>();
const KEPT_NIGHTS = 16;

/** The night of `date` at `site`, computed once. */
function cachedNight(site: Site, date: string): Night {
  const key = `${site.latitudeDeg},${site.longitudeDeg},${site.heightM}|${date}`;
  let night = nights.get(key);
  if (night === undefined) {
    night = nightOf(site, date);
    if (nights.size >= KEPT_NIGHTS) nights.delete(nights.keys().next().value as string);
    nights.set(key, night);
  }
  return night;
}

/**
 * The night a plan made at `now` covers: the one in progress, or the coming one once this
 * morning's sunrise has passed. (`nightOf` runs from local noon to local noon.)
 */
export function currentNight(site: Site, now: number): Night {
  const night = cachedNight(site, nightDateAt(site, now));
  return night.sunrise !== undefined && night.sunrise <= now
    ? cachedNight(site, nextDate(night.date))
    : night;
}

/** The day after `date` (YYYY-MM-DD). By date, not from `nextNoon`: the true noon can fall minutes before the mean noon that `nightDateAt` counts from. */
function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * The span a plan covers: from now to the end of the current or coming night (its sunrise, or
 * the next local noon where the Sun does not set: the planner's Sun constraint then decides).
 */
export function planningWindow(site: Site, now: number): { from: number; until: number } {
  const night = currentNight(site, now);
  return { from: now, until: night.sunrise ?? night.nextNoon };
}
