// The simulated filter wheel.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { DeviceError } from '../../../src/observatory/devices/device-error.js';
import { FilterWheelSim } from '../../../src/observatory/devices/filter-wheel-sim.js';

const NIGHT = Date.UTC(2026, 2, 1, 22, 0, 0);

test('a change takes the change time; the same filter costs nothing; an unknown one is refused', async () => {
  const clock = new SimClock(NIGHT, 100);
  const wheel = new FilterWheelSim({ clock, changeS: 5 });
  assert.deepEqual(wheel.filters(), ['L', 'R', 'V', 'B', 'Clear']);
  assert.equal(wheel.filter(), 'L');
  const t0 = clock.now();
  const changing = wheel.setFilter('V');
  assert.equal(wheel.status(), 'moving');
  assert.equal(wheel.filter(), 'L', 'the old filter until the change completes');
  await changing;
  const tookS = (clock.now() - t0) / 1000;
  assert.ok(tookS >= 4.9 && tookS < 7, `took ${tookS} s`);
  assert.equal(wheel.filter(), 'V');
  assert.equal(wheel.status(), 'idle');
  const t1 = clock.now();
  await wheel.setFilter('V');
  assert.ok(clock.now() - t1 < 500, 'already there');
  const err = await wheel.setFilter('Halpha').then(
    () => assert.fail('accepted an unknown filter'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DeviceError);
  assert.equal(err.message, 'filter-wheel: unknown filter "Halpha" (it holds L, R, V, B, Clear)');
});

test('abort keeps the old filter; a newer change replaces the pending one', async () => {
  const clock = new SimClock(NIGHT, 100);
  const wheel = new FilterWheelSim({ clock, filters: ['g', 'r', 'i'], changeS: 5 });
  const controller = new AbortController();
  const aborted = wheel.setFilter('i', controller.signal);
  controller.abort(new Error('stop'));
  await assert.rejects(aborted, /stop/);
  assert.equal(wheel.filter(), 'g');
  assert.equal(wheel.status(), 'idle');
  const first = wheel.setFilter('r');
  const second = wheel.setFilter('i');
  await assert.rejects(first, /filter-wheel: change replaced by a change to i/);
  await second;
  assert.equal(wheel.filter(), 'i');
  assert.throws(() => new FilterWheelSim({ clock, filters: [] }), /needs at least one filter/);
});
