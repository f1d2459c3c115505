import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hostOfHeader, isLoopbackHost } from '../../src/dashboard/loopback.js';

describe('loopback hosts', () => {
  it('knows loopback addresses and names', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1'])
      assert.ok(isLoopbackHost(h), h);
    for (const h of ['0.0.0.0', '192.168.1.2', 'example.org', '::', '128.0.0.1'])
      assert.ok(!isLoopbackHost(h), h);
  });

  it('takes the host name out of a Host header', () => {
    assert.equal(hostOfHeader('127.0.0.1:8080'), '127.0.0.1');
    assert.equal(hostOfHeader('[::1]:8080'), '::1');
    assert.equal(hostOfHeader('localhost'), 'localhost');
    assert.equal(hostOfHeader(undefined), '');
  });
});
