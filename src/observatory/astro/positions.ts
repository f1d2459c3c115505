/**
 * Where things are in the sky, from astronomy-engine (no ephemeris is computed here).
 *
 * Frames: every {@link Equatorial} here is J2000 (the frame of the shared contract and of the
 * catalogues), astrometric (no aberration). Horizontal coordinates are geometric: no refraction,
 * because the limits they are compared with (horizon, Sun) are defined that way, and refraction
 * (0.03 deg at 30 deg altitude) is below what a limit means.
 */
import {
  Body,
  Equator,
  EquatorFromVector,
  GeoVector,
  Horizon,
  Illumination,
  Observer,
  Rotation_EQJ_HOR,
  type RotationMatrix,
} from 'astronomy-engine';
import type { Equatorial, Horizontal, Site } from './coordinates.js';

const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;

/** astronomy-engine's observer for a site. */
export function observerOf(site: Site): Observer {
  return new Observer(site.latitudeDeg, site.longitudeDeg, site.heightM);
}

function equatorialOf(raHours: number, decDeg: number): Equatorial {
  return { raDeg: (((raHours * 15) % 360) + 360) % 360, decDeg };
}

/** The Sun's geocentric J2000 position at `time` (ms since the epoch). */
export function sunPosition(time: number): Equatorial {
  const e = EquatorFromVector(GeoVector(Body.Sun, new Date(time), false));
  return equatorialOf(e.ra, e.dec);
}

/**
 * The altitude of the Sun's centre at `time` seen from `site` (geometric, no refraction), computed
 * as astronomy-engine's `SearchAltitude` does, so that it agrees with the twilight times of
 * {@link nightOf}.
 */
export function sunAltitudeDeg(site: Site, time: number): number {
  const date = new Date(time);
  const observer = observerOf(site);
  const e = Equator(Body.Sun, date, observer, true, true);
  return Horizon(date, observer, e.ra, e.dec).altitude;
}

/**
 * The Moon's J2000 position at `time`: seen from `site` when given (topocentric: the parallax
 * moves the Moon by up to 1 deg), from the Earth's centre otherwise.
 */
export function moonPosition(time: number, site?: Site): Equatorial {
  const date = new Date(time);
  if (site) {
    const e = Equator(Body.Moon, date, observerOf(site), false, false);
    return equatorialOf(e.ra, e.dec);
  }
  const e = EquatorFromVector(GeoVector(Body.Moon, date, false));
  return equatorialOf(e.ra, e.dec);
}

/**
 * The rotation from J2000 equatorial to the site's horizon at `time` (precession, nutation and
 * the Earth's rotation). Computing it is the costly part of {@link altAz}; {@link horizontalIn}
 * reuses it for many targets at one instant.
 */
export function horizonRotation(site: Site, time: number): RotationMatrix {
  return Rotation_EQJ_HOR(new Date(time), observerOf(site));
}

/** The altitude and azimuth of a J2000 target in a frame from {@link horizonRotation}. */
export function horizontalIn(rotation: RotationMatrix, target: Equatorial): Horizontal {
  const ra = target.raDeg * RAD;
  const dec = target.decDeg * RAD;
  const x = Math.cos(dec) * Math.cos(ra);
  const y = Math.cos(dec) * Math.sin(ra);
  const z = Math.sin(dec);
  const r = rotation.rot;
  const col = (i: number) => (r[0]?.[i] ?? 0) * x + (r[1]?.[i] ?? 0) * y + (r[2]?.[i] ?? 0) * z;
  // astronomy-engine's horizontal frame: x north, y west, z zenith.
  const north = col(0);
  const west = col(1);
  const up = Math.max(-1, Math.min(1, col(2)));
  const az = Math.atan2(-west, north) * DEG;
  return { altDeg: Math.asin(up) * DEG, azDeg: az < 0 ? az + 360 : az };
}

/** Where a J2000 target stands in the site's sky at `time`: geometric, no refraction. */
export function altAz(site: Site, target: Equatorial, time: number): Horizontal {
  return horizontalIn(horizonRotation(site, time), target);
}

/**
 * The airmass at a geometric altitude, after Kasten & Young (1989):
 * `1 / (sin h + 0.50572 (h + 6.07995)^-1.6364)`, h in degrees; 0.9997 at the zenith, 1.994 at
 * 30 deg, 38 at the horizon. Below the horizon (h < 0) there is no airmass to speak of: Infinity.
 *
 * @throws RangeError when the altitude is not a number within [-90, 90].
 */
export function airmass(altDeg: number): number {
  if (!(altDeg >= -90 && altDeg <= 90))
    throw new RangeError(`airmass: ${altDeg} is not an altitude (-90..90 deg)`);
  if (altDeg < 0) return Number.POSITIVE_INFINITY;
  return 1 / (Math.sin(altDeg * RAD) + 0.50572 * (altDeg + 6.07995) ** -1.6364);
}

/** The angle between two directions, in degrees (0..180), accurate at any separation (Vincenty). */
export function separationDeg(a: Equatorial, b: Equatorial): number {
  const d1 = a.decDeg * RAD;
  const d2 = b.decDeg * RAD;
  const dra = (b.raDeg - a.raDeg) * RAD;
  const y = Math.hypot(
    Math.cos(d2) * Math.sin(dra),
    Math.cos(d1) * Math.sin(d2) - Math.sin(d1) * Math.cos(d2) * Math.cos(dra),
  );
  const x = Math.sin(d1) * Math.sin(d2) + Math.cos(d1) * Math.cos(d2) * Math.cos(dra);
  return Math.atan2(y, x) * DEG;
}

/** The fraction of the Moon's disc lit by the Sun at `time`, 0 (new) to 1 (full). */
export function moonIllumination(time: number): number {
  return Illumination(Body.Moon, new Date(time)).phase_fraction;
}
