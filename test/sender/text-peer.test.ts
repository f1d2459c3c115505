// Sender to a peer whose section says `protocol = text`: a Python PyROS agent, played here by a plain
// TCP server that reads until the peer closes, as the seed's receive loop does.
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { InvalidMessageError, UnreachableError } from '../../src/sender/errors.js';
import { Sender } from '../../src/sender/sender.js';
import { freePorts, writeConfig } from '../helpers.js';

let server: Server;
let port = 0;
let deadPort = 0;
/** Every message the legacy peer received, as raw bytes. */
const received: Buffer[] = [];

before(async () => {
  [port, deadPort] = (await freePorts(2)) as [number, number];
  server = createServer((socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      received.push(Buffer.concat(chunks));
      socket.end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  process.env.PYROS_AGENT_CONFIG = writeConfig({
    legacy: { port, protocol: 'text' },
    gone: { port: deadPort, protocol: 'text' },
  });
  Sender.configure({ retry: { retries: 2, baseDelayMs: 10 } });
});

after(() => new Promise<void>((r) => server.close(() => r())));

test('sendTo writes exactly the UTF-8 bytes of the message and resolves once the peer closed', async () => {
  const message = 'Observation finished — étoile ✓ 星';
  await Sender.sendTo('legacy', message);
  // Resolved only after the peer read to the end and closed: the message is there already.
  assert.equal(received.length, 1);
  assert.deepEqual(received[0], Buffer.from(message, 'utf8'));
});

test('each message is its own connection, in the order sent', async () => {
  received.length = 0;
  for (let i = 0; i < 20; i++) await Sender.sendTo('legacy', `msg ${i}`);
  assert.deepEqual(
    received.map((b) => b.toString('utf8')),
    Array.from({ length: 20 }, (_, i) => `msg ${i}`),
  );
});

test('a payload cannot go over the text protocol: InvalidMessageError, nothing sent', async () => {
  received.length = 0;
  await assert.rejects(Sender.sendTo('legacy', 'Observation finished', { id: 42 }), (err: unknown) => {
    assert.ok(err instanceof InvalidMessageError);
    assert.equal(err.code, 'INVALID_MESSAGE');
    assert.match(err.message, /legacy/);
    assert.match(err.message, /payload/);
    return true;
  });
  assert.equal(received.length, 0);
});

test('request to a text peer: InvalidMessageError (the protocol has no replies), nothing sent', async () => {
  received.length = 0;
  await assert.rejects(Sender.request('legacy', 'STATUS'), (err: unknown) => {
    assert.ok(err instanceof InvalidMessageError);
    assert.equal(err.code, 'INVALID_MESSAGE');
    assert.match(err.message, /no replies/);
    return true;
  });
  assert.equal(received.length, 0);
});

test('a text peer that is down: UnreachableError after the bounded retries', async () => {
  const t0 = Date.now();
  await assert.rejects(Sender.sendTo('gone', 'Hello'), (err: unknown) => {
    assert.ok(err instanceof UnreachableError);
    assert.equal(err.code, 'UNREACHABLE');
    assert.match(err.message, /3 attempts/);
    return true;
  });
  assert.ok(Date.now() - t0 < 2000, `failed in ${Date.now() - t0} ms`);
});
