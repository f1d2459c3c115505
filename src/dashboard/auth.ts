import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError } from './http-errors.js';
import { hostOfHeader, isLoopbackHost } from './loopback.js';
import { acceptsBody, parseInput } from './request-input.js';

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

/**
 * Who may do what (docs/dashboard.md): actions need a session (the cookie from `POST /api/login`)
 * or the token as `Authorization: Bearer`; reading needs one too unless the server listens on a
 * loopback address. Sessions live in memory: a restart logs everyone out.
 */
export class DashboardAuth {
  /** HMAC key: tokens are compared as digests of equal length, in constant time. */
  readonly #key = randomBytes(32);
  readonly #token: Buffer | undefined;
  readonly #sessions = new Set<string>();

  constructor(
    token: string | undefined,
    private readonly loopback: boolean,
  ) {
    this.#token = token === undefined || token === '' ? undefined : this.#digest(token);
  }

  #digest(text: string): Buffer {
    return createHmac('sha256', this.#key).update(text).digest();
  }

  #tokenMatches(given: string): boolean {
    return this.#token !== undefined && timingSafeEqual(this.#digest(given), this.#token);
  }

  /** Throws 403 (no token configured, wrong token) or 401 (no session) unless the request may act. */
  #check(request: FastifyRequest): void {
    if (this.#token === undefined) throw new HttpError(403, NO_TOKEN_MESSAGE);
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const m = /^Bearer\s+(.+)$/i.exec(authorization.trim());
      if (m === null) throw new HttpError(401, 'Authorization: expected "Bearer TOKEN"');
      if (!this.#tokenMatches(m[1] as string)) throw new HttpError(403, 'wrong token');
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
  readonly action = async (request: FastifyRequest): Promise<void> => this.#check(request);

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
    app.post('/api/login', { onRequest: acceptsBody(['application/json']) }, async (request, reply) => {
      const { token } = parseInput(LoginBody, request.body, 'body');
      if (this.#token === undefined) throw new HttpError(403, NO_TOKEN_MESSAGE);
      if (!this.#tokenMatches(token)) throw new HttpError(403, 'wrong token');
      const session = randomBytes(32).toString('base64url');
      this.#sessions.add(session);
      if (this.#sessions.size > MAX_SESSIONS)
        this.#sessions.delete(this.#sessions.values().next().value as string);
      return reply
        .header('set-cookie', `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`)
        .code(204)
        .send();
    });
    // Open to all: it can only end the caller's own session.
    app.post('/api/logout', async (request, reply) => {
      const session = parseCookies(request.headers.cookie).get(SESSION_COOKIE);
      if (session !== undefined) this.#sessions.delete(session);
      return reply
        .header('set-cookie', `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`)
        .code(204)
        .send();
    });
  }
}
