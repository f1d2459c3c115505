import {
  MakeTime,
  RotateVector,
  Rotation_EQD_EQJ,
  Rotation_EQJ_EQD,
  SphereFromVector,
  Spherical,
  VectorFromSphere,
} from 'astronomy-engine';
import type { Equatorial } from './coordinates.js';

// Mounts that speak "JNow" (INDI's EQUATORIAL_EOD_COORD) want the equator and equinox of the
// date: J2000 precessed and nutated to `time`. astronomy-engine's EQJ↔EQD rotations are exactly
// that (mean J2000 to true equator of date), so a round trip is exact to rounding.

function rotate(p: Equatorial, time: number, toDate: boolean): Equatorial {
  const when = MakeTime(new Date(time));
  const rotation = toDate ? Rotation_EQJ_EQD(when) : Rotation_EQD_EQJ(when);
  const v = RotateVector(rotation, VectorFromSphere(new Spherical(p.decDeg, p.raDeg, 1), when));
  const s = SphereFromVector(v);
  return { raDeg: ((s.lon % 360) + 360) % 360, decDeg: s.lat };
}

/** A J2000 position in the coordinates of the date `time` (ms since the epoch). */
export function j2000ToDate(p: Equatorial, time: number): Equatorial {
  return rotate(p, time, true);
}

/** A position of the date `time` back in J2000. */
export function dateToJ2000(p: Equatorial, time: number): Equatorial {
  return rotate(p, time, false);
}
