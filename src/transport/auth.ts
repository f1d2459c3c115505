import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { NONCE_BYTES } from './frames.js';

/**
 * HMAC-SHA256 challenge-response, both ways: the client proves it knows the secret by signing the
 * server's fresh nonce, and the server proves it back by signing the client's, so neither side
 * talks to an impostor and a recorded exchange cannot be replayed.
 */

const CLIENT_LABEL = 'pyros-client-v1';
const SERVER_LABEL = 'pyros-server-v1';

export function newNonce(): Buffer {
  return randomBytes(NONCE_BYTES);
}

function sign(secret: string, label: string, ...parts: Buffer[]): Buffer {
  const h = createHmac('sha256', secret).update(label);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** What the client sends in AUTH. */
export function clientProof(
  secret: string,
  serverNonce: Buffer,
  clientNonce: Buffer,
  sessionId: Buffer,
): Buffer {
  return sign(secret, CLIENT_LABEL, serverNonce, clientNonce, sessionId);
}

/** What the server sends in READY once the client's proof checks out. */
export function serverProof(
  secret: string,
  clientNonce: Buffer,
  serverNonce: Buffer,
  sessionId: Buffer,
): Buffer {
  return sign(secret, SERVER_LABEL, clientNonce, serverNonce, sessionId);
}

/** Constant-time comparison, false for different lengths. */
export function proofMatches(expected: Buffer, received: Buffer): boolean {
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || a === 'localhost' || a.startsWith('127.');
}

/**
 * Whether a text-protocol message from `address` may be accepted: always without a secret (the
 * seed's behaviour); with one, only from loopback or a host listed in `allowed_hosts`, since the
 * text protocol cannot authenticate.
 */
export function textAllowed(
  address: string | undefined,
  secret: string | undefined,
  allowedHosts: readonly string[],
): boolean {
  if (secret === undefined || isLoopback(address)) return true;
  const a = address?.startsWith('::ffff:') ? address.slice(7) : address;
  return a !== undefined && allowedHosts.includes(a);
}
