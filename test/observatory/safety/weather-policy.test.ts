// Monitoring's weather policy: each limit is unsafe at once, the hysteresis before safe again,
// a restored state, and what every verdict carries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WeatherReading } from '../../../src/observatory/devices/weather-station.js';
import {
  badWeatherReason,
  type WeatherLimits,
  WeatherPolicy,
} from '../../../src/observatory/safety/weather-policy.js';

const T = Date.parse('2026-11-29T20:00:00Z');
const MIN = 60_000;

const LIMITS: WeatherLimits = {
  maxWindMps: 15,
  maxCloudPct: 80,
  maxHumidityPct: 90,
  maxReadingAgeMs: 300_000,
  goodAfterMs: 20 * MIN,
  verdictValidMs: 180_000,
};

/** A clear reading taken at `time`, changed by `over`. */
function reading(time: number, over: Partial<WeatherReading> = {}): WeatherReading {
  return {
    time,
    cloudCoverPct: 5,
    rainMmPerH: 0,
    windSpeedMps: 3,
    humidityPct: 50,
    temperatureC: 10,
    sky: 'clear',
    ...over,
  };
}

describe('the weather policy', () => {
  const cases: Array<[string, WeatherReading | Error, RegExp]> = [
    ['rain', reading(T, { rainMmPerH: 0.4, sky: 'rain' }), /^rain 0\.4 mm\/h$/],
    ['wind', reading(T, { windSpeedMps: 18.04, sky: 'wind' }), /^wind 18\.0 m\/s > 15$/],
    ['clouds', reading(T, { cloudCoverPct: 85, sky: 'clouds' }), /^clouds 85 % > 80$/],
    ['humidity', reading(T, { humidityPct: 95 }), /^humidity 95 % > 90$/],
    ['an old reading', reading(T - 301_000), /^weather reading 301 s old \(limit 300 s\)$/],
    ['a failed station', new Error('serial port closed'), /^weather station failed: serial port closed$/],
  ];
  for (const [what, input, reason] of cases) {
    it(`${what} is unsafe at once, from a safe state`, () => {
      const policy = new WeatherPolicy(LIMITS);
      assert.equal(policy.judge(reading(T - MIN), T - MIN).safe, true);
      const verdict = policy.judge(input, T);
      assert.equal(verdict.safe, false);
      assert.match(verdict.reason, reason);
      assert.equal(verdict.since, T, 'unsafe since this reading');
      assert.deepEqual(policy.state, { safe: false, since: T, goodSince: undefined });
      assert.equal(verdict.reading, input instanceof Error ? null : input);
    });
  }

  it('a value the station does not report is unknown, so unsafe, unless it has no such sensor', () => {
    const noHumidity = reading(T, { humidityPct: null, cloudCoverPct: null });
    assert.match(
      badWeatherReason(noHumidity, LIMITS, T) ?? '',
      /^clouds unknown: the station does not report it/,
    );
    const told = { ...LIMITS, notMeasured: ['clouds' as const] };
    assert.match(badWeatherReason(noHumidity, told, T) ?? '', /^humidity unknown/);
    assert.equal(
      badWeatherReason(noHumidity, { ...LIMITS, notMeasured: ['clouds', 'humidity'] }, T),
      undefined,
    );
    // Told it has no humidity sensor, rain is still judged: it is measured.
    const raining = reading(T, { humidityPct: null, rainMmPerH: 2 });
    assert.match(
      badWeatherReason(raining, { ...LIMITS, notMeasured: ['humidity'] }, T) ?? '',
      /^rain 2\.0 mm\/h$/,
    );
  });

  it('what the station itself flags is unsafe, in its words', () => {
    const flagged = reading(T, { stationAlerts: ['WEATHER_WIND_GUST Alert (Wind Gust)'] });
    assert.equal(
      badWeatherReason(flagged, LIMITS, T),
      'the station says WEATHER_WIND_GUST Alert (Wind Gust)',
    );
  });

  it('limits are exceeded only strictly above them', () => {
    const at = reading(T, { windSpeedMps: 15, cloudCoverPct: 80, humidityPct: 90 });
    assert.equal(badWeatherReason(at, LIMITS, T + 300_000), undefined);
  });

  it('a first good reading, with no history, is safe at once', () => {
    const policy = new WeatherPolicy(LIMITS);
    const verdict = policy.judge(reading(T), T);
    assert.deepEqual(verdict, {
      safe: true,
      reason: 'within limits',
      time: T,
      validUntil: T + LIMITS.verdictValidMs,
      since: T,
      reading: reading(T),
    });
  });

  it('each verdict carries its time, until when it holds, and since when it has had its value', () => {
    const policy = new WeatherPolicy(LIMITS);
    policy.judge(reading(T), T);
    for (const minutes of [1, 2, 3]) {
      const now = T + minutes * MIN;
      const verdict = policy.judge(reading(now), now);
      assert.equal(verdict.time, now);
      assert.equal(verdict.validUntil, now + 180_000);
      assert.equal(verdict.since, T, 'safe since the first reading');
    }
    const bad = policy.judge(reading(T + 4 * MIN, { rainMmPerH: 2 }), T + 4 * MIN);
    const worse = policy.judge(reading(T + 5 * MIN, { rainMmPerH: 5 }), T + 5 * MIN);
    assert.equal(bad.since, T + 4 * MIN);
    assert.equal(worse.since, T + 4 * MIN, 'still unsafe since the first bad reading');
    assert.equal(worse.validUntil, T + 5 * MIN + 180_000);
  });

  it('is safe again only after good_after of good readings; a bad one in between starts it again', () => {
    const policy = new WeatherPolicy(LIMITS);
    policy.judge(reading(T), T);
    policy.judge(reading(T + MIN, { rainMmPerH: 1 }), T + MIN);
    const judge = (minutes: number, over: Partial<WeatherReading> = {}) =>
      policy.judge(reading(T + minutes * MIN, over), T + minutes * MIN);
    const first = judge(2);
    assert.equal(first.safe, false);
    assert.equal(first.reason, 'within limits for 0 s; safe after 1200 s more');
    assert.equal(first.since, T + MIN, 'unsafe since the rain');
    assert.equal(judge(12).reason, 'within limits for 600 s; safe after 600 s more');
    // A gust: unsafe again, and the good time counts from the next good reading.
    assert.match(judge(13, { windSpeedMps: 20 }).reason, /^wind/);
    assert.equal(judge(14).safe, false);
    const almost = judge(33);
    assert.equal(almost.safe, false);
    assert.equal(almost.reason, 'within limits for 1140 s; safe after 60 s more');
    const safe = judge(34);
    assert.equal(safe.safe, true);
    assert.equal(safe.reason, 'within limits for 1200 s');
    assert.equal(safe.since, T + 34 * MIN, 'safe since now');
    assert.deepEqual(policy.state, { safe: true, since: T + 34 * MIN, goodSince: undefined });
  });

  it('a restored unsafe state stays unsafe until good_after of good readings', () => {
    const since = T - 10 * MIN;
    const policy = new WeatherPolicy(LIMITS, { safe: false, since, goodSince: undefined });
    const verdict = policy.judge(reading(T), T);
    assert.equal(verdict.safe, false);
    assert.equal(verdict.since, since);
    assert.match(verdict.reason, /safe after 1200 s more$/);
    assert.equal(policy.judge(reading(T + 19 * MIN), T + 19 * MIN).safe, false);
    assert.equal(policy.judge(reading(T + 20 * MIN), T + 20 * MIN).safe, true);
  });

  it('a restored state keeps the good time already counted', () => {
    const policy = new WeatherPolicy(LIMITS, { safe: false, since: T - 30 * MIN, goodSince: T - 15 * MIN });
    assert.equal(policy.judge(reading(T), T).reason, 'within limits for 900 s; safe after 300 s more');
    assert.equal(policy.judge(reading(T + 5 * MIN), T + 5 * MIN).safe, true);
  });

  it('a restored safe state stays safe, since its own time', () => {
    const policy = new WeatherPolicy(LIMITS, { safe: true, since: T - 60 * MIN, goodSince: undefined });
    const verdict = policy.judge(reading(T), T);
    assert.equal(verdict.safe, true);
    assert.equal(verdict.since, T - 60 * MIN);
  });
});
