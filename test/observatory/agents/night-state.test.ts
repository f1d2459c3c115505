import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closedFor, NightStateKeeper } from '../../../src/observatory/agents/night-state.js';
import { currentNight } from '../../../src/observatory/agents/planning-window.js';
import type { Site } from '../../../src/observatory/astro/coordinates.js';
import { utcText } from '../../../src/observatory/clock/utc-text.js';

const CALERN: Site = {
  name: 'Calern',
  latitudeDeg: 43.7523,
  longitudeDeg: 6.9219,
  heightM: 1270,
  horizonLimitDeg: 20,
  sunLimitDeg: -12,
  moonSeparationDeg: 15,
};
const daylight = {
  safe: false,
  reason: 'daylight: the Sun at 3.0° is above the limit (-12°)',
  cause: 'daylight',
} as const;

describe('closedFor', () => {
  it('says dawn from the end of the dark time through the morning, dusk in the afternoon', () => {
    const night = currentNight(CALERN, Date.parse('2026-12-01T22:00:00Z'));
    const dark = night.dark as { start: number; end: number };
    // Before sunrise, since the dark time ended; after it (the next night's data), no time known.
    assert.deepEqual(closedFor(CALERN, dark.end + 60_000, daylight), {
      why: 'the night is over: the Sun is above the limit (-12°)',
      cause: 'dawn',
      began: dark.end,
    });
    for (const t of [Date.parse('2026-12-02T07:30:00Z'), Date.parse('2026-12-02T10:30:00Z')]) {
      assert.deepEqual(
        closedFor(CALERN, t, daylight),
        {
          why: 'the night is over: the Sun is above the limit (-12°)',
          cause: 'dawn',
        },
        new Date(t).toISOString(),
      );
    }
    const afternoon = Date.parse('2026-12-02T15:00:00Z');
    const next = currentNight(CALERN, afternoon).dark?.start as number;
    assert.deepEqual(closedFor(CALERN, afternoon, daylight), {
      why: `the Sun is above the limit (-12°) until ${utcText(next, afternoon)}`,
      cause: 'dusk',
    });
    assert.match(utcText(next, afternoon), /^17:0\d:\d\d UTC$/);
  });

  it('gives the weather, silence and device reasons as the safety rule says them', () => {
    const wind = { safe: false, reason: 'wind 18.0 m/s > 15', cause: 'weather' } as const;
    assert.deepEqual(closedFor(CALERN, 0, wind), { why: 'wind 18.0 m/s > 15', cause: 'weather' });
    const silent = { safe: false, reason: 'no weather verdict from monitoring', cause: 'silence' } as const;
    assert.equal(closedFor(CALERN, 0, silent).cause, 'silence');
  });
});

describe('NightStateKeeper', () => {
  it('moves since only when the state or the cause changes, and logs each new reason once', () => {
    const lines: string[] = [];
    const debug: string[] = [];
    const keeper = new NightStateKeeper({ info: (m) => lines.push(m), debug: (m) => debug.push(m) }, 1000);
    keeper.say(2000, 'closed', 'wind 18.0 m/s > 15', null, 'weather');
    keeper.say(3000, 'closed', 'wind 18.0 m/s > 15', null, 'weather');
    keeper.say(4000, 'closed', 'wind 19.0 m/s > 15', null, 'weather');
    keeper.say(4200, 'closed', 'humidity 97 % > 90', null, 'weather');
    assert.equal(keeper.status.since, 2000);
    assert.equal(keeper.status.why, 'humidity 97 % > 90');
    keeper.say(5000, 'day', 'the night is over', null, 'dawn', 4500);
    assert.deepEqual(keeper.status, {
      state: 'day',
      why: 'the night is over',
      since: 4500,
      cause: 'dawn',
      next: null,
    });
    assert.deepEqual(lines, [
      'closed: wind 18.0 m/s > 15',
      'closed: humidity 97 % > 90',
      'day: the night is over',
    ]);
    assert.deepEqual(debug, ['closed: wind 19.0 m/s > 15'], 'only its numbers changed');
  });
});

describe('utcText', () => {
  it('writes the time alone within half a day, else with the date', () => {
    const now = Date.parse('2026-12-02T21:00:00Z');
    assert.equal(utcText(Date.parse('2026-12-02T21:14:05.400Z'), now), '21:14:05 UTC');
    assert.equal(utcText(Date.parse('2026-12-03T05:59:00Z'), now), '05:59:00 UTC');
    assert.equal(utcText(Date.parse('2026-11-30T21:14:05Z'), now), '2026-11-30 21:14 UTC');
  });
});
