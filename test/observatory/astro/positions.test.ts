// Positions against PyEphem (test/fixtures/astro/reference.json, made by make-reference.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Equatorial, Site } from '../../../src/observatory/astro/coordinates.js';
import {
  airmass,
  altAz,
  moonIllumination,
  moonPosition,
  separationDeg,
  sunAltitudeDeg,
  sunPosition,
} from '../../../src/observatory/astro/positions.js';
import { SkyStates, skyState } from '../../../src/observatory/astro/sky-state.js';

interface Reference {
  positions: {
    time: string;
    targets: { name: string; raDeg: number; decDeg: number; altDeg: number; azDeg: number }[];
    sun: Equatorial;
    moon: Equatorial;
    moonIllumination: number;
    sunMoonSeparationDeg: number;
  }[];
}
const REF = JSON.parse(
  readFileSync(new URL('../../fixtures/astro/reference.json', import.meta.url), 'utf8'),
) as Reference;

const CALERN: Site = {
  name: 'Calern',
  latitudeDeg: 43.7523,
  longitudeDeg: 6.9219,
  heightM: 1270,
  horizonLimitDeg: 20,
  sunLimitDeg: -12,
  moonSeparationDeg: 15,
};

const horizontalDistance = (a: { altDeg: number; azDeg: number }, b: { altDeg: number; azDeg: number }) =>
  separationDeg({ raDeg: a.azDeg, decDeg: a.altDeg }, { raDeg: b.azDeg, decDeg: b.altDeg });

test('altAz of J2000 targets agrees with PyEphem within 0.01 deg (its aberration is up to 0.006 deg)', () => {
  for (const p of REF.positions) {
    const time = Date.parse(p.time);
    for (const t of p.targets) {
      const ours = altAz(CALERN, t, time);
      const d = horizontalDistance(ours, t);
      assert.ok(
        d < 0.01,
        `${t.name} at ${p.time}: ${d} deg away (${JSON.stringify(ours)} vs ${t.altDeg}, ${t.azDeg})`,
      );
      assert.ok(ours.azDeg >= 0 && ours.azDeg < 360);
    }
  }
});

test('Sun and Moon: J2000 positions and illumination agree with PyEphem', () => {
  for (const p of REF.positions) {
    const time = Date.parse(p.time);
    const sun = sunPosition(time);
    const moon = moonPosition(time);
    assert.ok(separationDeg(sun, p.sun) < 0.001, `Sun ${JSON.stringify(sun)} vs ${JSON.stringify(p.sun)}`);
    assert.ok(
      separationDeg(moon, p.moon) < 0.005,
      `Moon ${JSON.stringify(moon)} vs ${JSON.stringify(p.moon)}`,
    );
    assert.ok(Math.abs(separationDeg(sun, moon) - p.sunMoonSeparationDeg) < 0.005);
    assert.ok(Math.abs(moonIllumination(time) - p.moonIllumination) < 0.005, `${p.time}`);
    // Seen from the site, the Moon moves by its parallax: up to about 1 deg, never 0 off the zenith.
    const parallax = separationDeg(moonPosition(time, CALERN), moon);
    assert.ok(parallax > 0.1 && parallax < 1.0, `parallax ${parallax}`);
  }
});

test('the Sun is up at noon and down at midnight at Calern', () => {
  assert.ok(sunAltitudeDeg(CALERN, Date.parse('2026-06-21T11:30:00Z')) > 65);
  assert.ok(sunAltitudeDeg(CALERN, Date.parse('2026-06-21T23:30:00Z')) < -20);
});

test('airmass after Kasten & Young: 1 at the zenith, 2 at 30 deg, Infinity below the horizon', () => {
  assert.ok(Math.abs(airmass(90) - 1) < 0.001, String(airmass(90)));
  assert.ok(Math.abs(airmass(30) - 2) < 0.01, String(airmass(30)));
  // The formula gives about 38 at the horizon: large, but a number.
  assert.ok(Math.abs(airmass(0) - 38) < 0.5, String(airmass(0)));
  for (let alt = 1; alt <= 90; alt++) assert.ok(airmass(alt) < airmass(alt - 1), `not decreasing at ${alt}`);
  assert.equal(airmass(-0.1), Number.POSITIVE_INFINITY);
  assert.equal(airmass(-90), Number.POSITIVE_INFINITY);
  for (const bad of [Number.NaN, 91, -91]) assert.throws(() => airmass(bad), RangeError);
});

test('separationDeg: exact cases, the RA wrap, tiny and opposite angles', () => {
  assert.equal(separationDeg({ raDeg: 0, decDeg: 0 }, { raDeg: 90, decDeg: 0 }), 90);
  assert.equal(separationDeg({ raDeg: 10, decDeg: 90 }, { raDeg: 200, decDeg: -90 }), 180);
  assert.ok(Math.abs(separationDeg({ raDeg: 359.9, decDeg: 0 }, { raDeg: 0.1, decDeg: 0 }) - 0.2) < 1e-9);
  assert.ok(
    Math.abs(separationDeg({ raDeg: 10, decDeg: 40 }, { raDeg: 10, decDeg: 40 + 1e-7 }) - 1e-7) < 1e-12,
  );
  assert.ok(Math.abs(separationDeg({ raDeg: 10, decDeg: 40 }, { raDeg: 190, decDeg: -40 }) - 180) < 1e-9);
  const a = { raDeg: 83.8, decDeg: -5.4 };
  const b = { raDeg: 10.7, decDeg: 41.3 };
  assert.equal(separationDeg(a, b), separationDeg(b, a));
});

test('a sky state gives what the single functions give, and SkyStates computes each instant once', () => {
  const time = Date.parse('2026-12-01T21:00:00Z');
  const m42 = { raDeg: 83.8221, decDeg: -5.3911 };
  const state = skyState(CALERN, time);
  assert.deepEqual(state.horizontal(m42), altAz(CALERN, m42, time));
  assert.equal(state.sunAltDeg, sunAltitudeDeg(CALERN, time));
  assert.deepEqual(state.moon, moonPosition(time, CALERN));
  const states = new SkyStates(CALERN);
  assert.equal(states.at(time), states.at(time));
  assert.notEqual(states.at(time), states.at(time + 60_000));
});
