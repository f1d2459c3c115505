import type { SourceStatus } from './alert-source.js';

/** A source's status as it changes: state and detail, when it last handed a notice over. */
export class StatusKeeper {
  #status: SourceStatus;

  constructor(
    url: string,
    private readonly now: () => number,
  ) {
    this.#status = { url, state: 'starting', detail: 'not started', since: now() };
  }

  get current(): SourceStatus {
    return this.#status;
  }

  /** A new state (its `since` is now); the same state keeps its `since`. */
  set(state: SourceStatus['state'], detail: string): void {
    const since = state === this.#status.state ? this.#status.since : this.now();
    this.#status = { ...this.#status, state, detail, since };
  }

  noticed(): void {
    this.#status = { ...this.#status, lastNoticeAt: this.now() };
  }
}

/** `HOST:PORT` of a `scheme://HOST:PORT` URL, or a one-line error naming the URL. */
export function hostPortOf(url: URL, raw: string, portZeroAllowed = false): { host: string; port: number } {
  const port = url.port === '' ? Number.NaN : Number(url.port);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '' || !Number.isInteger(port) || port < (portZeroAllowed ? 0 : 1) || port > 65535) {
    throw new Error(`alert source "${raw}": expected ${url.protocol}//HOST:PORT`);
  }
  return { host, port };
}
