import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FIRST_WAIT_MS,
  FREE_FAILURES,
  LoginLimiter,
  MAX_WAIT_MS,
} from '../../src/dashboard/login-limiter.js';

describe('LoginLimiter', () => {
  it('lets an address try freely a few times, then makes it wait, twice as long each time, up to a minute', () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter(() => now);
    for (let i = 1; i < FREE_FAILURES; i++) {
      assert.deepEqual(limiter.failed('10.0.0.1'), { failures: i, waitMs: 0 });
      assert.deepEqual(limiter.check('10.0.0.1'), { allowed: true });
    }
    const waits: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { waitMs } = limiter.failed('10.0.0.1');
      waits.push(waitMs);
      assert.deepEqual(limiter.check('10.0.0.1'), { allowed: false, retryAfterMs: waitMs });
      now += waitMs - 1;
      assert.equal(limiter.check('10.0.0.1').allowed, false, 'still waiting 1 ms before the end');
      now += 1;
      assert.equal(limiter.check('10.0.0.1').allowed, true);
    }
    assert.deepEqual(waits.slice(0, 4), [
      FIRST_WAIT_MS,
      2 * FIRST_WAIT_MS,
      4 * FIRST_WAIT_MS,
      8 * FIRST_WAIT_MS,
    ]);
    assert.equal(Math.max(...waits), MAX_WAIT_MS);
    assert.equal(limiter.check('10.0.0.2').allowed, true, 'another address is not concerned');
  });

  it('a right token clears the record; a long quiet starts afresh', () => {
    let now = 0;
    const limiter = new LoginLimiter(() => now);
    for (let i = 0; i <= FREE_FAILURES; i++) limiter.failed('::1');
    assert.equal(limiter.check('::1').allowed, false);
    limiter.succeeded('::1');
    assert.equal(limiter.check('::1').allowed, true);
    assert.equal(limiter.failed('::1').failures, 1);
    now += 16 * 60_000;
    assert.equal(limiter.failed('::1').failures, 1, 'forgotten after 15 min without a wrong token');
  });

  it('counts an IPv6 address by its /64, an IPv4-mapped one as IPv4', () => {
    assert.equal(LoginLimiter.keyOf('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(LoginLimiter.keyOf('2001:0db8:0001:0002:ffff:1:2:3'), '2001:db8:1:2::/64');
    assert.equal(LoginLimiter.keyOf('::1'), '0:0:0:0::/64');
    assert.equal(LoginLimiter.keyOf('::ffff:192.0.2.7'), '192.0.2.7');
    const limiter = new LoginLimiter(() => 0);
    for (let i = 0; i <= FREE_FAILURES; i++) limiter.failed(`2001:db8:1:2::${i + 1}`);
    assert.equal(limiter.check('2001:db8:1:2::99').allowed, false, 'one host, many addresses of its /64');
    assert.equal(limiter.check('2001:db8:1:3::1').allowed, true);
  });
});
