import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';

/** How long `open` waits for Redis to answer before giving up (ms). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** The URL with its password (if any) hidden, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

/**
 * Reads `redis://[USER:PASSWORD@]HOST[:PORT][/DB]` (or `rediss://` for TLS) into ioredis options.
 * Throws a one-line error naming the URL for anything else.
 */
export function parseRedisUrl(url: string): RedisOptions {
  const bad = (reason: string): Error =>
    new Error(`bad broker URL "${redactUrl(url)}": ${reason}; expected redis://HOST:PORT/DB`);
  if (!URL.canParse(url)) throw bad('not a URL');
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw bad(`unknown scheme "${u.protocol}"`);
  if (u.hostname === '') throw bad('no host');
  if (u.search !== '' || u.hash !== '') throw bad('no query or fragment is allowed');
  const port = u.port === '' ? 6379 : Number(u.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad(`bad port "${u.port}"`);
  const path = u.pathname === '' ? '/' : u.pathname;
  if (!/^\/(\d{1,5})?$/.test(path)) throw bad(`bad database "${path.slice(1)}" (a number)`);
  const db = path === '/' ? 0 : Number(path.slice(1));
  const options: RedisOptions = {
    // URL hosts keep IPv6 brackets, which the socket layer does not want.
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    db,
  };
  if (u.username !== '') options.username = decodeURIComponent(u.username);
  if (u.password !== '') options.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') options.tls = {};
  return options;
}

/**
 * Connects to Redis, or throws one line naming the URL within `timeoutMs`: no endless reconnect
 * loop while opening. Once open, a lost connection is retried in the background (a worker keeps
 * going through a Redis restart), but commands never wait in an offline queue: they fail at once,
 * and the worker's loop retries them.
 */
export async function connectRedis(url: string, timeoutMs: number): Promise<Redis> {
  const base = parseRedisUrl(url);
  let opened = false;
  const client = new Redis({
    ...base,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // null stops reconnecting: while opening, a failure is final.
    retryStrategy: (times) => (opened ? Math.min(times * 100, 2000) : null),
    enableAutoPipelining: true,
  });
  let lastError: Error | undefined;
  // Without a listener, ioredis prints each reconnect error; commands report them instead.
  client.on('error', (error: Error) => {
    lastError = error;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(lastError ?? new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([client.connect(), timeout]);
    await Promise.race([client.ping(), timeout]);
    opened = true;
    return client;
  } catch (error) {
    client.disconnect();
    // ioredis rejects with a bare "Connection is closed."; the socket's error says why.
    const cause = lastError ?? error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`cannot connect to Redis broker "${redactUrl(url)}": ${reason.split('\n')[0] ?? reason}`);
  } finally {
    clearTimeout(timer);
  }
}

/** A Lua script run by its SHA1, loaded into Redis on first use (and again after a Redis restart). */
export class LuaScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script with no KEYS (it names its keys itself; see redis-lua.ts) and `args` as ARGV. */
  async run(client: Redis, args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, 0, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      // EVAL also caches the script, so the next EVALSHA finds it.
      return client.eval(this.source, 0, ...args);
    }
  }
}
