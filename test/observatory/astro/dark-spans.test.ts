import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Site } from '../../../src/observatory/astro/coordinates.js';
import { darkSpans } from '../../../src/observatory/astro/dark-spans.js';
import { nightOf } from '../../../src/observatory/astro/night.js';

function site(latitudeDeg: number, longitudeDeg: number): Site {
  return {
    name: 's',
    latitudeDeg,
    longitudeDeg,
    heightM: 0,
    horizonLimitDeg: 20,
    sunLimitDeg: -12,
    moonSeparationDeg: 15,
  };
}
const CALERN = site(43.7523, 6.9219);

test('noon to noon: one span, the night dark window; two days: two spans', () => {
  const n = nightOf(CALERN, '2026-12-01');
  const [span, ...more] = darkSpans(CALERN, n.noon, n.nextNoon, -12);
  assert.equal(more.length, 0);
  assert.ok(Math.abs((span?.start ?? 0) - (n.dark?.start ?? 0)) < 200);
  assert.ok(Math.abs((span?.end ?? 0) - (n.dark?.end ?? 0)) < 200);
  const next = nightOf(CALERN, '2026-12-02');
  const two = darkSpans(CALERN, n.noon, next.nextNoon, -12);
  assert.equal(two.length, 2);
  assert.ok(Math.abs((two[1]?.start ?? 0) - (next.dark?.start ?? 0)) < 200);
});

test('spans are clipped to the range; daylight or polar summer gives none', () => {
  const n = nightOf(CALERN, '2026-12-01');
  assert.deepEqual(darkSpans(CALERN, n.midnight, n.midnight + 3_600_000, -12), [
    { start: n.midnight, end: n.midnight + 3_600_000 },
  ]);
  const evening = darkSpans(CALERN, n.midnight - 3_600_000, n.nextNoon, -12);
  assert.equal(evening[0]?.start, n.midnight - 3_600_000);
  assert.deepEqual(darkSpans(CALERN, n.noon, n.noon + 3_600_000, -12), []);
  const tromso = site(69.6492, 18.9553);
  const summer = nightOf(tromso, '2026-06-21');
  assert.deepEqual(darkSpans(tromso, summer.noon, summer.nextNoon, -12), []);
});
