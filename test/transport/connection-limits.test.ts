// Connections that hold resources without sending anything, and more connections than allowed:
// Sender is still served at once, the pending pool stays bounded (the oldest go first), the idle
// ones are closed after firstByteTimeoutMs, the extra ones are refused without disturbing the others.
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { Sender } from '../../src/sender/sender.js';
import { waitFor } from '../helpers.js';
import {
  assertServing,
  configureAgent,
  type RawClient,
  rawConnect,
  shutdownAgent,
  stopStartedAgents,
  TestAgent,
  within,
} from '../net-helpers.js';

afterEach(stopStartedAgents);

test('300 idle connections: at most maxPending are held (the oldest go first), Sender is answered at once, the rest close after firstByteTimeoutMs', async () => {
  const FIRST_BYTE = 1000;
  const PENDING = 64;
  const { port } = await configureAgent('idle');
  const agent = new TestAgent('idle', {
    server: { firstByteTimeoutMs: FIRST_BYTE, maxPending: PENDING, maxPendingPerAddress: PENDING },
  });
  await agent.start();
  await assertServing('idle'); // Sender's connection, opened before the flood
  const idle: RawClient[] = [];
  for (let i = 0; i < 300; i++) idle.push(await rawConnect(port));
  // The first 236 were closed to make room, oldest first; the last 64 are held.
  await waitFor(() => idle.slice(0, 300 - PENDING).every((c) => c.isClosed()), 2000, 'the oldest closed');
  assert.ok(
    idle.slice(300 - PENDING).every((c) => !c.isClosed()),
    'the newest 64 still open',
  );
  assert.ok(agent.status().connections <= PENDING + 1);
  for (let i = 0; i < 5; i++) {
    const t = Date.now();
    await assertServing('idle');
    assert.ok(Date.now() - t < 300, `answered in ${Date.now() - t} ms with the pending pool full`);
  }
  const t0 = Date.now();
  await within(Promise.all(idle.map((c) => c.closed)), FIRST_BYTE + 2000, 'all closed');
  assert.ok(Date.now() - t0 < FIRST_BYTE + 1500);
  for (const c of idle) assert.equal(c.received().length, 0);
  await waitFor(() => agent.status().connections === 1, 1000, "only Sender's connection left");
  assert.equal(agent.status().rejectedConnections, 300);
  await shutdownAgent(agent);
});

test('more than maxConnections: the extra ones are refused, the open ones are served', async () => {
  const { port } = await configureAgent('crowded');
  const MAX = 6;
  const seen: string[] = [];
  const agent = new TestAgent('crowded', { server: { maxConnections: MAX, firstByteTimeoutMs: 5000 } }).on(
    'Text',
    (_, meta) => void seen.push(meta.message),
  );
  agent.on('Text 1', (_, meta) => void seen.push(meta.message));
  await agent.start();
  await assertServing('crowded'); // 1 connection: Sender's
  const held: RawClient[] = [];
  for (let i = 0; i < MAX - 1; i++) held.push(await rawConnect(port));
  await waitFor(() => agent.status().connections === MAX, 2000, 'the agent full');
  // Extra connections: the TCP handshake succeeds (the kernel does it), then the agent closes them at once.
  const extra = await Promise.all(Array.from({ length: 5 }, () => rawConnect(port)));
  await within(Promise.all(extra.map((c) => c.closed)), 2000, 'the extra ones closed');
  for (const c of extra) assert.equal(c.received().length, 0);
  assert.equal(agent.status().rejectedConnections, 5);
  // The connections already open are served: Sender's, and a held text connection.
  await assertServing('crowded');
  const text = held[0] as RawClient;
  text.socket.end('Text 1');
  await within(text.closed, 2000, 'the text message handled and closed');
  await waitFor(() => seen.length === 1, 2000, 'delivery');
  assert.deepEqual(seen, ['Text 1']);
  // Its slot is free again: a new connection is accepted.
  await waitFor(() => agent.status().connections === MAX - 1, 2000, 'a slot freed');
  const again = await rawConnect(port);
  again.socket.end('Text 1');
  await within(again.closed, 2000, 'the new one handled');
  await waitFor(() => seen.length === 2, 2000, 'second delivery');
  for (const c of held) c.socket.destroy();
  assert.equal(await Sender.request('crowded', 'Echo', 'end'), 'end');
  await shutdownAgent(agent);
});
