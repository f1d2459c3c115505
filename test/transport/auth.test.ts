import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  clientProof,
  isLoopback,
  newNonce,
  proofMatches,
  serverProof,
  textAllowed,
} from '../../src/transport/auth.js';

describe('authentication helpers', () => {
  test('loopback addresses, IPv4, IPv6 and IPv4-mapped', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1', 'localhost'])
      assert.ok(isLoopback(a), a);
    for (const a of ['10.0.0.1', '192.0.2.7', '::ffff:192.0.2.7', '2001:db8::1', '', undefined]) {
      assert.equal(isLoopback(a), false, String(a));
    }
  });

  test('text protocol: open without a secret; with one, loopback and allowed_hosts only', () => {
    assert.ok(textAllowed('192.0.2.7', undefined, []));
    assert.ok(textAllowed('127.0.0.1', 's', []));
    assert.equal(textAllowed('192.0.2.7', 's', []), false);
    assert.ok(textAllowed('192.0.2.7', 's', ['192.0.2.7']));
    assert.ok(textAllowed('::ffff:192.0.2.7', 's', ['192.0.2.7']));
    assert.equal(textAllowed('192.0.2.8', 's', ['192.0.2.7']), false);
    assert.equal(textAllowed(undefined, 's', ['192.0.2.7']), false);
  });

  test('proofs depend on the secret, both nonces, the session and the direction', () => {
    const [sn, cn, session] = [newNonce(), newNonce(), newNonce().subarray(0, 16)];
    const proof = clientProof('secret', sn, cn, session);
    assert.ok(proofMatches(proof, clientProof('secret', sn, cn, session)));
    assert.equal(proofMatches(proof, clientProof('other', sn, cn, session)), false);
    assert.equal(proofMatches(proof, clientProof('secret', newNonce(), cn, session)), false);
    assert.equal(proofMatches(proof, clientProof('secret', sn, cn, newNonce().subarray(0, 16))), false);
    assert.equal(
      proofMatches(proof, serverProof('secret', cn, sn, session)),
      false,
      'a client proof is no server proof',
    );
    assert.equal(proofMatches(proof, proof.subarray(0, 31)), false);
    assert.notDeepEqual(newNonce(), newNonce());
  });
});
