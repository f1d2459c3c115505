/**
 * The night at a site: when the Sun sets, twilights end and begin, the Sun rises, and what the
 * Moon does. Times are ms since the epoch; an event that does not happen that night (polar summer
 * or winter) is undefined.
 *
 * The night of a date starts at the site's *solar* noon of that date, not at a time-zone noon, so
 * that a site far east or west of Greenwich gets its own evening: from the local mean noon
 * (12:00 UTC minus longitude/15 hours) the next solar transit is the night's noon; the Sun's lower
 * transit after it is midnight, the next transit the next noon. Dusk events are searched between
 * noon and midnight, dawn events between midnight and the next noon.
 */
import { Body, SearchAltitude, SearchHourAngle, SearchRiseSet } from 'astronomy-engine';
import type { Site } from './coordinates.js';
import { moonIllumination, observerOf, sunAltitudeDeg } from './positions.js';

/** Sunset and sunrise: the Sun's centre at -0.833 deg (34' of refraction + 16' semi-diameter). */
export const SUNSET_ALTITUDE_DEG = -0.833;
/** Twilights end (dusk) and begin (dawn) when the Sun's centre crosses these altitudes. */
export const TWILIGHT_ALTITUDE_DEG = { civil: -6, nautical: -12, astronomical: -18 } as const;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** One night at a site (see the module comment for the definitions). */
export interface Night {
  /** The date whose evening starts the night, `YYYY-MM-DD` in the site's local solar time. */
  readonly date: string;
  /** The Sun's transit that starts the night, its lower transit, the next transit. */
  readonly noon: number;
  readonly midnight: number;
  readonly nextNoon: number;
  readonly sunset?: number;
  readonly civilDusk?: number;
  readonly nauticalDusk?: number;
  readonly astronomicalDusk?: number;
  readonly astronomicalDawn?: number;
  readonly nauticalDawn?: number;
  readonly civilDawn?: number;
  readonly sunrise?: number;
  /** Moonrise and moonset between `noon` and `nextNoon` (upper limb, standard refraction). */
  readonly moonrise?: number;
  readonly moonset?: number;
  /** Fraction of the Moon's disc lit at midnight, 0..1. */
  readonly moonIllumination: number;
  /**
   * When the Sun's centre is below the site's `sunLimitDeg`: the time the telescope may observe.
   * Clipped to [noon, nextNoon] when the Sun stays below all night (polar winter); undefined when
   * it never gets there (polar or near-polar summer).
   */
  readonly dark?: { readonly start: number; readonly end: number };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The UTC midnight of a calendar date `YYYY-MM-DD`.
 *
 * @throws Error (one line) when the text is not a real date in that form.
 */
export function parseNightDate(text: string): number {
  const m = DATE.exec(text);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (!m || back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    throw new Error(`${JSON.stringify(text)} is not a date (YYYY-MM-DD)`);
  }
  return t;
}

/**
 * The local-solar date (`YYYY-MM-DD`) of the night under way or coming at `time` at a site: the
 * date changes at the local *mean* noon (see {@link nightOf} for the exact boundary).
 */
export function nightDateAt(site: Site, time: number): string {
  // Local mean solar time minus 12 h: the date changes at local noon, when one night hands over to the next.
  const shifted = time + (site.longitudeDeg / 15) * HOUR_MS - 12 * HOUR_MS;
  return new Date(shifted).toISOString().slice(0, 10);
}

function ms(t: { date: Date } | null): number | undefined {
  return t ? t.date.getTime() : undefined;
}

/**
 * The night of `date` at `site`.
 *
 * @param date - `YYYY-MM-DD` (the evening's local solar date), or a time (ms since the epoch): the
 *   night whose [noon, nextNoon) holds that time.
 * @throws Error on a malformed date.
 */
export function nightOf(site: Site, date: string | number): Night {
  if (typeof date === 'string') return nightOfDate(site, date);
  // The date changes at the mean noon, the night at the true one: they differ by up to 17 minutes.
  const guess = nightOfDate(site, nightDateAt(site, date));
  if (date >= guess.nextNoon) return nightOfDate(site, nextDate(guess.date, +1));
  if (date < guess.noon) return nightOfDate(site, nextDate(guess.date, -1));
  return guess;
}

function nextDate(day: string, days: number): string {
  return new Date(parseNightDate(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The Sun's transit at the site on the date starting at `utcMidnight` (ms). */
function solarNoon(site: Site, utcMidnight: number): number {
  const meanNoon = utcMidnight + 12 * HOUR_MS - (site.longitudeDeg / 15) * HOUR_MS;
  // The equation of time keeps the true noon within 17 minutes of the mean one.
  const from = new Date(meanNoon - 0.5 * HOUR_MS);
  return SearchHourAngle(Body.Sun, observerOf(site), 0, from).time.date.getTime();
}

function nightOfDate(site: Site, day: string): Night {
  const observer = observerOf(site);
  const noon = solarNoon(site, parseNightDate(day));
  const midnight = SearchHourAngle(Body.Sun, observer, 12, new Date(noon)).time.date.getTime();
  // Found as the next date's noon is, so that consecutive nights meet exactly.
  const nextNoon = solarNoon(site, parseNightDate(day) + DAY_MS);
  const dusk = (alt: number) =>
    ms(SearchAltitude(Body.Sun, observer, -1, new Date(noon), (midnight - noon) / DAY_MS, alt));
  const dawn = (alt: number) =>
    ms(SearchAltitude(Body.Sun, observer, +1, new Date(midnight), (nextNoon - midnight) / DAY_MS, alt));
  const span = (nextNoon - noon) / DAY_MS;
  const moon = (direction: number) => ms(SearchRiseSet(Body.Moon, observer, direction, new Date(noon), span));

  const { civil, nautical, astronomical } = TWILIGHT_ALTITUDE_DEG;
  const night: Night = {
    date: day,
    noon,
    midnight,
    nextNoon,
    sunset: dusk(SUNSET_ALTITUDE_DEG),
    civilDusk: dusk(civil),
    nauticalDusk: dusk(nautical),
    astronomicalDusk: dusk(astronomical),
    astronomicalDawn: dawn(astronomical),
    nauticalDawn: dawn(nautical),
    civilDawn: dawn(civil),
    sunrise: dawn(SUNSET_ALTITUDE_DEG),
    moonrise: moon(+1),
    moonset: moon(-1),
    moonIllumination: moonIllumination(midnight),
  };
  const dark = darkWindow(site, night, dusk(site.sunLimitDeg), dawn(site.sunLimitDeg));
  return dark ? { ...night, dark } : night;
}

function darkWindow(
  site: Site,
  night: Night,
  start: number | undefined,
  end: number | undefined,
): Night['dark'] {
  if (start !== undefined && end !== undefined) return { start, end };
  // No crossing on one side: the Sun is either below the limit all that half-night or never gets there.
  if (sunAltitudeDeg(site, night.midnight) >= site.sunLimitDeg) return undefined;
  return { start: start ?? night.noon, end: end ?? night.nextNoon };
}
