import {
  HorizonFromVector,
  MakeTime,
  Observer,
  RotateVector,
  Rotation_EQJ_HOR,
  Spherical,
  VectorFromSphere,
} from 'astronomy-engine';
import type { Equatorial, Site } from '../astro/coordinates.js';
import { separationDeg } from '../astro/positions.js';

/** The angle between two positions (the astronomy module's), re-exported for the device simulators. */
export { separationDeg };

/**
 * The apparent altitude (degrees, with standard refraction) of a J2000 position seen from `site`
 * at `time` (ms since the epoch). Apparent rather than geometric, so that the telescope never
 * refuses a target a geometric planner judged just above its limit.
 */
export function altitudeDeg(site: Site, target: Equatorial, time: number): number {
  const when = MakeTime(new Date(time));
  const observer = new Observer(site.latitudeDeg, site.longitudeDeg, site.heightM);
  const j2000 = VectorFromSphere(new Spherical(target.decDeg, target.raDeg, 1), when);
  const horizontal = RotateVector(Rotation_EQJ_HOR(when, observer), j2000);
  return HorizonFromVector(horizontal, 'normal').lat;
}

/** The point a fraction `f` (0–1) of the way from `a` to `b` along the great circle. */
export function interpolateDeg(a: Equatorial, b: Equatorial, f: number): Equatorial {
  const rad = Math.PI / 180;
  const angle = separationDeg(a, b) * rad;
  // Antipodes have no single great circle between them: jump at half way.
  if (angle < 1e-12 || Math.sin(angle) < 1e-12) return f < 0.5 ? a : b;
  const toVector = (p: Equatorial): [number, number, number] => [
    Math.cos(p.decDeg * rad) * Math.cos(p.raDeg * rad),
    Math.cos(p.decDeg * rad) * Math.sin(p.raDeg * rad),
    Math.sin(p.decDeg * rad),
  ];
  const va = toVector(a);
  const vb = toVector(b);
  const wa = Math.sin((1 - f) * angle) / Math.sin(angle);
  const wb = Math.sin(f * angle) / Math.sin(angle);
  const [x, y, z] = [0, 1, 2].map((i) => wa * (va[i] as number) + wb * (vb[i] as number)) as [
    number,
    number,
    number,
  ];
  const ra = (Math.atan2(y, x) / rad + 360) % 360;
  return { raDeg: ra, decDeg: Math.atan2(z, Math.hypot(x, y)) / rad };
}

/** Why `p` is not a sky position, or undefined if it is one. */
export function invalidPosition(p: Equatorial): string | undefined {
  if (!Number.isFinite(p.raDeg) || p.raDeg < 0 || p.raDeg >= 360) return `ra ${p.raDeg} not in [0, 360)`;
  if (!Number.isFinite(p.decDeg) || p.decDeg < -90 || p.decDeg > 90)
    return `dec ${p.decDeg} not in [-90, 90]`;
  return undefined;
}

/**
 * Why a mount at `site` must refuse to slew to `target` at `time` (an invalid position, or an
 * apparent altitude below the site's horizon limit), or undefined when it may. Every telescope
 * driver asks this before it moves: the limit is the site's, not the hardware's.
 */
export function slewRefusal(site: Site, target: Equatorial, time: number): string | undefined {
  const bad = invalidPosition(target);
  if (bad !== undefined) return `invalid target: ${bad}`;
  const alt = altitudeDeg(site, target, time);
  const limit = site.horizonLimitDeg;
  return alt < limit ? `target alt ${alt.toFixed(1)}° below horizon limit ${limit}°` : undefined;
}
