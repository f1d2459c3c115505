// No message lost and none delivered twice when the connection breaks mid-stream: a TCP proxy between
// Sender and the agent cuts both sockets after some bytes; Sender reconnects, the agent says what it
// already accepted, and only the rest is resent.
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, test } from 'node:test';
import { AgentConfig } from '../../src/config/agent-config.js';
import { UnreachableError } from '../../src/sender/errors.js';
import { STALL_MS } from '../../src/sender/peer-link.js';
import { Sender } from '../../src/sender/sender.js';
import { FrameType } from '../../src/transport/frames.js';
import { freePorts, waitFor, writeConfig } from '../helpers.js';
import {
  configureAgent,
  framedConnect,
  framesIn,
  shutdownAgent,
  stopStartedAgents,
  TestAgent,
} from '../net-helpers.js';

const NAME = 'telescope';

afterEach(stopStartedAgents);

interface Proxy {
  readonly server: Server;
  /** Connections accepted so far. */
  connections: number;
  /** Connections cut on purpose. */
  cuts: number;
  close(): Promise<void>;
}

/**
 * Forwards 127.0.0.1:listenPort to the agent. The i-th connection (0-based) is cut after
 * `cutAfter[i]` bytes from the client: the bytes up to there are forwarded, then both sockets are
 * destroyed, leaving the agent with a truncated frame and the client with unacknowledged messages.
 */
async function startProxy(listenPort: number, agentPort: number, cutAfter: number[]): Promise<Proxy> {
  const sockets = new Set<Socket>();
  const proxy: Proxy = {
    connections: 0,
    cuts: 0,
    server: createServer((client) => {
      const limit = cutAfter[proxy.connections++];
      const upstream = connect({ host: '127.0.0.1', port: agentPort });
      sockets.add(client).add(upstream);
      let forwarded = 0;
      const cut = () => {
        proxy.cuts++;
        client.destroy();
        upstream.destroy();
      };
      client.on('data', (chunk: Buffer) => {
        if (limit !== undefined && forwarded + chunk.length >= limit) {
          upstream.write(chunk.subarray(0, limit - forwarded), cut);
          forwarded = limit;
          client.pause();
          return;
        }
        forwarded += chunk.length;
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => client.write(chunk));
      for (const s of [client, upstream]) {
        s.on('error', () => {});
        s.on('close', () => {
          sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
    }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.server.close(r));
    },
  };
  await new Promise<void>((r) => proxy.server.listen(listenPort, '127.0.0.1', r));
  return proxy;
}

/** An agent on its own port (PYROS_AGENT_CONFIG) and a config that sends Sender through the proxy. */
async function setup(cutAfter: number[]) {
  const { port } = await configureAgent(NAME);
  const [proxyPort] = (await freePorts(1)) as [number];
  const proxy = await startProxy(proxyPort, port, cutAfter);
  const viaProxy = AgentConfig.load(writeConfig({ [NAME]: { port: proxyPort } }));
  const seen: number[] = [];
  const agent = new TestAgent(NAME).on('Count', (payload) => {
    seen.push(payload as number);
    return (payload as number) * 10;
  });
  await agent.start();
  return { agent, proxy, viaProxy, seen };
}

function assertExactlyOnceInOrder(seen: readonly number[], n: number): void {
  const counts = new Map<number, number>();
  for (const p of seen) counts.set(p, (counts.get(p) ?? 0) + 1);
  const dup = [...counts].find(([, c]) => c > 1);
  assert.equal(dup, undefined, `payload ${dup?.[0]} handled ${dup?.[1]} times`);
  assert.equal(seen.length, n, 'every message handled');
  for (let i = 0; i < n; i++) if (seen[i] !== i) assert.fail(`#${i} handled is ${seen[i]}`);
}

test('5,000 pipelined sendTo through a proxy that cuts the connection twice mid-stream: each handled once, in order', async () => {
  // A MSG frame here is about 45 bytes: the cuts fall inside frames, deep into the burst.
  const { agent, proxy, viaProxy, seen } = await setup([60_001, 35_003]);
  try {
    const N = 5000;
    const sends = Array.from({ length: N }, (_, i) => Sender.sendTo(NAME, 'Count', i, { config: viaProxy }));
    const results = await Promise.allSettled(sends);
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    assert.equal(failed.length, 0, `first failure: ${String(failed[0]?.reason)}`);
    assert.equal(proxy.cuts, 2, 'the proxy did cut twice');
    assert.ok(proxy.connections >= 3, 'Sender reconnected');
    await waitFor(() => seen.length >= N, 5000, 'all handled');
    assertExactlyOnceInOrder(seen, N);
    assert.equal(agent.status().received, N);
  } finally {
    await proxy.close();
  }
  await shutdownAgent(agent);
});

test('requests across a cut: each runs once; a reply lost with the connection is an UnreachableError, never a resend', async () => {
  const { agent, proxy, viaProxy, seen } = await setup([40_007]);
  try {
    const N = 2000;
    const calls = Array.from({ length: N }, (_, i) =>
      Sender.request<number>(NAME, 'Count', i, { config: viaProxy, timeout: 5000 }),
    );
    const results = await Promise.allSettled(calls);
    assert.equal(proxy.cuts, 1);
    await waitFor(() => seen.length >= N, 5000, 'all handled');
    assertExactlyOnceInOrder(seen, N);
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        assert.equal(r.value, i * 10);
      } else {
        assert.ok(r.reason instanceof UnreachableError, String(r.reason));
        assert.match(r.reason.message, /delivered, not resent/);
      }
    });
  } finally {
    await proxy.close();
  }
  await shutdownAgent(agent);
});

