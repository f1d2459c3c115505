import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { StateEvents } from '../../src/dashboard/events.js';
import { sleep, waitFor } from '../helpers.js';

/** Reads a server-sent event stream as it comes, split into events. */
async function openStream(url: string, signal: AbortSignal) {
  const res = await fetch(url, { signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.match(res.headers.get('cache-control') ?? '', /no-cache/);
  const events: Array<{ at: number; data: unknown }> = [];
  let ended = false;
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  void (async () => {
    let text = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const m = /^event: state\ndata: (.*)$/s.exec(block);
          if (m) events.push({ at: performance.now(), data: JSON.parse(m[1] as string) });
        }
      }
    } catch {
      // aborted by the test
    }
    ended = true;
  })();
  return { events, ended: () => ended };
}

describe('StateEvents', () => {
  let app: FastifyInstance | undefined;
  let abort: AbortController | undefined;
  afterEach(async () => {
    abort?.abort();
    await app?.close();
  });

  async function serve(state: () => Promise<unknown>) {
    const events = new StateEvents(state);
    app = Fastify({ forceCloseConnections: true });
    app.addHook('preClose', async () => events.close());
    app.get('/events', (request, reply) => events.attach(request, reply));
    await app.listen({ host: '127.0.0.1', port: 0 });
    abort = new AbortController();
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/events`;
    return { events, url, signal: abort.signal };
  }

  it('sends the state at once, then every second, and at once when pushed', async () => {
    let n = 0;
    const { events, url, signal } = await serve(async () => ({ n: ++n }));
    const t0 = performance.now();
    const stream = await openStream(url, signal);
    await waitFor(() => stream.events.length >= 1, 1000, 'the first state');
    assert.ok((stream.events[0]?.at as number) - t0 < 500, 'the first state comes at once');
    await waitFor(() => stream.events.length >= 2, 1500, 'the state a second later');
    const tick = (stream.events[1]?.at as number) - (stream.events[0]?.at as number);
    assert.ok(tick > 800 && tick < 1400, `a tick of ${tick} ms`);
    const pushedAt = performance.now();
    events.push();
    await waitFor(() => stream.events.length >= 3, 1000, 'the pushed state');
    assert.ok(
      (stream.events[2]?.at as number) - pushedAt < 300,
      'the pushed state does not wait for the tick',
    );
    assert.deepEqual(
      stream.events.map((e) => (e.data as { n: number }).n),
      [1, 2, 3],
    );
  });

  it('computes the state once for all clients, and not twice at a time', async () => {
    let running = 0;
    let most = 0;
    let calls = 0;
    const { events, url, signal } = await serve(async () => {
      calls++;
      most = Math.max(most, ++running);
      await sleep(100);
      running--;
      return { calls };
    });
    const a = await openStream(url, signal);
    const b = await openStream(url, signal);
    await waitFor(() => events.clients === 2, 1000, 'two clients');
    for (let i = 0; i < 5; i++) events.push();
    await waitFor(() => a.events.length >= 2 && b.events.length >= 2, 1000, 'both clients served');
    // The pushes that came during a computation asked for one more run: let it end.
    await waitFor(() => running === 0, 1000, 'the computations done');
    assert.equal(most, 1, 'never two computations at once');
    assert.ok(calls <= 3, `${calls} computations for a connect, a second connect and five pushes`);
  });

  it('forgets a client that leaves, and ends every stream on close', async () => {
    const { events, url, signal } = await serve(async () => ({}));
    const leaving = new AbortController();
    await openStream(url, leaving.signal);
    const staying = await openStream(url, signal);
    await waitFor(() => events.clients === 2, 1000, 'two clients');
    leaving.abort();
    await waitFor(() => events.clients === 1, 1000, 'the client that left forgotten');
    events.close();
    await waitFor(() => staying.ended(), 1000, 'the stream ended');
    assert.equal(events.clients, 0);
  });
});
