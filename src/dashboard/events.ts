import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../logging/logger.js';

/** How often every client gets the state (real time: it is the page's refresh rate). */
export const STATE_EVERY_MS = 1000;
/** A comment line this often keeps proxies from closing a quiet stream. */
export const HEARTBEAT_EVERY_MS = 15_000;
/** A client that has not read this much is too slow: it is dropped rather than buffered for. */
const MAX_BUFFERED_BYTES = 4 << 20;

/**
 * The `state` events of `GET /api/events` (server-sent events): the state is computed once per
 * tick for all clients, at once for a new client and after an action, and never twice at the same
 * time (a tick that finds the previous one still running asks for one more run after it).
 */
export class StateEvents {
  readonly #clients = new Set<ServerResponse>();
  #ticker: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #running = false;
  #again = false;

  constructor(
    private readonly state: () => Promise<unknown>,
    private readonly log?: Logger,
  ) {}

  /** Clients connected now. */
  get clients(): number {
    return this.#clients.size;
  }

  /** Turns the request into an event stream (fastify lets go of the reply). */
  attach(request: FastifyRequest, reply: FastifyReply): void {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${STATE_EVERY_MS * 2}\n\n`);
    this.#clients.add(res);
    request.raw.socket.setNoDelay(true);
    const drop = (): void => {
      this.#clients.delete(res);
      if (this.#clients.size === 0) this.#stopTimers();
    };
    res.on('close', drop);
    request.raw.on('close', drop);
    this.#startTimers();
    this.push();
  }

  /** Sends the state to every client now (after an action). */
  push(): void {
    if (this.#clients.size === 0) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    this.state()
      .then((state) => this.#send(`event: state\ndata: ${JSON.stringify(state)}\n\n`))
      .catch((err: Error) => this.log?.warn(`dashboard state: ${err.message}`))
      .finally(() => {
        this.#running = false;
        if (this.#again) {
          this.#again = false;
          this.push();
        }
      });
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    this.#stopTimers();
    // The connection too: an idle keep-alive socket would hold the server's close for seconds.
    for (const res of this.#clients) {
      const socket = res.socket;
      res.end(() => socket?.destroy());
    }
    this.#clients.clear();
  }

  #send(text: string): void {
    for (const res of this.#clients) {
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        this.#clients.delete(res);
        res.destroy();
        continue;
      }
      res.write(text);
    }
  }

  #startTimers(): void {
    this.#ticker ??= setInterval(() => this.push(), STATE_EVERY_MS);
    this.#heartbeat ??= setInterval(() => this.#send(': heartbeat\n\n'), HEARTBEAT_EVERY_MS);
  }

  #stopTimers(): void {
    clearInterval(this.#ticker);
    clearInterval(this.#heartbeat);
    this.#ticker = undefined;
    this.#heartbeat = undefined;
  }
}
