import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockFromEnv, exportClock, SIM_ENV } from '../../../src/observatory/clock/clock-from-env.js';
import { RealClock } from '../../../src/observatory/clock/real-clock.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';

const START = Date.parse('2026-11-29T18:00:00Z');

describe('SimClock', () => {
  it('runs `speed` times faster than the real clock from its start', async () => {
    const clock = new SimClock(START, 1000);
    const t0 = clock.now();
    await new Promise((r) => setTimeout(r, 50));
    const elapsed = clock.now() - t0;
    // 50 real ms at 1000x is 50 simulated s (timers may run late, never early).
    assert.ok(elapsed >= 49_000 && elapsed < 200_000, `elapsed ${elapsed}`);
  });

  it('at() never fires before its time, and can be cancelled', async () => {
    const clock = new SimClock(START, 600);
    const due = clock.now() + 30_000; // 50 real ms
    const fired = await new Promise<number>((resolve) => clock.at(due, () => resolve(clock.now())));
    assert.ok(fired >= due, `fired ${fired - due} ms early`);
    let called = false;
    const cancel = clock.at(clock.now() + 6_000, () => {
      called = true;
    });
    cancel();
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(called, false);
  });

  it('sleep() takes observatory time and rejects with the abort reason', async () => {
    const clock = new SimClock(START, 1000);
    const t0 = clock.now();
    await clock.sleep(20_000);
    assert.ok(clock.now() - t0 >= 20_000);
    const controller = new AbortController();
    const slept = clock.sleep(3_600_000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(slept, /stop/);
  });

  it('refuses a bad speed in one line', () => {
    assert.throws(() => new SimClock(START, 0), /speed must be a number > 0, got 0/);
  });
});

describe('clockFromEnv', () => {
  it('is the real clock without PYROS_SIM_START', () => {
    assert.ok(clockFromEnv({}) instanceof RealClock);
  });

  it('gives every reader of the same variables the same time', () => {
    const clock = new SimClock(START, 60, Date.now() - 1000);
    const env: NodeJS.ProcessEnv = {};
    exportClock(clock, env);
    const other = clockFromEnv(env);
    assert.ok(other.simulated);
    assert.equal(other.speed, 60);
    assert.ok(Math.abs(other.now() - clock.now()) < 60 * 20);
  });

  it('accepts an ISO start and names a bad variable', () => {
    const clock = clockFromEnv({ [SIM_ENV.start]: '2026-11-29T18:00:00Z', [SIM_ENV.speed]: '10' });
    assert.ok(Math.abs(clock.now() - START) < 10_000);
    assert.throws(
      () => clockFromEnv({ [SIM_ENV.start]: 'yesterday' }),
      /PYROS_SIM_START: expected an ISO time/,
    );
    assert.throws(() => clockFromEnv({ [SIM_ENV.start]: '0', [SIM_ENV.speed]: '-1' }), /PYROS_SIM_SPEED/);
  });
});
