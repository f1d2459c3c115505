// The night's events against PyEphem (test/fixtures/astro/reference.json, made by make-reference.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Site } from '../../../src/observatory/astro/coordinates.js';
import { type Night, nightDateAt, nightOf, parseNightDate } from '../../../src/observatory/astro/night.js';
import { sunAltitudeDeg } from '../../../src/observatory/astro/positions.js';

interface ReferenceNight {
  site: string;
  latitude: number;
  longitude: number;
  height: number;
  date: string;
  [event: string]: number | string | null;
}
const REF = JSON.parse(
  readFileSync(new URL('../../fixtures/astro/reference.json', import.meta.url), 'utf8'),
) as {
  nights: ReferenceNight[];
};

function site(name: string, latitudeDeg: number, longitudeDeg: number, heightM: number): Site {
  return {
    name,
    latitudeDeg,
    longitudeDeg,
    heightM,
    horizonLimitDeg: 20,
    sunLimitDeg: -12,
    moonSeparationDeg: 15,
  };
}

// Ours against the reference's names.
const EVENTS: [keyof Night, string][] = [
  ['sunset', 'sunSet'],
  ['civilDusk', 'civilSet'],
  ['nauticalDusk', 'nauticalSet'],
  ['astronomicalDusk', 'astronomicalSet'],
  ['astronomicalDawn', 'astronomicalRise'],
  ['nauticalDawn', 'nauticalRise'],
  ['civilDawn', 'civilRise'],
  ['sunrise', 'sunRise'],
  ['midnight', 'midnight'],
  ['moonrise', 'moonrise'],
  ['moonset', 'moonset'],
];

// The two libraries agree within 0.2 s on these nights; 2 s leaves room for other platforms' floats.
const TOLERANCE_MS = 2000;

test('Sun, twilight and Moon events agree with PyEphem within 2 s at Calern (both solstices) and La Silla', () => {
  assert.equal(REF.nights.length, 3);
  for (const ref of REF.nights) {
    const night = nightOf(site(ref.site, ref.latitude, ref.longitude, ref.height), ref.date);
    assert.equal(night.date, ref.date);
    for (const [ours, theirs] of EVENTS) {
      const expected = ref[theirs];
      const got = night[ours];
      const what = `${ref.site} ${ref.date} ${String(ours)}`;
      if (expected === null) {
        assert.equal(got, undefined, what);
        continue;
      }
      assert.equal(typeof got, 'number', what);
      const diff = Math.abs((got as number) - (expected as number));
      assert.ok(diff <= TOLERANCE_MS, `${what}: ${diff} ms from PyEphem`);
    }
    assert.ok(Math.abs(night.moonIllumination - (ref.moonIllumination as number)) < 0.005);
  }
});

test('events come in their physical order, and the dark window is the Sun below the site limit', () => {
  for (const ref of REF.nights) {
    const s = site(ref.site, ref.latitude, ref.longitude, ref.height);
    const n = nightOf(s, ref.date);
    const order = [
      n.noon,
      n.sunset,
      n.civilDusk,
      n.nauticalDusk,
      n.astronomicalDusk,
      n.midnight,
      n.astronomicalDawn,
      n.nauticalDawn,
      n.civilDawn,
      n.sunrise,
      n.nextNoon,
    ];
    for (let i = 1; i < order.length; i++) {
      assert.ok(
        (order[i - 1] as number) < (order[i] as number),
        `${ref.site} ${ref.date}: event ${i} out of order`,
      );
    }
    // Noon to noon is a solar day, within the equation of time's drift.
    assert.ok(Math.abs(n.nextNoon - n.noon - 86_400_000) < 60_000);
    assert.deepEqual(
      n.dark,
      { start: n.nauticalDusk, end: n.nauticalDawn },
      'sun limit -12 is nautical twilight',
    );
    assert.ok(Math.abs(sunAltitudeDeg(s, n.dark?.start ?? 0) + 12) < 0.001);
    assert.ok(sunAltitudeDeg(s, n.midnight) < -12);
    assert.ok(n.moonIllumination >= 0 && n.moonIllumination <= 1);
  }
});

