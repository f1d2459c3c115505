// The devices' own altitude helper against the textbook formula, and the great-circle helpers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { altitudeDeg, interpolateDeg, separationDeg } from '../../../src/observatory/devices/sky.js';
import { calern } from './sites.js';

/**
 * Independent reference: altitude from the mean sidereal time (Meeus, Astronomical Algorithms,
 * eq. 12.4) and the spherical-triangle formula, in J2000 coordinates without refraction. It
 * ignores precession since 2000 (≈0.36° by 2026), nutation, aberration and refraction, so it
 * agrees with the apparent altitude to within half a degree.
 */
function textbookAltitude(
  latDeg: number,
  lonDeg: number,
  raDeg: number,
  decDeg: number,
  time: number,
): number {
  const rad = Math.PI / 180;
  const days = time / 86_400_000 + 2440587.5 - 2451545.0;
  const lst = (280.46061837 + 360.98564736629 * days + lonDeg) % 360;
  const hourAngle = (lst - raDeg) * rad;
  const sinAlt =
    Math.sin(latDeg * rad) * Math.sin(decDeg * rad) +
    Math.cos(latDeg * rad) * Math.cos(decDeg * rad) * Math.cos(hourAngle);
  return Math.asin(sinAlt) / rad;
}

test('altitude agrees with the textbook formula within 0.5°, and the pole stands at the latitude', () => {
  const start = Date.UTC(2026, 2, 1, 20, 0, 0);
  for (let hour = 0; hour < 24; hour += 3) {
    const time = start + hour * 3_600_000;
    for (const target of [
      { raDeg: 10, decDeg: 40 },
      { raDeg: 150, decDeg: 20 },
      { raDeg: 280, decDeg: -10 },
      { raDeg: 83.6, decDeg: 22 },
    ]) {
      const ours = altitudeDeg(calern, target, time);
      const reference = textbookAltitude(
        calern.latitudeDeg,
        calern.longitudeDeg,
        target.raDeg,
        target.decDeg,
        time,
      );
      if (reference > 5)
        assert.ok(
          Math.abs(ours - reference) < 0.5,
          `${JSON.stringify(target)} +${hour}h: ${ours} vs ${reference}`,
        );
    }
    assert.ok(Math.abs(altitudeDeg(calern, { raDeg: 0, decDeg: 90 }, time) - calern.latitudeDeg) < 0.5);
  }
});

test('separation and great-circle interpolation', () => {
  assert.ok(Math.abs(separationDeg({ raDeg: 0, decDeg: 70 }, { raDeg: 180, decDeg: 70 }) - 40) < 1e-9);
  assert.ok(Math.abs(separationDeg({ raDeg: 359.5, decDeg: 0 }, { raDeg: 0.5, decDeg: 0 }) - 1) < 1e-9);
  assert.ok(
    Math.abs(separationDeg({ raDeg: 10, decDeg: 0 }, { raDeg: 10, decDeg: 1 / 3600 }) - 1 / 3600) < 1e-12,
  );
  const a = { raDeg: 0, decDeg: 70 };
  const b = { raDeg: 180, decDeg: 70 };
  const mid = interpolateDeg(a, b, 0.5);
  assert.ok(Math.abs(mid.decDeg - 90) < 1e-9, 'the shortest way between them passes over the pole');
  const quarter = interpolateDeg(a, b, 0.25);
  assert.ok(Math.abs(separationDeg(a, quarter) - 10) < 1e-9);
  assert.ok(Math.abs(separationDeg(quarter, b) - 30) < 1e-9);
});
