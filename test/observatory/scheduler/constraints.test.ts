// Each observing constraint at Calern, with instants chosen from the sky itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Equatorial, Site } from '../../../src/observatory/astro/coordinates.js';
import { nightOf } from '../../../src/observatory/astro/night.js';
import { altAz, moonPosition } from '../../../src/observatory/astro/positions.js';
import { skyState } from '../../../src/observatory/astro/sky-state.js';
import {
  altitudeConstraint,
  type ConstraintResult,
  checkConstraints,
  moonConstraint,
  sunConstraint,
  windowConstraint,
} from '../../../src/observatory/scheduler/constraints.js';
import type { ObservationRequest } from '../../../src/observatory/scheduler/request.js';

const CALERN: Site = {
  name: 'Calern',
  latitudeDeg: 43.7523,
  longitudeDeg: 6.9219,
  heightM: 1270,
  horizonLimitDeg: 20,
  sunLimitDeg: -12,
  moonSeparationDeg: 15,
};
const NIGHT = nightOf(CALERN, '2026-12-01');
const MIDNIGHT = NIGHT.midnight;
const M31: Equatorial = { raDeg: 10.6847, decDeg: 41.2688 };

function request(target: Equatorial, extra: Partial<ObservationRequest> = {}): ObservationRequest {
  return {
    id: 'r1',
    kind: 'routine',
    targetName: 'T',
    target,
    priority: 5,
    exposures: [{ filter: 'R', exposureS: 60, count: 1 }],
    createdAt: 0,
    state: 'pending',
    ...extra,
  };
}

function refused(result: ConstraintResult, reason: RegExp): void {
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.reason, reason);
}

/** The first dark instant (minute by minute from nautical dusk) when `target` is at about `alt` degrees. */
function whenAt(target: Equatorial, alt: number): number {
  for (let t = NIGHT.nauticalDusk as number; t < (NIGHT.nauticalDawn as number); t += 60_000) {
    if (Math.abs(altAz(CALERN, target, t).altDeg - alt) < 0.5) return t;
  }
  throw new Error(`never at ${alt} deg`);
}

test('altitude: a target below the limit is refused, one above it passes; a request may raise the limit, not lower it', () => {
  const south = { raDeg: 100, decDeg: -60 }; // culminates at -13.8 deg at Calern
  refused(
    altitudeConstraint(request(south), CALERN, MIDNIGHT),
    /^T at -?\d+\.\d deg, below the 20\.0 deg limit$/,
  );
  const highTime = whenAt(M31, 60);
  assert.deepEqual(altitudeConstraint(request(M31), CALERN, highTime), { ok: true });
  refused(
    altitudeConstraint(request(M31, { minAltitudeDeg: 70 }), CALERN, highTime),
    /below the 70\.0 deg limit/,
  );
  const lowTime = whenAt(M31, 15);
  refused(
    altitudeConstraint(request(M31, { minAltitudeDeg: 10 }), CALERN, lowTime),
    /below the 20\.0 deg limit/,
  );
});

test('Sun: refused while the Sun is above the site limit, passes in the dark', () => {
  const noon = NIGHT.noon;
  refused(sunConstraint(request(M31), CALERN, noon), /^Sun at \d+\.\d deg, above the -12\.0 deg limit$/);
  // Between sunset and nautical dusk the Sun is below the horizon but not yet at -12.
  refused(
    sunConstraint(request(M31), CALERN, (NIGHT.civilDusk as number) + 60_000),
    /above the -12\.0 deg limit/,
  );
  assert.equal(sunConstraint(request(M31), CALERN, MIDNIGHT).ok, true);
  assert.equal(sunConstraint(request(M31), CALERN, (NIGHT.nauticalDusk as number) + 60_000).ok, true);
});

test('Moon: a target too close to the Moon is refused; the request may set its own distance', () => {
  const moon = moonPosition(MIDNIGHT, CALERN);
  const near = { raDeg: moon.raDeg, decDeg: moon.decDeg + (moon.decDeg > 0 ? -5 : 5) };
  const far = { raDeg: moon.raDeg, decDeg: moon.decDeg + (moon.decDeg > 0 ? -30 : 30) };
  refused(moonConstraint(request(near), CALERN, MIDNIGHT), /^Moon 5\.0 deg from T, closer than 15\.0 deg$/);
  assert.equal(moonConstraint(request(far), CALERN, MIDNIGHT).ok, true);
  assert.equal(moonConstraint(request(near, { moonSeparationDeg: 3 }), CALERN, MIDNIGHT).ok, true);
  refused(moonConstraint(request(far, { moonSeparationDeg: 40 }), CALERN, MIDNIGHT), /closer than 40\.0 deg/);
});

test('window: respected with both ends included; no window, no limit', () => {
  const window = { start: MIDNIGHT, end: MIDNIGHT + 3_600_000 };
  const r = request(M31, { window });
  refused(
    windowConstraint(r, CALERN, MIDNIGHT - 1),
    /^2026-12-\d\dT.*Z is outside the window 2026-12-\d\dT.*Z to 2026-12-\d\dT.*Z$/,
  );
  assert.equal(windowConstraint(r, CALERN, MIDNIGHT).ok, true);
  assert.equal(windowConstraint(r, CALERN, window.end).ok, true);
  assert.equal(windowConstraint(r, CALERN, window.end + 1).ok, false);
  assert.equal(windowConstraint(request(M31), CALERN, 0).ok, true);
});

test('checkConstraints: the first failure, or ok; a given sky state gives the same answers', () => {
  const t = whenAt(M31, 60);
  const far = request(M31, { moonSeparationDeg: 0 });
  assert.deepEqual(checkConstraints(far, CALERN, t), { ok: true });
  refused(checkConstraints(far, CALERN, NIGHT.noon), /^Sun at/);
  refused(
    checkConstraints(request(M31, { window: { start: 0, end: 1 } }), CALERN, NIGHT.noon),
    /outside the window/,
  );
  const sky = skyState(CALERN, t);
  for (const f of [altitudeConstraint, sunConstraint, moonConstraint]) {
    assert.deepEqual(f(far, CALERN, t, sky), f(far, CALERN, t));
  }
});