test('the night of a date is that evening in local solar time, far east and far west', () => {
  const sites = [
    site('Mount John', -43.9856, 170.4651, 1029),
    site('Mauna Kea', 19.8207, -155.4681, 4205),
    site('Calern', 43.7523, 6.9219, 1270),
  ];
  for (const s of sites) {
    const n = nightOf(s, '2026-12-01');
    const localSolar = (t: number) => new Date(t + (s.longitudeDeg / 15) * 3_600_000).toISOString();
    const sunset = localSolar(n.sunset as number);
    const sunrise = localSolar(n.sunrise as number);
    assert.equal(sunset.slice(0, 10), '2026-12-01', `${s.name} sunset ${sunset}`);
    assert.equal(sunrise.slice(0, 10), '2026-12-02', `${s.name} sunrise ${sunrise}`);
    const hour = Number(sunset.slice(11, 13));
    assert.ok(hour >= 16 && hour <= 20, `${s.name}: sunset at ${sunset} local solar`);
  }
});

test('a time picks the night whose noon-to-noon span holds it', () => {
  const calern = site('Calern', 43.7523, 6.9219, 1270);
  const n = nightOf(calern, '2026-12-01');
  assert.equal(nightOf(calern, n.noon).date, '2026-12-01');
  assert.equal(nightOf(calern, (n.sunset as number) + 3_600_000).date, '2026-12-01');
  assert.equal(nightOf(calern, (n.sunrise as number) - 3_600_000).date, '2026-12-01');
  assert.equal(nightOf(calern, n.nextNoon - 1).date, '2026-12-01');
  assert.equal(nightOf(calern, n.nextNoon).date, '2026-12-02');
  assert.equal(nightOf(calern, n.noon - 1).date, '2026-11-30');
  assert.equal(nightDateAt(calern, Date.parse('2026-12-02T03:00:00Z')), '2026-12-01');
  assert.equal(nightDateAt(calern, Date.parse('2026-12-02T13:00:00Z')), '2026-12-02');
});

test('polar summer and winter: events that do not happen are undefined', () => {
  const tromso = site('Tromsø', 69.6492, 18.9553, 100);
  const summer = nightOf(tromso, '2026-06-21');
  for (const key of ['sunset', 'civilDusk', 'nauticalDusk', 'astronomicalDusk', 'sunrise', 'dark'] as const) {
    assert.equal(summer[key], undefined, `summer ${key}`);
  }
  const winter = nightOf(tromso, '2026-12-21');
  assert.equal(winter.sunset, undefined, 'the Sun stays below -0.833 deg');
  assert.equal(winter.sunrise, undefined);
  assert.ok(winter.civilDusk !== undefined && winter.civilDusk < (winter.nauticalDusk as number));
  assert.deepEqual(winter.dark, { start: winter.nauticalDusk, end: winter.nauticalDawn });
  // Near the pole in winter the Sun stays below -12 deg: dark from noon to noon.
  const pole = nightOf(site('Alert', 82.5, -62.3, 30), '2026-12-21');
  assert.equal(pole.nauticalDusk, undefined);
  assert.deepEqual(pole.dark, { start: pole.noon, end: pole.nextNoon });
});

test('a bad date is refused in one line', () => {
  for (const bad of ['2026-02-30', '2026-13-01', '2026-1-01', '26-01-01', 'tonight', '']) {
    assert.throws(
      () => parseNightDate(bad),
      (err: Error) => err.message === `${JSON.stringify(bad)} is not a date (YYYY-MM-DD)`,
    );
  }
  assert.equal(parseNightDate('2028-02-29'), Date.UTC(2028, 1, 29));
});
