// Scripted weather: the scenario file, readings as a pure function of time, stations that agree.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import {
  builtinScenario,
  loadScenario,
  parseScenario,
  resolveScenario,
  skyAt,
} from '../../../src/observatory/devices/weather-scenario.js';
import { readingAt, WeatherSim } from '../../../src/observatory/devices/weather-sim.js';
import { tempDir } from '../../helpers.js';

const START = Date.UTC(2026, 2, 1, 20, 0, 0);
const H = 3_600_000;

test('a scenario file: relative and absolute segments, the sky before the first, readings at given times', async () => {
  const path = join(tempDir('pyros-weather-'), 'night.json');
  writeFileSync(
    path,
    JSON.stringify({
      start: '2026-03-01T20:00:00Z',
      segments: [
        { at: '+2h', sky: 'rain' },
        { at: '+2h30m', sky: 'clear' },
        { at: '2026-03-02T01:00:00', sky: 'wind' }, // no zone: UTC
        { at: '+330m', sky: 'clouds' },
      ],
    }),
  );
  const scenario = await loadScenario(path);
  assert.equal(scenario.sky, 'clear');
  assert.deepEqual(
    scenario.segments.map((s) => s.at),
    [START + 2 * H, START + 2.5 * H, START + 5 * H, START + 5.5 * H],
  );
  const expected: [number, string][] = [
    [START - H, 'clear'],
    [START + H, 'clear'],
    [START + 2 * H, 'rain'],
    [START + 2.4 * H, 'rain'],
    [START + 2.5 * H, 'clear'],
    [START + 5.2 * H, 'wind'],
    [START + 9 * H, 'clouds'],
  ];
  for (const [time, sky] of expected) {
    assert.equal(skyAt(scenario, time), sky, `at +${(time - START) / H} h`);
    const reading = readingAt(scenario, time);
    assert.equal(reading.sky, sky);
    assert.equal(reading.time, time);
    if (sky === 'rain') assert.ok(reading.rainMmPerH > 1 && reading.cloudCoverPct > 90);
    else assert.equal(reading.rainMmPerH, 0);
    if (sky === 'wind') assert.ok(reading.windSpeedMps > 15);
    else assert.ok(reading.windSpeedMps < 10);
    if (sky === 'clear') assert.ok(reading.cloudCoverPct < 15);
    if (sky === 'clouds') assert.ok(reading.cloudCoverPct > 70);
    assert.ok(reading.humidityPct >= 0 && reading.humidityPct <= 100);
  }
});

test('readings jitter a little, smoothly, and identically for the same time', () => {
  const scenario = builtinScenario('clear', START);
  const clouds = Array.from({ length: 120 }, (_, i) => readingAt(scenario, START + i * 30_000).cloudCoverPct);
  assert.ok(new Set(clouds).size > 100, 'not constant');
  for (let i = 1; i < clouds.length; i += 1) {
    assert.ok(
      Math.abs((clouds[i] as number) - (clouds[i - 1] as number)) <= 5,
      'no jump from one half-minute to the next',
    );
  }
  assert.deepEqual(
    readingAt(scenario, START + 12_345),
    readingAt(builtinScenario('clear', START), START + 12_345),
  );
});

test('two stations with the same scenario and clock read the same weather without talking', async () => {
  const scenario = parseScenario({ segments: [{ at: '+10m', sky: 'rain' }] }, 'inline', START);
  const anchor = Date.now();
  const clockA = new SimClock(START, 600, anchor);
  const clockB = new SimClock(START, 600, anchor);
  const a = new WeatherSim(scenario, clockA);
  const b = new WeatherSim(scenario, clockB);
  assert.equal((await a.read()).sky, 'clear');
  assert.equal((await b.read()).sky, 'clear');
  await new Promise((r) => setTimeout(r, 1100)); // 11 min of clock time
  const ra = await a.read();
  const rb = await b.read();
  assert.equal(ra.sky, 'rain');
  assert.equal(rb.sky, 'rain');
  assert.deepEqual(readingAt(scenario, ra.time), ra, 'a reading is a function of the time alone');
  assert.deepEqual(readingAt(scenario, rb.time), rb);
  assert.ok(Math.abs(ra.time - rb.time) < 60_000, 'the two clocks agree');
  assert.ok(Math.abs(ra.rainMmPerH - rb.rainMmPerH) < 0.5, 'so do the readings');
});

test('built-in scenarios by name; a file by path', async () => {
  for (const sky of ['clear', 'clouds', 'rain', 'wind'] as const) {
    const scenario = await resolveScenario(sky, START);
    assert.equal(skyAt(scenario, START), sky);
    assert.equal(skyAt(scenario, START + 10 * H), sky, 'all night');
  }
  const shower = await resolveScenario('shower', START);
  assert.deepEqual(
    [0, 1, 1.25, 1.5, 3].map((h) => skyAt(shower, START + h * H)),
    ['clear', 'rain', 'rain', 'clear', 'clear'],
  );
  await assert.rejects(resolveScenario('drizzle', START), /weather scenario drizzle: ENOENT/);
});

test('bad scenarios get one line naming the file, the field and the problem', async () => {
  const bad: [unknown, RegExp][] = [
    [
      { segments: [{ at: '+1h', sky: 'snow' }] },
      /^weather scenario f\.json: segments\.0\.sky: Invalid option/,
    ],
    [
      { segments: [{ at: '1h', sky: 'rain' }] },
      /segments\.0\.at: expected an ISO time or ms since the epoch, got "1h"/,
    ],
    [{ segments: [{ at: '+1d', sky: 'rain' }] }, /segments\.0\.at: "\+1d" is not an offset like \+2h/],
    [
      { segments: [{ at: '+1h', sky: 'rain' }] },
      /segments\.0\.at: "\+1h" is relative but the scenario has no start/,
    ],
    [
      {
        start: '2026-03-01T20:00:00Z',
        segments: [
          { at: '+2h', sky: 'rain' },
          { at: '+1h', sky: 'clear' },
        ],
      },
      /segments\.1\.at "\+1h" is not after the segment before it/,
    ],
    [{ start: 'tonight', segments: [] }, /start: expected an ISO time/],
    [{ segments: [], wind: 3 }, /scenario: Unrecognized key: "wind"/],
    [{ segments: 'rain' }, /segments: Invalid input: expected array/],
  ];
  for (const [input, pattern] of bad) {
    assert.throws(
      () => parseScenario(input, 'f.json'),
      (err: Error) => pattern.test(err.message) && !err.message.includes('\n'),
      JSON.stringify(input),
    );
  }
  const path = join(tempDir('pyros-weather-'), 'broken.json');
  writeFileSync(path, '{ "segments": [ ');
  await assert.rejects(loadScenario(path), /weather scenario .*broken\.json: .*JSON/);
});
