// IndiClient against a fake INDI server on 127.0.0.1 (a plain net.Server written to by the test):
// what it sends on each connection, its cache and events, reconnection after malformed XML with
// doubling backoff, the silence watch and its pings, and waits that fail with a reason.
process.env.PYROS_LOG_LEVEL ??= 'silent';

import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, test } from 'node:test';
import { IndiClient, type IndiClientOptions } from '../../../src/transport/indi/indi-client.js';
import { type IndiClientEvents, IndiError } from '../../../src/transport/indi/indi-types.js';
import { freePorts, recordingLog, waitFor } from '../../helpers.js';

/** One client connection as the fake server sees it. */
interface Peer {
  readonly socket: Socket;
  readonly openedAt: number;
  received: string;
}

class FakeServer {
  readonly peers: Peer[] = [];
  /** What to do with each new connection (default: nothing). */
  onPeer: (peer: Peer) => void = () => {};
  /** Answer pingRequest with pingReply, as indiserver does. */
  answerPings = true;
  private constructor(readonly server: Server) {}

  static async start(port = 0): Promise<FakeServer> {
    const server = createServer();
    const fake = new FakeServer(server);
    server.on('connection', (socket) => {
      const peer: Peer = { socket, openedAt: Date.now(), received: '' };
      fake.peers.push(peer);
      socket.on('error', () => {});
      socket.on('data', (d: Buffer) => {
        peer.received += d.toString('utf8');
        for (const m of d.toString('utf8').matchAll(/<pingRequest uid="([^"]*)"\/>/g)) {
          if (fake.answerPings) socket.write(`<pingReply uid="${m[1]}"/>\n`);
        }
      });
      fake.onPeer(peer);
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    return fake;
  }

  get port(): number {
    const a = this.server.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  }

  peer(n: number): Promise<Peer> {
    return waitFor(() => this.peers[n - 1], 5000, `connection #${n}`);
  }

  async close(): Promise<void> {
    for (const p of this.peers) p.socket.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function fake(port?: number): Promise<FakeServer> {
  const f = await FakeServer.start(port);
  cleanup.push(() => f.close());
  return f;
}

function client(port: number, opts: Partial<IndiClientOptions> = {}) {
  const c = new IndiClient({ host: '127.0.0.1', port, backoff: { minMs: 20, maxMs: 80 }, ...opts });
  const events: Array<{ [K in keyof IndiClientEvents]: [K, IndiClientEvents[K]] }[keyof IndiClientEvents]> =
    [];
  for (const e of [
    'connected',
    'disconnected',
    'define',
    'update',
    'delete',
    'message',
    'blob',
    'error',
  ] as const) {
    c.on(e, (payload) => events.push([e, payload] as never));
  }
  cleanup.push(() => c.close());
  return {
    c,
    events,
    of: <K extends keyof IndiClientEvents>(k: K) =>
      events.filter((e) => e[0] === k).map((e) => e[1] as IndiClientEvents[K]),
  };
}

const DEF_CONNECTION = `<defSwitchVector device="Dev" name="CONNECTION" state="Idle" perm="rw" rule="OneOfMany" timestamp="2026-01-01T00:00:00">
<defSwitch name="CONNECT">Off</defSwitch><defSwitch name="DISCONNECT">On</defSwitch></defSwitchVector>
<defNumberVector device="Dev" name="POS" state="Idle" perm="rw"><defNumber name="X">0</defNumber><defNumber name="Y">0</defNumber></defNumberVector>
<defNumberVector device="Dev" name="INFO" state="Ok" perm="ro"><defNumber name="T">20</defNumber></defNumberVector>\n`;

test('on each connection: getProperties first, then the enableBLOB settings, for all or the given devices', async () => {
  const f = await fake();
  const { c } = client(f.port, { devices: ['CCD', 'Dome'] });
  c.enableBlob('CCD', 'Also');
  c.enableBlob('CCD', 'Never', 'CCD2');
  c.start();
  const p1 = await f.peer(1);
  await waitFor(() => p1.received.includes('CCD2'), 3000, 'the enableBLOB settings');
  assert.equal(
    p1.received,
    '<getProperties version="1.7" device="CCD"/>\n<getProperties version="1.7" device="Dome"/>\n' +
      '<enableBLOB device="CCD">Also</enableBLOB>\n<enableBLOB device="CCD" name="CCD2">Never</enableBLOB>\n',
  );
  c.enableBlob('CCD', 'Only'); // set while connected: sent now, and replayed last from now on
  await waitFor(
    () => p1.received.endsWith('<enableBLOB device="CCD">Only</enableBLOB>\n'),
    3000,
    'enableBLOB',
  );
  p1.socket.destroy();
  const p2 = await f.peer(2);
  await waitFor(() => p2.received.includes('Only'), 3000, 'the replay');
  assert.equal(
    p2.received,
    '<getProperties version="1.7" device="CCD"/>\n<getProperties version="1.7" device="Dome"/>\n' +
      '<enableBLOB device="CCD" name="CCD2">Never</enableBLOB>\n<enableBLOB device="CCD">Only</enableBLOB>\n',
  );
});

test('caches what the server defines and updates, with freshness, and empties on disconnect', async () => {
  const f = await fake();
  f.onPeer = (p) => p.socket.write(DEF_CONNECTION);
  const { c, of } = client(f.port);
  c.start();
  const pos = await c.waitForVector('Dev', 'POS');
  assert.equal(pos.type, 'Number');
  assert.deepEqual(c.devices(), ['Dev']);
  assert.deepEqual(
    c.vectors('Dev').map((v) => v.name),
    ['CONNECTION', 'POS', 'INFO'],
  );
  const busy = c.waitFor('Dev', 'POS', (v) => v.state === 'Busy');
  const peer = await f.peer(1);
  peer.socket.write(
    '<setNumberVector device="Dev" name="POS" state="Busy"><oneNumber name="X">1:30</oneNumber><oneNumber name="Z">9</oneNumber></setNumberVector>\n',
  );
  const v = await busy;
  assert.ok(v.type === 'Number');
  assert.equal(v.elements.get('X')?.value, 1.5);
  assert.equal(v.elements.get('Y')?.value, 0); // untouched
  assert.equal(v.elements.has('Z'), false); // not the vector's: ignored
  assert.ok(v.updatedAt >= v.definedAt);
  assert.equal(v.definedAt, pos.definedAt);
  assert.equal(pos.state, 'Idle'); // vectors are immutable snapshots
  assert.deepEqual(
    of('update').map((u) => [u.previousState, u.vector.state]),
    [['Idle', 'Busy']],
  );
  peer.socket.write('<message device="Dev" message="hello"/>\n<delProperty device="Dev" name="INFO"/>\n');
  await waitFor(() => of('delete').length === 1, 3000, 'delete');
  assert.deepEqual(of('delete'), [{ device: 'Dev', name: 'INFO' }]);
  assert.equal(c.vector('Dev', 'INFO'), undefined);
  assert.equal(of('message')[0]?.text, 'hello');
  assert.equal(of('message')[0]?.device, 'Dev');
  peer.socket.destroy();
  await waitFor(() => of('disconnected').length === 1, 3000, 'disconnected');
  assert.deepEqual(c.devices(), []);
  // The reconnection defines everything again.
  await waitFor(() => c.vector('Dev', 'POS'), 3000, 'POS again');
  assert.equal(of('connected').length, 2);
});

test('malformed XML drops the connection with a one-line reason, then reconnects with doubling backoff', async () => {
  const f = await fake();
  f.onPeer = (p) =>
    p.socket.write('<defTextVector device="Dev" name="T" state="Idle" perm="ro"><oops></defTextVector>');
  const { c, of } = client(f.port, { backoff: { minMs: 40, maxMs: 160 } });
  c.start();
  await f.peer(6);
  const reasons = of('disconnected').map((d) => d.reason);
  assert.ok(reasons.length >= 5);
  for (const r of reasons) {
    assert.match(r, /malformed XML/);
    assert.match(r, /defTextVector Dev\.T/);
    assert.doesNotMatch(r, /\n/);
  }
  const gaps = f.peers.slice(1, 6).map((p, i) => p.openedAt - (f.peers[i] as Peer).openedAt);
  // 40, 80, 160, 160, 160 ms, give or take the timers' granularity (never less).
  [40, 80, 160, 160, 160].forEach((want, i) => {
    assert.ok((gaps[i] ?? 0) >= want - 5, `gap ${i}: ${gaps[i]} ms, want ${want}`);
  });
  assert.ok((gaps[4] ?? 0) < 160 * 3, `gap 4 capped: ${gaps[4]} ms`);
});

test('a BLOB over the limit is an error event naming it; the connection stays', async () => {
  const f = await fake();
  const blob = Buffer.alloc(3000, 1).toString('base64');
  f.onPeer = (p) =>
    p.socket.write(
      '<defBLOBVector device="CCD" name="CCD1" state="Idle" perm="ro"><defBLOB name="CCD1"/></defBLOBVector>\n' +
        `<setBLOBVector device="CCD" name="CCD1" state="Ok"><oneBLOB name="CCD1" size="3000" format=".fits">${blob}</oneBLOB></setBLOBVector>\n` +
        `<setBLOBVector device="CCD" name="CCD1" state="Ok"><oneBLOB name="CCD1" size="1" format=".fits">AQ==</oneBLOB></setBLOBVector>\n`,
    );
  const { c, of } = client(f.port, { limits: { maxBlobBytes: 2000 } });
  c.start();
  await waitFor(() => of('blob').length === 1, 3000, 'the small BLOB');
  assert.deepEqual(of('blob')[0]?.data, Buffer.from([1]));
  const [err] = of('error');
  assert.equal(err?.device, 'CCD');
  assert.equal(err?.property, 'CCD1');
  assert.match(err?.reason ?? '', /3000/);
  assert.equal(of('disconnected').length, 0);
  assert.equal(c.vector('CCD', 'CCD1')?.state, 'Ok');
});

test('with silenceMs, pings keep a quiet server; a server that stops answering is dropped', async () => {
  const f = await fake();
  const { c, of } = client(f.port, { silenceMs: 150 });
  c.start();
  const p1 = await f.peer(1);
  await waitFor(() => (p1.received.match(/<pingRequest/g) ?? []).length >= 3, 3000, 'three pings');
  assert.equal(of('disconnected').length, 0);
  assert.equal(f.peers.length, 1);
  f.answerPings = false;
  await waitFor(() => of('disconnected').length === 1, 3000, 'the silence');
  assert.match(of('disconnected')[0]?.reason ?? '', /silent for 150 ms/);
  await f.peer(2);
  assert.ok(c.connected || f.peers.length >= 2);
});

test('waits reject on disconnect, timeout, abort and close, each with a one-line reason', async () => {
  const f = await fake();
  f.onPeer = (p) => p.socket.write(DEF_CONNECTION);
  const { c } = client(f.port);
  await assert.rejects(c.waitForVector('Dev', 'POS'), /not started/);
  c.start();
  await c.waitForVector('Dev', 'POS');
  const never = c.waitFor('Dev', 'POS', (v) => v.state === 'Alert', { timeoutMs: 60_000 });
  (await f.peer(1)).socket.destroy();
  await assert.rejects(never, (err: unknown) => {
    assert.ok(err instanceof IndiError);
    assert.equal(err.device, 'Dev');
    assert.equal(err.property, 'POS');
    assert.match(err.message, /^waiting for Dev\.POS: disconnected \(.*127\.0\.0\.1:\d+.*\)$/);
    return true;
  });
  await c.waitForVector('Dev', 'POS'); // again, after the reconnection
  await assert.rejects(
    c.waitFor('Dev', 'POS', () => false, { timeoutMs: 30 }),
    /nothing within 30 ms/,
  );
  const ac = new AbortController();
  const aborted = c.waitForVector('Dev', 'NEVER', { signal: ac.signal });
  ac.abort();
  await assert.rejects(aborted, /aborted/);
  // Sends are refused before anything goes out.
  assert.throws(() => c.sendNumber('Dev', 'INFO', { T: 1 }), /read-only/);
  assert.throws(() => c.sendNumber('Dev', 'POS', { Z: 1 }), /no element Z/);
  assert.throws(() => c.sendSwitch('Dev', 'NOPE', ['A']), /not defined/);
  const pending = assert.rejects(c.waitForVector('Dev', 'NEVER', { timeoutMs: 60_000 }), /client closed/);
  await c.close();
  await pending;
});

test('a wait begun before the server is up outlives the failed attempts and resolves once it is', async () => {
  const [port] = (await freePorts(1)) as [number];
  const rec = recordingLog();
  const { c, of } = client(port, { log: rec.log });
  c.start();
  const defined = c.waitForVector('Dev', 'POS', { timeoutMs: 5000 });
  await waitFor(() => rec.count('warn') >= 2, 3000, 'two refused attempts'); // each is logged as a warning
  const f = await fake(port);
  f.onPeer = (p) => p.socket.write(DEF_CONNECTION);
  assert.equal((await defined).name, 'POS');
  assert.deepEqual(of('disconnected'), []); // refused attempts are no disconnections
});

test('close() leaves no timer nor socket behind, even while waiting to reconnect', async () => {
  const before = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;
  const f = await fake();
  f.onPeer = (p) => p.socket.destroy();
  const c = new IndiClient({ host: '127.0.0.1', port: f.port, silenceMs: 1000, backoff: { minMs: 10_000 } });
  let disconnected = 0;
  c.on('disconnected', () => disconnected++);
  c.start();
  await waitFor(() => disconnected === 1, 3000, 'the first drop');
  const waiting = c.waitForVector('Dev', 'POS', { timeoutMs: 60_000 }).catch((e: Error) => e);
  await c.close();
  assert.match(String(await waiting), /client closed/);
  await f.close();
  await waitFor(
    () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length <= before,
    3000,
    `no resource left (${process.getActiveResourcesInfo().join(', ')})`,
  );
});
