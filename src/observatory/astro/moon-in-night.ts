import type { Site } from './coordinates.js';
import type { Night } from './night.js';
import { altAz, moonPosition } from './positions.js';

/** The Moon's centre at about this geometric altitude is rising or setting (upper limb, refraction). */
const MOON_HORIZON_DEG = -0.8;

/** What the Moon does between sunset and sunrise (the night an operator sees). */
export interface MoonInNight {
  /** Moonrise and moonset inside the night, if they happen in it. */
  readonly rise?: number;
  readonly set?: number;
  /** Whether the Moon is above the horizon at sunset. */
  readonly upAtSunset: boolean;
}

/**
 * The Moon in the night from sunset to sunrise. {@link Night}'s moonrise and moonset are searched
 * from noon to noon, so one may fall in the afternoon or the morning: those are left out here.
 * (The Moon rises once every 24.8 h, so a noon-to-noon span holds at most one rise and one set.)
 */
export function moonInNight(site: Site, night: Night): MoonInNight {
  const from = night.sunset ?? night.noon;
  const until = night.sunrise ?? night.nextNoon;
  const inside = (t: number | undefined) => (t !== undefined && t >= from && t <= until ? t : undefined);
  const rise = inside(night.moonrise);
  const set = inside(night.moonset);
  const upAtSunset = altAz(site, moonPosition(from, site), from).altDeg > MOON_HORIZON_DEG;
  return { ...(rise === undefined ? {} : { rise }), ...(set === undefined ? {} : { set }), upAtSunset };
}
