import * as oauth from 'oauth4webapi';
import type { GcnCredentials } from './gcn-credentials.js';
import { describeError } from './kafka-client.js';

/** GCN's OIDC token endpoint for a domain (`gcn.nasa.gov`, `test.gcn.nasa.gov`), as the official clients set it. */
export function gcnTokenUrl(domain: string): string {
  return `https://auth.${domain}/oauth2/token`;
}

/** A token request that failed: its message is one line, naming the endpoint, never the secret. */
export class GcnTokenError extends Error {
  override readonly name = 'GcnTokenError';
}

/** Options of {@link createGcnTokenProvider}. */
export interface GcnTokenOptions {
  readonly credentials: GcnCredentials;
  /** The token endpoint, `https://auth.DOMAIN/oauth2/token` ({@link gcnTokenUrl}). */
  readonly tokenUrl: string;
  /**
   * Tests only: allows a plain-HTTP endpoint on the loopback address (`http://127.0.0.1:PORT/…`).
   * Any other `http:` URL is refused even so.
   */
  readonly allowLoopbackHttp?: boolean;
  /** A token is renewed once less than this is left of it (ms; at most a tenth of its lifetime). Default 60 000. */
  readonly refreshMarginMs?: number;
  /** A token request is abandoned after this long (ms). Default 15 000. */
  readonly requestTimeoutMs?: number;
  /** ms clock. Default Date.now. */
  readonly now?: () => number;
}

/** Gives the current access token, fetching a new one when needed; see {@link createGcnTokenProvider}. */
export interface GcnTokenProvider {
  (): Promise<string>;
  /** Token requests sent so far (successful or not). */
  readonly requests: number;
}

/** Lifetime when the endpoint says none: short, so that a wrong guess costs one early renewal. */
const UNKNOWN_LIFETIME_MS = 300_000;

/**
 * HTTP Basic with the id and secret as they are, the bytes librdkafka sends (rdkafka_sasl_oauthbearer_oidc.c).
 * oauth4webapi's ClientSecretBasic form-encodes them first (RFC 6749 §2.3.1), which differs for
 * `-`, `+`, `/`… GCN's secrets are alphanumeric, but where the two differ, librdkafka's is known to work.
 */
function basicAsLibrdkafka(secret: string): oauth.ClientAuth {
  return (_as, client, _body, headers) => {
    headers.set(
      'authorization',
      `Basic ${Buffer.from(`${client.client_id}:${secret}`, 'utf8').toString('base64')}`,
    );
  };
}

function isLoopback(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost';
}

/** One line for a failed request; the secret is masked should an endpoint ever echo it. */
function failure(tokenUrl: string, error: unknown, secret: string): GcnTokenError {
  let why: string;
  if (error instanceof oauth.ResponseBodyError) {
    why = `HTTP ${error.status} ${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  } else if (error instanceof oauth.WWWAuthenticateChallengeError) {
    const challenge = error.cause[0];
    const detail = challenge?.parameters.error ?? challenge?.scheme ?? 'challenge';
    why = `HTTP ${error.status} ${detail}`;
  } else {
    why = describeError(error);
  }
  const line = `GCN token request to ${tokenUrl} failed: ${why}`.replace(/\s+/g, ' ');
  return new GcnTokenError(secret === '' ? line : line.split(secret).join('***'));
}

/**
 * The SASL/OAUTHBEARER token provider of a GCN Kafka client: OIDC client credentials grant
 * (RFC 6749 §4.4) on GCN's token endpoint, as librdkafka's `sasl.oauthbearer.method=oidc` does for
 * the official clients: `grant_type=client_credentials`, no scope, client id and secret in an
 * HTTP Basic Authorization header (`client_secret_basic`). The token is cached and a new one
 * fetched once less than the margin is left; callers that ask while a request is under way share
 * it (one request at a time). A failure rejects with a one-line {@link GcnTokenError}.
 */
export function createGcnTokenProvider(options: GcnTokenOptions): GcnTokenProvider {
  const url = new URL(options.tokenUrl);
  const insecure = url.protocol === 'http:';
  if (!(url.protocol === 'https:' || (insecure && options.allowLoopbackHttp === true && isLoopback(url)))) {
    throw new Error(`GCN token endpoint ${options.tokenUrl}: must be https://`);
  }
  const now = options.now ?? Date.now;
  const marginMs = options.refreshMarginMs ?? 60_000;
  const timeoutMs = options.requestTimeoutMs ?? 15_000;
  const as: oauth.AuthorizationServer = { issuer: url.origin, token_endpoint: url.href };
  const client: oauth.Client = { client_id: options.credentials.clientId };
  let cached: { token: string; renewAt: number; expiresAt: number } | undefined;
  let inFlight: Promise<string> | undefined;
  let requests = 0;

  const fetchToken = async (): Promise<string> => {
    requests++;
    const secret = options.credentials.secret();
    const asked = now();
    try {
      const response = await oauth.clientCredentialsGrantRequest(
        as,
        client,
        basicAsLibrdkafka(secret),
        new URLSearchParams(),
        {
          signal: AbortSignal.timeout(timeoutMs),
          // Only ever true for a loopback endpoint: checked above.
          [oauth.allowInsecureRequests]: insecure,
        },
      );
      const body = await oauth.processClientCredentialsResponse(as, client, response);
      const lifetimeMs = body.expires_in !== undefined ? body.expires_in * 1000 : UNKNOWN_LIFETIME_MS;
      // Counted from when it was asked for, so that a slow answer errs on the early side.
      const expiresAt = asked + lifetimeMs;
      cached = {
        token: body.access_token,
        expiresAt,
        renewAt: expiresAt - Math.min(marginMs, lifetimeMs / 10),
      };
      return body.access_token;
    } catch (error) {
      throw failure(options.tokenUrl, error, secret);
    }
  };

  const provider = (): Promise<string> => {
    if (cached !== undefined && now() < cached.renewAt) return Promise.resolve(cached.token);
    if (inFlight === undefined) {
      inFlight = fetchToken().finally(() => {
        inFlight = undefined;
      });
    }
    return inFlight;
  };
  Object.defineProperty(provider, 'requests', { get: () => requests });
  return provider as GcnTokenProvider;
}
