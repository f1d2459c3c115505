import { isIPv6 } from 'node:net';

/** Wrong tokens an address may send before it must wait. */
export const FREE_FAILURES = 5;
/** The first wait (ms), doubled at each further wrong token. */
export const FIRST_WAIT_MS = 1000;
/** The longest wait (ms): one guess a minute at most, from one address. */
export const MAX_WAIT_MS = 60_000;
/** An address that sent no wrong token for this long starts afresh (ms). */
const FORGET_AFTER_MS = 15 * 60_000;
/** Addresses remembered at once; the oldest is forgotten beyond (a flood of addresses costs bounded memory). */
const MAX_ADDRESSES = 10_000;

/** What the limiter says of an address: allowed now, or how long it must wait. */
export type LoginVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number };

interface Record {
  failures: number;
  lastFailure: number;
  until: number;
}

/**
 * Who tries a token from where (`address`: the remote address; an IPv6 one counts by its /64, which
 * one host usually holds whole). After {@link FREE_FAILURES} wrong tokens an address waits, one
 * second then twice as long at each wrong token, up to a minute; a right token clears its record.
 * While it waits, no token it sends is even compared. Sessions already open are not affected.
 */
export class LoginLimiter {
  readonly #records = new Map<string, Record>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The key an address counts under. */
  static keyOf(address: string): string {
    const a = address.replace(/^::ffff:/i, '');
    if (!isIPv6(a)) return a;
    const groups = expandIPv6(a);
    return `${groups.slice(0, 4).join(':')}::/64`;
  }

  /** Whether `address` may try a token now. */
  check(address: string): LoginVerdict {
    const record = this.#records.get(LoginLimiter.keyOf(address));
    const now = this.now();
    if (record === undefined || record.until <= now) return { allowed: true };
    return { allowed: false, retryAfterMs: record.until - now };
  }

  /** A wrong token from `address`: how many in a row, and how long it now waits (0: not yet). */
  failed(address: string): { failures: number; waitMs: number } {
    const key = LoginLimiter.keyOf(address);
    const now = this.now();
    let record = this.#records.get(key);
    if (record === undefined || now - record.lastFailure > FORGET_AFTER_MS) {
      record = { failures: 0, lastFailure: now, until: 0 };
    }
    // Re-inserted: the map's order is then the order of last failure, the oldest first.
    this.#records.delete(key);
    this.#records.set(key, record);
    if (this.#records.size > MAX_ADDRESSES) this.#records.delete(this.#records.keys().next().value as string);
    record.failures++;
    record.lastFailure = now;
    const over = record.failures - FREE_FAILURES;
    const waitMs = over < 0 ? 0 : Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** over);
    record.until = now + waitMs;
    return { failures: record.failures, waitMs };
  }

  /** A right token from `address`: its record is cleared. */
  succeeded(address: string): void {
    this.#records.delete(LoginLimiter.keyOf(address));
  }
}

/** The eight groups of an IPv6 address, each in lower case without leading zeros. */
function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => (g.includes('.') ? g : Number.parseInt(g, 16).toString(16)));
}