test('a resent message arriving on a new connection while the old one is still being read is not delivered twice', async () => {
  // What a reconnect looks like to the agent when the old connection's last bytes are read late:
  // two connections of one session, the same seqs sent on both.
  const { port } = await configureAgent(NAME);
  const seen: number[] = [];
  const agent = new TestAgent(NAME).on('Count', (p) => void seen.push(p as number));
  await agent.start();
  const old = await framedConnect(port);
  const fresh = await framedConnect(port, { sessionId: old.sessionId });
  assert.equal(fresh.lastSeq, 0, 'nothing accepted yet when the new connection opened');
  const items = Array.from({ length: 10 }, (_, i) => ({ seq: i + 1, payload: i }));
  old.sendMsgs(NAME, 'Count', items.slice(0, 6)); // the old connection's late bytes
  await waitFor(() => seen.length === 6, 2000, 'the old connection delivered');
  fresh.sendMsgs(NAME, 'Count', items); // the client resends all it had not seen acknowledged
  // Both connections stay usable: the agent acknowledges everything on the new one.
  await waitFor(() => seen.length >= 10, 2000, 'the rest delivered');
  assertExactlyOnceInOrder(seen, 10);
  // The duplicates are acknowledged on the new connection, so the client settles them.
  const lastAck = () =>
    Math.max(
      0,
      ...framesIn(fresh.received())
        .filter((f) => f.type === FrameType.ACK)
        .map((f) => f.body.readUInt32BE(0)),
    );
  await waitFor(() => lastAck() === 10, 2000, 'ACK 10 on the new connection');
  old.socket.destroy();
  fresh.socket.destroy();
  await shutdownAgent(agent);
});

test('a connection on which nothing comes back (a relay holding the answers): dropped after stallMs, made again, each message once', {
  timeout: 30_000,
}, async () => {
  const STALL = 1000;
  const { port } = await configureAgent(NAME);
  const seen: number[] = [];
  const agent = new TestAgent(NAME).on('Count', (p) => void seen.push(p as number));
  await agent.start();
  // Connection 0 passes the handshake's answers (WELCOME, READY), then keeps every ACK back.
  let connections = 0;
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const n = connections++;
    const upstream = connect({ host: '127.0.0.1', port });
    let answered = Buffer.alloc(0);
    let ready = false;
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (d: Buffer) => upstream.write(d));
    upstream.on('data', (d: Buffer) => {
      if (n > 0 || !ready) client.write(d);
      answered = Buffer.concat([answered, d]);
      ready ||= framesIn(answered).some((f) => f.type === FrameType.READY);
    });
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  const relayPort = (relay.address() as { port: number }).port;
  try {
    const viaRelay = AgentConfig.load(writeConfig({ [NAME]: { port: relayPort } }));
    Sender.configure({ retry: { stallMs: STALL } });
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        Sender.sendTo(NAME, 'Count', i, { config: viaRelay, timeout: 20_000 }),
      ),
    );
    const waited = Date.now() - t0;
    assert.ok(
      waited >= STALL,
      `settled after ${waited} ms: the acks came back on the first connection (${connections} connections)`,
    );
    assert.ok(waited < STALL + 3000, `settled after ${waited} ms`);
    assert.equal(connections, 2, 'one connection dropped, one made again');
    assertExactlyOnceInOrder(seen, 20);
  } finally {
    Sender.configure({ retry: { stallMs: STALL_MS } });
    Sender.closeAll();
    for (const s of sockets) s.destroy();
    await new Promise((r) => relay.close(r));
    await shutdownAgent(agent);
  }
});
