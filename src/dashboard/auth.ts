import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../logging/logger.js';
import { HttpError } from './http-errors.js';
import { LoginLimiter } from './login-limiter.js';
import { hostOfHeader, isLoopbackHost } from './loopback.js';
import { acceptsBody, parseInput } from './request-input.js';
import { sameOriginOnly } from './same-origin.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'pyros_session';
/** Sessions remembered at once; the oldest is forgotten beyond (each login makes one). */
const MAX_SESSIONS = 1000;

/** Why actions are refused when no token is set, and how to set one. */
export const NO_TOKEN_MESSAGE =
  'no dashboard token configured: set [dashboard] token in observatory.ini or $PYROS_DASHBOARD_TOKEN, then restart the dashboard';

/** The cookies of a `Cookie` header, by name (the first of a repeated name). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    const name = part.slice(0, Math.max(0, eq)).trim();
    if (name === '') continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not percent-encoded: kept as sent.
    }
    if (!cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

const LoginBody = z.object({ token: z.string().min(1) });

/** How the dashboard checks who acts. */
export interface DashboardAuthOptions {
  /** The token actions need (none: every action is refused). */
  readonly token?: string | undefined;
  /** Whether the server listens on a loopback address: reading is then open. */
  readonly loopback: boolean;
  /** Origins besides the dashboard's own that may act (a proxy in front of it). */
  readonly allowedOrigins?: readonly string[];
  /** Where wrong tokens are logged (the address and the count, never the token). */
  readonly log?: Logger | undefined;
  /** The limiter's clock (tests). */
  readonly now?: () => number;
}

/**
 * Who may do what (docs/dashboard.md): actions need a session (the cookie from `POST /api/login`)
 * or the token as `Authorization: Bearer`; reading needs one too unless the server listens on a
 * loopback address. Every request that changes something must come from the dashboard's own page
 * (or no browser at all), and wrong tokens are limited per address. Sessions live in memory: a
 * restart logs everyone out.
 */
export class DashboardAuth {
  /** HMAC key: tokens are compared as digests of equal length, in constant time. */
  readonly #key = randomBytes(32);
  readonly #token: Buffer | undefined;
  readonly #sessions = new Set<string>();
  readonly #limiter: LoginLimiter;
  readonly #log: Logger | undefined;
  readonly loopback: boolean;
  /** onRequest hook of every request that changes something: from this dashboard's page only. */
  readonly sameOrigin: ReturnType<typeof sameOriginOnly>;

  constructor(options: DashboardAuthOptions) {
    const { token } = options;
    this.#token = token === undefined || token === '' ? undefined : this.#digest(token);
    this.loopback = options.loopback;
    this.#limiter = new LoginLimiter(options.now);
    this.#log = options.log;
    this.sameOrigin = sameOriginOnly(options.allowedOrigins ?? [], options.loopback);
  }

  #digest(text: string): Buffer {
    return createHmac('sha256', this.#key).update(text).digest();
  }

  /**
   * Whether `given` is the token, for a request from `address`: 429 while the address waits after
   * too many wrong ones (the token is then not even compared), each wrong one counted and logged.
   */
  #tokenMatches(given: string, address: string): boolean {
    if (this.#token === undefined) return false;
    const verdict = this.#limiter.check(address);
    if (!verdict.allowed) {
      const s = Math.ceil(verdict.retryAfterMs / 1000);
      throw new HttpError(429, `too many wrong tokens from ${address}: try again in ${s} s`, {
        'retry-after': String(s),
      });
    }
    if (timingSafeEqual(this.#digest(given), this.#token)) {
      this.#limiter.succeeded(address);
      return true;
    }
    const { failures, waitMs } = this.#limiter.failed(address);
    this.#log?.warn(
      `dashboard: wrong token from ${address} (${failures} in a row` +
        (waitMs > 0 ? `; its next try in ${Math.ceil(waitMs / 1000)} s)` : ')'),
    );
    return false;
  }

  /** Throws 403 (no token configured, wrong token) or 401 (no session) unless the request may act. */
  #check(request: FastifyRequest): void {
    if (this.#token === undefined) throw new HttpError(403, NO_TOKEN_MESSAGE);
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
      if (m === null) throw new HttpError(401, 'Authorization: expected "Bearer TOKEN"');
      if (!this.#tokenMatches(m[1] as string, request.ip)) throw new HttpError(403, 'wrong token');
      return;
    }
    const session = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
    if (session !== undefined && this.#sessions.has(session)) return;
    throw new HttpError(
      401,
      'no session: log in (POST /api/login {"token": …}) or send Authorization: Bearer TOKEN',
    );
  }

  /** onRequest hook of every action. */
  readonly action = async (request: FastifyRequest): Promise<void> => {
    await this.sameOrigin(request);
    this.#check(request);
  };

  /**
   * onRequest hook of every read of the API: open on a loopback address, to requests that name a
   * loopback host. A web page elsewhere could otherwise read the API through DNS rebinding (its
   * own name made to resolve to 127.0.0.1): its requests carry its own name in `Host`.
   */
  readonly read = async (request: FastifyRequest): Promise<void> => {
    if (!this.loopback || !isLoopbackHost(hostOfHeader(request.headers.host))) this.#check(request);
  };

  /** `POST /api/login` and `POST /api/logout`. */
  register(app: FastifyInstance): void {
    const login = { onRequest: [this.sameOrigin, acceptsBody(['application/json'])] };
    app.post('/api/login', login, async (request, reply) => {
      const { token } = parseInput(LoginBody, request.body, 'body');
      if (this.#token === undefined) throw new HttpError(403, NO_TOKEN_MESSAGE);
      if (!this.#tokenMatches(token, request.ip)) throw new HttpError(403, 'wrong token');
      const session = randomBytes(32).toString('base64url');
      this.#sessions.add(session);
      if (this.#sessions.size > MAX_SESSIONS)
        this.#sessions.delete(this.#sessions.values().next().value as string);
      return reply
        .header('set-cookie', `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`)
        .code(204)
        .send();
    });
    // Open to all but other pages: it can only end the caller's own session.
    app.post('/api/logout', { onRequest: this.sameOrigin }, async (request, reply) => {
      const session = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
      if (session !== undefined) this.#sessions.delete(session);
      return reply
        .header('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`)
        .code(204)
        .send();
    });
  }
}
