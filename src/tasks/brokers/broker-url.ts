import { isAbsolute, resolve } from 'node:path';
import type { Broker } from '../broker.js';
import { SqliteBroker } from './sqlite-broker.js';

/** The broker used when none is configured: a SQLite file in the current folder. */
export const DEFAULT_BROKER_URL = 'sqlite:./pyros-tasks.db';

/** Environment variable naming the broker URL. */
export const BROKER_ENV = 'PYROS_BROKER';

/** What the Redis broker module exports (it is loaded only when a redis:// URL is used). */
interface RedisBrokerModule {
  readonly RedisBroker: { open(url: string): Promise<Broker> };
}

/**
 * Opens the broker a URL names:
 * - `sqlite:PATH` — a SQLite file, PATH relative to `baseDir` (default: the current folder);
 *   `sqlite::memory:` is a private in-memory database (tests).
 * - `redis://HOST:PORT/DB` (or `rediss://`) — the Redis broker.
 *
 * Throws a one-line error for any other URL.
 */
export async function openBroker(url: string, options: { baseDir?: string } = {}): Promise<Broker> {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw badUrl(url);
    if (path === ':memory:') return SqliteBroker.open(':memory:', url);
    const full = isAbsolute(path) ? path : resolve(options.baseDir ?? process.cwd(), path);
    return SqliteBroker.open(full, url);
  }
  if (url.startsWith('redis://') || url.startsWith('rediss://')) {
    if (!URL.canParse(url) || new URL(url).hostname === '') throw badUrl(url);
    return (await loadRedisBroker()).RedisBroker.open(url);
  }
  throw badUrl(url);
}

function badUrl(url: string): Error {
  return new Error(`bad broker URL "${url}": expected sqlite:PATH or redis://HOST:PORT/DB`);
}

/** Loads the Redis broker on demand, so that SQLite users never load a Redis client. */
async function loadRedisBroker(): Promise<RedisBrokerModule> {
  return import('./redis-broker.js');
}
