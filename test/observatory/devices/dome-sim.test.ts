// The simulated dome: opening and closing times, closing that always wins. (It knows nothing of
// the weather: whether it may open is the safety rule's call, the observation manager's.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { DeviceError } from '../../../src/observatory/devices/device-error.js';
import { DomeSim } from '../../../src/observatory/devices/dome-sim.js';
import { waitFor } from '../../helpers.js';

const NIGHT = Date.UTC(2026, 2, 1, 22, 0, 0);

function simDome(speed = 100) {
  const clock = new SimClock(NIGHT, speed);
  return { clock, dome: new DomeSim({ clock, openS: 20, closeS: 10 }) };
}

test('opens in its opening time, and closes in its closing time', async () => {
  const { clock, dome } = simDome();
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

test('a close mid-opening interrupts it and takes only the part already opened', async () => {
  const { clock, dome } = simDome(50);
  const opening = dome.open();
  await waitFor(() => dome.fractionOpen() >= 0.5, 5000, 'the dome half open');
  const half = dome.fractionOpen();
  assert.ok(half >= 0.5 && half < 0.9, `${half} open`);
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
  const { dome } = simDome(50);
  const controller = new AbortController();
  const opening = dome.open(controller.signal);
  await waitFor(() => dome.fractionOpen() >= 0.2, 5000, 'the dome opening');
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

test('a dome with zero times opens and closes at once; a negative time is refused', async () => {
  const clock = new SimClock(NIGHT, 1);
  const instant = new DomeSim({ clock, openS: 0, closeS: 0 });
  await instant.open();
  assert.equal(instant.state(), 'open');
  assert.equal(instant.fractionOpen(), 1);
  await instant.close();
  assert.equal(instant.state(), 'closed');
  assert.equal(instant.fractionOpen(), 0);
  assert.throws(
    () => new DomeSim({ clock, closeS: -1 }),
    (err: unknown) => err instanceof DeviceError && err.message === 'dome: closing time must be >= 0 s',
  );
});
