import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALTITUDE_STEP_MS, nightAltitudes, nightView } from '../../src/dashboard/night-views.js';
import type { Site } from '../../src/observatory/astro/coordinates.js';
import { nightOf } from '../../src/observatory/astro/night.js';
import { altAz } from '../../src/observatory/astro/positions.js';
import type { PlannedBlock } from '../../src/observatory/scheduler/request.js';

const CALERN: Site = {
  name: 'Calern',
  latitudeDeg: 43.75,
  longitudeDeg: 6.92,
  heightM: 1270,
  horizonLimitDeg: 20,
  sunLimitDeg: -12,
  moonSeparationDeg: 20,
};
/** Svalbard: the Sun never sets in June. */
const LONGYEARBYEN: Site = { ...CALERN, name: 'Longyearbyen', latitudeDeg: 78.22, longitudeDeg: 15.65 };

function block(targetName: string, raDeg: number, decDeg: number): PlannedBlock {
  return {
    id: targetName,
    requestId: targetName,
    kind: 'routine',
    targetName,
    target: { raDeg, decDeg },
    priority: 1,
    start: 0,
    end: 1,
    altitudeDeg: 0,
    airmass: 1,
    exposures: [{ filter: 'R', exposureS: 60, count: 1 }],
  };
}

describe('nightView', () => {
  it('names every event of the night, null for those that do not happen', () => {
    const night = nightOf(CALERN, '2026-11-29');
    const view = nightView(night);
    assert.equal(view.date, '2026-11-29');
    assert.equal(view.sunset, night.sunset);
    assert.equal(view.astronomicalDawn, night.astronomicalDawn);
    assert.deepEqual(view.dark, night.dark);
    assert.ok(Object.values(view).every((v) => v !== undefined && v !== null));

    const midsummer = nightView(nightOf(LONGYEARBYEN, '2026-06-21'));
    assert.equal(midsummer.sunset, null);
    assert.equal(midsummer.sunrise, null);
    assert.equal(midsummer.astronomicalDusk, null);
    assert.equal(midsummer.dark, null);
  });
});

describe('nightAltitudes', () => {
  it('gives each target once, by name, every 10 minutes from sunset to sunrise, as altAz does', () => {
    const night = nightOf(CALERN, '2026-11-29');
    const blocks = [block('M45', 56.75, 24.12), block('Vega', 279.23, 38.78), block('M45', 56.75, 24.12)];
    const view = nightAltitudes(CALERN, night, blocks);
    assert.equal(ALTITUDE_STEP_MS, 600_000);
    assert.equal(view.times[0], night.sunset);
    const last = view.times.at(-1) as number;
    assert.ok(last <= (night.sunrise as number) && last > (night.sunrise as number) - ALTITUDE_STEP_MS);
    assert.deepEqual(
      view.series.map((s) => s.target),
      ['M45', 'Vega'],
    );
    for (const [i, [ra, dec]] of [
      [56.75, 24.12],
      [279.23, 38.78],
    ].entries()) {
      const series = view.series[i] as { altitudes: readonly number[] };
      assert.equal(series.altitudes.length, view.times.length);
      view.times.forEach((t, k) => {
        const expected = altAz(CALERN, { raDeg: ra as number, decDeg: dec as number }, t).altDeg;
        assert.ok(Math.abs((series.altitudes[k] as number) - expected) <= 0.005, `target ${i} step ${k}`);
      });
    }
  });

  it('spans noon to noon where the Sun does not set, and nothing without blocks', () => {
    const night = nightOf(LONGYEARBYEN, '2026-06-21');
    const view = nightAltitudes(LONGYEARBYEN, night, [block('Polaris', 37.95, 89.26)]);
    assert.equal(view.times[0], night.noon);
    assert.ok((view.times.at(-1) as number) > night.nextNoon - ALTITUDE_STEP_MS);
    // Polaris from 78 deg north: always at about the latitude.
    assert.ok(view.series[0]?.altitudes.every((a) => Math.abs(a - 78.2) < 1.5));
    assert.deepEqual(nightAltitudes(CALERN, nightOf(CALERN, '2026-11-29'), []).series, []);
  });
});
