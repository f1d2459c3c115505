// The observatory's one safety rule, at the shipped site (Calern), and the watch that applies it
// to the verdicts an agent hears.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadSite } from '../../../src/observatory/astro/site-file.js';
import { assessSafety } from '../../../src/observatory/safety/safety-rule.js';
import { SafetyWatch } from '../../../src/observatory/safety/safety-watch.js';
import type { WeatherVerdict } from '../../../src/observatory/safety/weather-verdict.js';
import { SHIPPED } from '../observatory-fixture.js';

const site = loadSite(join(SHIPPED, 'site.ini'));
/** Night at Calern: the Sun far below -12°. */
const NIGHT = Date.parse('2026-11-29T22:00:00Z');
/** Midday at Calern. */
const NOON = Date.parse('2026-11-30T11:30:00Z');

function verdict(time: number, safe = true, validS = 180, reason = 'within limits'): WeatherVerdict {
  return { safe, reason, time, validUntil: time + validS * 1000, since: time, reading: null };
}

describe('the safety rule', () => {
  it('a fresh safe verdict at night is safe', () => {
    const safety = assessSafety(site, verdict(NIGHT - 30_000), NIGHT);
    assert.equal(safety.safe, true);
    assert.equal(safety.cause, 'ok');
    assert.match(safety.reason, /^weather within limits; the Sun at -\d+\.\d°$/);
  });

  it('no verdict is unsafe', () => {
    assert.deepEqual(assessSafety(site, undefined, NIGHT), {
      safe: false,
      reason: 'no weather verdict from monitoring',
      cause: 'silence',
    });
  });

  it('an expired verdict is unsafe, and says how long monitoring has been silent', () => {
    const old = verdict(NIGHT - 300_000, true, 180);
    assert.deepEqual(assessSafety(site, old, NIGHT), {
      safe: false,
      reason: 'no word from monitoring for 300 s: its verdict has expired',
      cause: 'silence',
    });
    // Valid up to its validUntil included.
    assert.equal(assessSafety(site, old, old.validUntil).safe, true);
    assert.equal(assessSafety(site, old, old.validUntil + 1).safe, false);
  });

  it('an unsafe verdict is unsafe, with its reason', () => {
    const wind = verdict(NIGHT, false, 180, 'wind 18.0 m/s > 15');
    assert.deepEqual(assessSafety(site, wind, NIGHT + 1000), {
      safe: false,
      reason: 'wind 18.0 m/s > 15',
      cause: 'weather',
    });
  });

  it('daylight is unsafe, whatever the weather', () => {
    const safety = assessSafety(site, verdict(NOON), NOON);
    assert.equal(safety.safe, false);
    assert.equal(safety.cause, 'daylight');
    assert.match(safety.reason, /^daylight: the Sun at \d+\.\d° is above the limit \(-12°\)$/);
  });

  it('silence is said before bad weather, and bad weather before daylight', () => {
    assert.equal(assessSafety(site, verdict(NOON - 600_000, false), NOON).cause, 'silence');
    assert.equal(assessSafety(site, verdict(NOON, false), NOON).cause, 'weather');
  });
});

describe('the safety watch', () => {
  it('keeps the newest verdict heard, ignores an older one, and judges with the rule', () => {
    const watch = new SafetyWatch(site);
    assert.equal(watch.verdict, undefined);
    assert.equal(watch.expiresAt(), undefined);
    assert.equal(watch.assess(NIGHT).cause, 'silence');
    assert.equal(watch.update(verdict(NIGHT)), true);
    assert.equal(watch.assess(NIGHT + 1000).safe, true);
    assert.equal(watch.update(verdict(NIGHT - 60_000, false)), false, 'a late delivery changes nothing');
    assert.equal(watch.assess(NIGHT + 1000).safe, true);
    assert.equal(watch.update(verdict(NIGHT + 60_000, false, 180, 'rain 2.0 mm/h')), true);
    assert.equal(watch.assess(NIGHT + 61_000).reason, 'rain 2.0 mm/h');
  });

  it('expires with the verdict, and asks again two thirds of the way there', () => {
    const watch = new SafetyWatch(site);
    watch.update(verdict(NIGHT, true, 180));
    assert.equal(watch.expiresAt(), NIGHT + 180_000);
    assert.equal(watch.refreshAt(), NIGHT + 120_000);
    assert.equal(watch.assess(NIGHT + 181_000).cause, 'silence');
  });
});
