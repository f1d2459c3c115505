import { hkdfSync } from 'node:crypto';
import type { ConnectionOptions, TlsOptions } from 'node:tls';
import { ConnectionError } from './connection-error.js';

/**
 * Framed traffic to an agent with a secret runs inside TLS 1.3 with a pre-shared key derived from
 * the secret (no certificates): every record is encrypted and authenticated, numbered by TLS, so a
 * relay that does not know the secret can neither read, inject, replay, reorder nor drop a frame
 * without the connection failing. The PSK identity is the agent's name: a key for another agent
 * does not open this one.
 */
const TLS13 = {
  minVersion: 'TLSv1.3',
  maxVersion: 'TLSv1.3',
  ciphers: 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384',
} as const;

/** The first byte of a TLS connection (a handshake record): how the server tells it from framed and text. */
export const TLS_RECORD_HANDSHAKE = 0x16;

/**
 * A fatal TLS `handshake_failure` alert record, in the clear (alerts before the handshake are):
 * what an agent without a secret answers a TLS hello with, so that the client can tell "no secret
 * here" (an alert: a refusal) from a connection dropped under load (no alert: worth a retry).
 */
export const TLS_HANDSHAKE_FAILURE_ALERT = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);

/** The 32-byte key of `agent` under `secret` (HKDF-SHA256). */
export function pskFor(secret: string, agent: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'pyros-tls-psk-v1', agent, 32));
}

/** The server's TLS options: it accepts only its own name as the identity, with the key of its secret. */
export function serverTlsOptions(secret: string, agent: string): TlsOptions {
  const psk = pskFor(secret, agent);
  return { ...TLS13, pskCallback: (_socket, identity) => (identity === agent ? psk : null) };
}

/** A client's TLS options to reach `agent`. There are no certificates: the PSK authenticates the server. */
export function clientTlsOptions(secret: string, agent: string): ConnectionOptions {
  const psk = pskFor(secret, agent);
  return { ...TLS13, pskCallback: () => ({ identity: agent, psk }), checkServerIdentity: () => undefined };
}

/**
 * What a TLS handshake that failed once TCP was up means. On a TLS alert (ERR_SSL_…) it is a
 * refusal, and retrying will not help: the secrets differ, or the agent has none (it answers a TLS
 * hello with {@link TLS_HANDSHAKE_FAILURE_ALERT}). Dropped without one, it is the agent shedding
 * connections under load (admission.ts): a network error, worth a retry.
 */
export function tlsHandshakeError(where: string, detail: string): ConnectionError {
  return detail.startsWith('ERR_SSL')
    ? new ConnectionError(
        `${where} refused the TLS handshake (${detail}): a wrong secret, or the agent has none`,
        'REFUSED',
      )
    : new ConnectionError(
        `${where} closed the connection during the TLS handshake (${detail}): busy, or shedding connections`,
        'NETWORK',
      );
}
