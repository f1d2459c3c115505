// The simulated mount on a fast simulated clock: slew times, the horizon limit, stop and abort.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Equatorial } from '../../../src/observatory/astro/coordinates.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { DeviceError } from '../../../src/observatory/devices/device-error.js';
import { separationDeg } from '../../../src/observatory/devices/sky.js';
import type { TelescopeEvents } from '../../../src/observatory/devices/telescope.js';
import { TelescopeSim } from '../../../src/observatory/devices/telescope-sim.js';
import { alwaysUp, calern, neverUp } from './sites.js';

const NIGHT = Date.UTC(2026, 2, 1, 22, 0, 0);

test('a slew takes distance / rate + settle in clock time, then tracks; events carry clock times', async () => {
  const clock = new SimClock(NIGHT, 20);
  const telescope = new TelescopeSim({ site: calern, clock, slewRateDegPerS: 4, settleS: 1 });
  assert.equal(telescope.status(), 'parked');
  assert.deepEqual(telescope.pointing(), { raDeg: 0, decDeg: 90 }, 'parked at the north pole');
  const events: string[] = [];
  let start: TelescopeEvents['slew-start'] | undefined;
  let end: TelescopeEvents['slew-end'] | undefined;
  telescope.on('slew-start', (e) => {
    events.push('start');
    start = e;
  });
  telescope.on('slew-end', (e) => {
    events.push('end');
    end = e;
  });
  const first: Equatorial = { raDeg: 0, decDeg: 70 };
  await telescope.slewTo(first);
  const second: Equatorial = { raDeg: 180, decDeg: 70 }; // 40° away, over the pole
  const t0 = clock.now();
  const slewing = telescope.slewTo(second);
  assert.equal(telescope.status(), 'slewing');
  await new Promise((r) => setTimeout(r, 150)); // 3 s of clock time: 12° along
  const along = separationDeg(first, telescope.pointing());
  assert.ok(along > 6 && along < 20, `${along}° along after ~3 s`);
  await slewing;
  const elapsedS = (clock.now() - t0) / 1000;
  const expectedS = 40 / 4 + 1;
  assert.ok(
    elapsedS >= expectedS - 0.1 && elapsedS < expectedS + 1.5,
    `slew took ${elapsedS} s, expected ${expectedS}`,
  );
  assert.equal(telescope.status(), 'tracking');
  assert.deepEqual(telescope.pointing(), second);
  assert.deepEqual(events, ['start', 'end', 'start', 'end']);
  assert.deepEqual(start?.target, second);
  assert.deepEqual(start?.from, first);
  assert.ok(start !== undefined && Math.abs(start.time - t0) < 500, 'slew-start at the command');
  assert.ok(end?.arrived === true && Math.abs(end.time - start.time - expectedS * 1000) < 1500);
});

test('refuses a target below the horizon limit, with the altitude in the message', async () => {
  const telescope = new TelescopeSim({ site: calern, clock: new SimClock(NIGHT, 20) });
  let starts = 0;
  telescope.on('slew-start', () => starts++);
  const err = await telescope.slewTo(neverUp).then(
    () => assert.fail('slewed below the horizon'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DeviceError);
  assert.equal(err.device, 'telescope');
  assert.match(err.message, /^telescope: target alt -\d+\.\d° below horizon limit 20°$/);
  await assert.rejects(
    telescope.slewTo({ raDeg: 400, decDeg: 0 }),
    /telescope: invalid target: ra 400 not in \[0, 360\)/,
  );
  assert.equal(starts, 0);
  assert.equal(telescope.status(), 'parked');
});

test('stop halts a slew where it is; abort rejects with the reason at once; a new slew replaces the old', async () => {
  const clock = new SimClock(NIGHT, 20);
  const telescope = new TelescopeSim({ site: calern, clock, slewRateDegPerS: 1, settleS: 0 });
  const ends: boolean[] = [];
  telescope.on('slew-end', (e) => ends.push(e.arrived));

  const stopped = telescope.slewTo(alwaysUp);
  await new Promise((r) => setTimeout(r, 100)); // 2 s: 2° of the 10°
  telescope.stop();
  await assert.rejects(stopped, /telescope: slew stopped/);
  assert.equal(telescope.status(), 'idle');
  const frozen = telescope.pointing();
  const along = separationDeg({ raDeg: 0, decDeg: 90 }, frozen);
  assert.ok(along > 1 && along < 5, `stopped ${along}° along`);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(telescope.pointing(), frozen, 'stays where it stopped');

  const controller = new AbortController();
  const aborted = telescope.slewTo(alwaysUp, controller.signal);
  await new Promise((r) => setTimeout(r, 30));
  const before = performance.now();
  controller.abort(new Error('alert superseded'));
  await assert.rejects(aborted, /alert superseded/);
  assert.ok(performance.now() - before < 50, 'rejected promptly');
  assert.equal(telescope.status(), 'idle');

  const replaced = telescope.slewTo(alwaysUp);
  const other = { raDeg: 300, decDeg: 75 };
  const winner = telescope.slewTo(other);
  await assert.rejects(replaced, /replaced by a new slew/);
  assert.equal(telescope.status(), 'slewing');
  telescope.stop();
  await assert.rejects(winner, /slew stopped/);
  assert.deepEqual(ends, [false, false, false, false]);
});

test('park slews to the park position with no horizon check and ends parked; listeners cannot break it', async () => {
  const clock = new SimClock(NIGHT, 200);
  const park = { raDeg: 0, decDeg: -89 }; // below the horizon at Calern: parking ignores the limit
  const telescope = new TelescopeSim({ site: calern, clock, parkPosition: park, slewRateDegPerS: 90 });
  const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
  telescope.on('slew-start', () => {
    throw new Error('a broken watcher');
  });
  await telescope.slewTo(alwaysUp);
  assert.equal(telescope.status(), 'tracking', 'a listener that throws does not stop the mount');
  assert.match((await warned).message, /listener of "slew-start" threw: a broken watcher/);
  await telescope.park();
  assert.equal(telescope.status(), 'parked');
  assert.deepEqual(telescope.pointing(), park);
  assert.throws(
    () => new TelescopeSim({ site: calern, clock, slewRateDegPerS: 0 }),
    /slew rate must be a number > 0/,
  );
});
