// The simulated dome: opening times, rain, closing that always wins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { DeviceError } from '../../../src/observatory/devices/device-error.js';
import { DomeSim } from '../../../src/observatory/devices/dome-sim.js';
import { builtinScenario } from '../../../src/observatory/devices/weather-scenario.js';
import { WeatherSim } from '../../../src/observatory/devices/weather-sim.js';

const NIGHT = Date.UTC(2026, 2, 1, 22, 0, 0);

function domeIn(weather: 'clear' | 'rain', speed = 100) {
  const clock = new SimClock(NIGHT, speed);
  const dome = new DomeSim({
    clock,
    weather: new WeatherSim(builtinScenario(weather, NIGHT), clock),
    openS: 20,
    closeS: 10,
  });
  return { clock, dome };
}

test('opens in clear weather in its opening time, and closes in its closing time', async () => {
  const { clock, dome } = domeIn('clear');
  assert.equal(dome.state(), 'closed');
  const t0 = clock.now();
  const opening = dome.open();
  assert.equal(dome.state(), 'opening');
  await opening;
  const openedS = (clock.now() - t0) / 1000;
  assert.ok(openedS >= 19.9 && openedS < 22, `opened in ${openedS} s`);
  assert.equal(dome.state(), 'open');
  await dome.open(); // already open: nothing to do
  const t1 = clock.now();
  await dome.close();
  const closedS = (clock.now() - t1) / 1000;
  assert.ok(closedS >= 9.9 && closedS < 12, `closed in ${closedS} s`);
  assert.equal(dome.state(), 'closed');
});

test('refuses to open in rain; closing still works', async () => {
  const { dome } = domeIn('rain');
  const err = await dome.open().then(
    () => assert.fail('opened in the rain'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DeviceError);
  assert.match(err.message, /^dome: refusing to open: rain \(\d+\.\d mm\/h\)$/);
  assert.equal(dome.state(), 'closed');
  await dome.close();
  assert.equal(dome.state(), 'closed');
});

test('a close mid-opening interrupts it and takes only the part already opened', async () => {
  const { clock, dome } = domeIn('clear', 50);
  const opening = dome.open();
  await new Promise((r) => setTimeout(r, 200)); // 10 s of the 20 s opening: half open
  const half = dome.fractionOpen();
  assert.ok(half > 0.3 && half < 0.7, `${half} open`);
  const t0 = clock.now();
  const closing = dome.close();
  assert.equal(dome.state(), 'closing');
  await assert.rejects(opening, /dome: opening interrupted by close/);
  await assert.rejects(dome.open(), /dome: cannot open while closing/);
  await closing;
  const closedS = (clock.now() - t0) / 1000;
  assert.ok(Math.abs(closedS - half * 10) < 1.5, `closed in ${closedS} s from ${half} open`);
  assert.equal(dome.state(), 'closed');
});

test('aborting an opening closes the dome again; aborting a close only stops the wait', async () => {
  const { dome } = domeIn('clear', 50);
  const controller = new AbortController();
  const opening = dome.open(controller.signal);
  await new Promise((r) => setTimeout(r, 100));
  controller.abort(new Error('alert cancelled'));
  await assert.rejects(opening, /alert cancelled/);
  assert.equal(dome.state(), 'closing', 'never left half open');
  const waiting = new AbortController();
  const closing = dome.close(waiting.signal);
  waiting.abort(new Error('gave up waiting'));
  await assert.rejects(closing, /gave up waiting/);
  assert.equal(dome.state(), 'closing', 'still closing');
  await dome.close();
  assert.equal(dome.state(), 'closed');
});
