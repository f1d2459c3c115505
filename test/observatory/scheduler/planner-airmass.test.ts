// The planner observes targets near their best airmass when the night allows, and alerts at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { airmass, altAz } from '../../../src/observatory/astro/positions.js';
import { planNight, WAIT_BELOW } from '../../../src/observatory/scheduler/planner.js';
import { atHourAngle, DARK, planInput, routine, SITE } from './plan-fixture.js';

const T = DARK.start + 3_600_000;
const X = (target: { raDeg: number; decDeg: number }, t: number) => airmass(altAz(SITE, target, t).altDeg);

test('a setting target at its best goes before a higher rising one, which is then observed higher up', () => {
  // Three hours east of the meridian and rising to 89 deg; three hours west at 35 deg, setting.
  const rising = atHourAngle(T, -3, 45);
  const setting = atHourAngle(T, 3, 35);
  assert.ok(altAz(SITE, rising, T).altDeg > altAz(SITE, setting, T).altDeg, 'the rising one is higher now');
  const plan = planNight(
    planInput([routine('rising', rising), routine('setting', setting)], { from: T, now: T }),
  );
  assert.deepEqual(
    plan.map((b) => b.requestId),
    ['setting', 'rising'],
  );
  const [first, second] = plan as [(typeof plan)[0], (typeof plan)[0]];
  // The other order (the higher target first, as a planner that looks only at now would) at the same times.
  const swapped = X(rising, first.start) + X(setting, second.start);
  assert.ok(first.airmass + second.airmass < swapped, `${first.airmass + second.airmass} vs ${swapped}`);
});

test('with room to spare in the night, a target far below its best waits for it; an alert does not', () => {
  const low = atHourAngle(T, -5, 45);
  const bestX = airmass(89);
  assert.ok(X(low, T) > 1.5, `airmass ${X(low, T)} now`);
  const [block] = planNight(planInput([routine('low', low)], { from: T, now: T }));
  assert.ok(block, 'placed');
  assert.ok(block.start > T + 3_600_000, `waited until ${new Date(block.start).toISOString()}`);
  assert.ok((bestX / block.airmass) ** 2 >= WAIT_BELOW - 0.05, `airmass ${block.airmass}`);
  const alert = routine('grb', low, { kind: 'alert', priority: 100, alertIvorn: 'ivo://test#grb' });
  const [urgent] = planNight(planInput([alert, routine('low', low)], { from: T, now: T }));
  assert.equal(urgent?.requestId, 'grb');
  assert.ok((urgent?.start ?? 0) - T <= 60_000, 'the alert starts at once');
});
