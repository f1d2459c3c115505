// The simulated camera: exposure and readout on the clock, the frame and its header, abort.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { CameraSim } from '../../../src/observatory/devices/camera-sim.js';
import { builtinScenario } from '../../../src/observatory/devices/weather-scenario.js';
import { WeatherSim } from '../../../src/observatory/devices/weather-sim.js';
import { readFits } from '../../../src/observatory/images/fits-reader.js';
import { writeFits } from '../../../src/observatory/images/fits-writer.js';
import { analyzeImage } from '../../../src/observatory/images/image-analysis.js';
import { tempDir } from '../../helpers.js';

const NIGHT = Date.UTC(2026, 2, 1, 22, 0, 0);
const request = { exposureS: 20, target: { raDeg: 150, decDeg: 20 }, filter: 'R', objectName: 'GRB 260301A' };

test('an exposure waits exposure + readout in clock time and returns the frame and its start', async () => {
  const clock = new SimClock(NIGHT, 100);
  const camera = new CameraSim({
    clock,
    name: 'andor',
    width: 256,
    height: 128,
    readoutS: 3,
  });
  const t0 = clock.now();
  const exposing = camera.expose(request);
  assert.equal(camera.status(), 'exposing');
  const frame = await exposing;
  const elapsedS = (clock.now() - t0) / 1000;
  // Never shorter; the upper bound leaves a loaded machine's timers 100 real ms (10 s at 100x).
  assert.ok(elapsedS >= 23 - 0.1 && elapsedS < 33, `took ${elapsedS} s for 20 s + 3 s readout`);
  assert.equal(camera.status(), 'idle');
  assert.equal(frame.width, 256);
  assert.equal(frame.height, 128);
  assert.equal(frame.pixels.length, 256 * 128);
  assert.ok(Math.abs(frame.startedAt - t0) < 2000, 'DATE-OBS is the start of the exposure');
  assert.equal(frame.exposureS, 20);
  assert.deepEqual(frame.cards, [], 'a simulator has no cards of its own');

  const path = join(tempDir('pyros-camera-'), 'frame.fits');
  const header = { ...request, dateObs: frame.startedAt, telescope: 'TAROT', instrument: camera.name };
  await writeFits(path, frame, header);
  const fits = await readFits(path);
  assert.equal(fits.header['DATE-OBS'], new Date(frame.startedAt).toISOString().slice(0, -1));
  assert.equal(fits.header.INSTRUME, 'andor');
  assert.deepEqual(Array.from(fits.data), Array.from(frame.pixels));
  assert.ok(analyzeImage(fits.data, fits.width, fits.height).count > 0, 'stars in the image');
});

test('abort stops a long exposure promptly and leaves the camera idle; a busy camera refuses', async () => {
  const clock = new SimClock(NIGHT, 10);
  const camera = new CameraSim({ clock });
  const controller = new AbortController();
  const long = camera.expose({ ...request, exposureS: 600 }, controller.signal); // 60 s of real time
  await assert.rejects(camera.expose(request), /camera: busy \(exposing\)/);
  await new Promise((r) => setTimeout(r, 30));
  const before = performance.now();
  controller.abort(new Error('dome closing'));
  await assert.rejects(long, /dome closing/);
  assert.ok(performance.now() - before < 50, `stopped in ${performance.now() - before} ms`);
  assert.equal(camera.status(), 'idle');
  await assert.rejects(
    camera.expose({ ...request, exposureS: -1 }),
    /camera: exposure time -1 s is not a duration >= 0/,
  );
});

test('clouds dim the stars to the light that gets through', async () => {
  const clock = new SimClock(NIGHT, 1000);
  const clear = new CameraSim({
    clock,
    weather: new WeatherSim(builtinScenario('clear', NIGHT), clock),
    readoutS: 0,
  });
  const cloudy = new CameraSim({
    clock,
    weather: new WeatherSim(builtinScenario('clouds', NIGHT), clock),
    readoutS: 0,
  });
  const long = { ...request, exposureS: 120 };
  const [a, b] = await Promise.all([clear.expose(long), cloudy.expose(long)]);
  const inClear = analyzeImage(a.pixels, a.width, a.height);
  const inClouds = analyzeImage(b.pixels, b.width, b.height);
  assert.ok(
    inClouds.count < inClear.count,
    `${inClouds.count} sources under clouds, ${inClear.count} in clear sky`,
  );
  // 80–90 % cover lets 1 − 0.9 × cover = 19–28 % of the light through: compare the peaks of a bright
  // star, which carry their own noise (about 10 %) on top.
  const star = inClear.sources.find((s) => s.peak < 20_000 && s.peak > 50 * inClear.noise);
  assert.ok(star !== undefined, 'an unsaturated bright star');
  const dimmed = inClouds.sources.find((s) => Math.hypot(s.x - star.x, s.y - star.y) < 2);
  assert.ok(dimmed !== undefined, 'still detected under clouds');
  const ratio = dimmed.peak / star.peak;
  assert.ok(ratio > 0.15 && ratio < 0.34, `peak ratio ${ratio}`);
});
