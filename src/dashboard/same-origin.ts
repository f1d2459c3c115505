import type { FastifyRequest } from 'fastify';
import { HttpError } from './http-errors.js';
import { hostOfHeader, isLoopbackHost } from './loopback.js';

/** What a browser says of where a request comes from, when it is our own page (or typed in). */
const OWN_FETCH_SITES = new Set(['same-origin', 'none']);

/** `scheme://host[:port]` of a URL, the default port left out; undefined when it is not one. */
function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? `${u.protocol}//${u.host}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The onRequest hook of every request that changes something (login included): refused (403) when
 * a browser says it comes from another page (`Sec-Fetch-Site`, `Origin`, else `Referer`, not this
 * dashboard's own origin nor one of `allowedOrigins`), so that a page elsewhere, even on another
 * port of the same machine, cannot act with the operator's session cookie. A request that names no
 * origin at all is not a browser's (curl, scripts): it still needs the token. On a loopback address
 * the `Host` must be a loopback name or an allowed origin's, against DNS rebinding.
 */
export function sameOriginOnly(allowedOrigins: readonly string[], loopback: boolean) {
  const allowed = new Set(allowedOrigins.map((o) => originOf(o) ?? o));
  const allowedHosts = new Set([...allowed].map((o) => hostOfHeader(o.replace(/^https?:\/\//, ''))));
  return async (request: FastifyRequest): Promise<void> => {
    const host = request.headers.host;
    if (host === undefined || host === '') throw new HttpError(400, 'no Host header');
    const hostName = hostOfHeader(host);
    if (loopback && !isLoopbackHost(hostName) && !allowedHosts.has(hostName)) {
      throw new HttpError(403, `Host ${JSON.stringify(host.slice(0, 100))} is not a loopback name`);
    }
    const named = request.headers.origin ?? request.headers.referer;
    const fetchSite = request.headers['sec-fetch-site'];
    if (named === undefined) {
      if (fetchSite === undefined || OWN_FETCH_SITES.has(fetchSite)) return;
      throw new HttpError(
        403,
        `request from another site refused (Sec-Fetch-Site: ${fetchSite.slice(0, 20)})`,
      );
    }
    const origin = originOf(named);
    if (origin !== undefined && allowed.has(origin)) return;
    // Our own scheme is the connection's (a TLS proxy in front is an allowed origin).
    const own = originOf(`${request.protocol}://${host}`);
    if (origin !== undefined && origin === own && (fetchSite === undefined || OWN_FETCH_SITES.has(fetchSite)))
      return;
    throw new HttpError(
      403,
      `request from another origin refused: ${JSON.stringify(named.slice(0, 100))} is not this dashboard ` +
        '(a proxy in front of it? add its origin to [dashboard] allowed_origins)',
    );
  };
}
