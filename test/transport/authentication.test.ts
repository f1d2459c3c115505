// Authentication with a shared secret (`secret = ...` in the agent's section): Sender with the same
// config gets through; a wrong or missing secret is refused at once and not retried; a framed client
// with a bad proof is closed.
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { type AddressInfo, connect, createServer } from 'node:net';
import { afterEach, beforeEach, test } from 'node:test';
import { AgentConfig } from '../../src/config/agent-config.js';
import { RefusedError } from '../../src/sender/errors.js';
import { Sender } from '../../src/sender/sender.js';
import { clientProof } from '../../src/transport/auth.js';
import { FrameWriter } from '../../src/transport/frame-writer.js';
import { ErrorCode, FRAMED_MAGIC, PROTOCOL_VERSION } from '../../src/transport/frames.js';
import { waitFor, writeConfig } from '../helpers.js';
import {
  assertServing,
  configureAgent,
  errorCode,
  framedConnect,
  framesIn,
  rawConnect,
  sendRawText,
  shutdownAgent,
  stopStartedAgents,
  TestAgent,
  within,
} from '../net-helpers.js';

const NAME = 'alert_manager';
const SECRET = 's3cret';
let agent: TestAgent;
let port = 0;
const seen: unknown[] = [];

beforeEach(async () => {
  ({ port } = await configureAgent(NAME, { secret: SECRET }));
  seen.length = 0;
  agent = new TestAgent(NAME).on('Alert', (payload, meta) => void seen.push(payload ?? meta.message));
  await agent.start();
});

afterEach(stopStartedAgents);

/** The same agent and port as the agent's config, with another secret line (or none). */
function clientConfig(secret: string | undefined): AgentConfig {
  return AgentConfig.load(writeConfig({ [NAME]: { port, ...(secret ? { secret } : {}) } }));
}

test('Sender with the same config (same secret): requests and messages get through', async () => {
  await assertServing(NAME);
  await Sender.sendTo(NAME, 'Alert', { level: 'red' });
  await waitFor(() => seen.length === 1, 2000, 'delivery');
  assert.deepEqual(seen, [{ level: 'red' }]);
  await shutdownAgent(agent);
});

test('a wrong secret: RefusedError (REFUSED) at once, not retried, nothing delivered', async () => {
  const config = clientConfig('wrong');
  const t0 = Date.now();
  const results = await Promise.allSettled([
    Sender.sendTo(NAME, 'Alert', 1, { config }),
    Sender.request(NAME, 'PING', undefined, { config }),
  ]);
  const elapsed = Date.now() - t0;
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    const err = (r as PromiseRejectedResult).reason as unknown;
    assert.ok(err instanceof RefusedError, String(err));
    assert.equal(err.code, 'REFUSED');
    assert.match(err.message, /wrong secret/);
    assert.doesNotMatch(err.message, /s3cret|wrong"/, 'no secret in the message');
  }
  // The default retry policy would take 50+100+200+400+800 ms if it retried.
  assert.ok(elapsed < 500, `refused after ${elapsed} ms`);
  assert.equal(agent.status().received, 0);
  assert.equal(agent.status().rejectedConnections, 1, 'one connection, closed once');
  await assertServing(NAME);
  await shutdownAgent(agent);
});

test('a client config without the secret: RefusedError, fast', async () => {
  const config = clientConfig(undefined);
  const t0 = Date.now();
  await assert.rejects(Sender.request(NAME, 'PING', undefined, { config }), (err: unknown) => {
    assert.ok(err instanceof RefusedError);
    assert.equal(err.code, 'REFUSED');
    assert.match(err.message, /a secret is set: framed connections must come inside TLS/);
    return true;
  });
  assert.ok(Date.now() - t0 < 500);
  await assertServing(NAME);
  await shutdownAgent(agent);
});

test('a client with a secret for an agent that has none: RefusedError (it would be talking to an impostor)', async () => {
  await shutdownAgent(agent);
  await configureAgent('open_agent');
  agent = new TestAgent('open_agent');
  await agent.start();
  const config = AgentConfig.load(writeConfig({ open_agent: { port: agent.port ?? 0, secret: SECRET } }));
  const t0 = Date.now();
  await assert.rejects(Sender.request('open_agent', 'PING', undefined, { config }), (err: unknown) => {
    assert.ok(err instanceof RefusedError, String(err));
    assert.match(
      err.message,
      /refused the TLS handshake \(ERR_SSL_[A-Z_/]+\): a wrong secret, or the agent has none/,
    );
    return true;
  });
  assert.ok(Date.now() - t0 < 500, 'not retried');
  await assertServing('open_agent');
  await shutdownAgent(agent);
});

test('a TLS handshake the agent drops without an alert (shedding under load) is retried, not refused', async () => {
  await shutdownAgent(agent);
  // Drops the first three connections at once, as an agent full of silent connections does, then
  // hands the port's connections to the real agent behind it.
  const { port: agentPort } = await configureAgent(NAME, { secret: SECRET });
  agent = new TestAgent(NAME);
  await agent.start();
  let dropped = 0;
  const front = createServer((socket) => {
    if (dropped < 3) {
      dropped++;
      socket.destroy();
      return;
    }
    const back = connect({ host: '127.0.0.1', port: agentPort });
    socket.pipe(back).pipe(socket);
    const end = () => {
      socket.destroy();
      back.destroy();
    };
    socket.on('error', end).on('close', end);
    back.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  try {
    const frontPort = (front.address() as AddressInfo).port;
    const config = AgentConfig.load(writeConfig({ [NAME]: { port: frontPort, secret: SECRET } }));
    assert.equal(await Sender.request(NAME, 'Echo', 'through', { config }), 'through');
    assert.equal(dropped, 3, 'three attempts dropped, the fourth served');
  } finally {
    Sender.closeAll();
    await new Promise((r) => front.close(r));
  }
  await shutdownAgent(agent);
});

test('a framed client sending a garbage AUTH, inside TLS with the right key: ERROR (AUTH) and closed', async () => {
  for (const garbage of [Buffer.from('not a proof'), Buffer.alloc(32, 0xab), Buffer.alloc(0)]) {
    await assert.rejects(framedConnect(port, { secret: SECRET, auth: garbage }), /closed before a frame 0x4/);
  }
  // With the right proof, the same raw client gets through.
  const ok = await framedConnect(port, { secret: SECRET });
  ok.sendMsgs(NAME, 'Alert', [{ seq: 1, payload: 'raw' }]);
  await waitFor(() => seen.length === 1, 2000, 'delivery');
  ok.socket.destroy();
  assert.equal(agent.status().rejectedConnections, 3);
  await assertServing(NAME);
  await shutdownAgent(agent);
});

test('the ERROR frame a bad proof gets says AUTH', async () => {
  const c = await rawConnect(port, { agent: NAME, secret: SECRET });
  const w = new FrameWriter();
  w.raw(FRAMED_MAGIC);
  w.hello(PROTOCOL_VERSION, Buffer.alloc(16, 1), Buffer.alloc(32, 2), 'x');
  // A proof computed with the wrong secret and a guessed server nonce.
  w.auth(clientProof('guess', Buffer.alloc(32), Buffer.alloc(32, 2), Buffer.alloc(16, 1)));
  c.socket.write(w.take() as Buffer);
  await within(c.closed, 2000, 'close');
  assert.equal(errorCode(framesIn(c.received())), ErrorCode.AUTH);
  await shutdownAgent(agent);
});

test('with a secret, a plain framed client (no TLS) is refused with ERROR (AUTH) at its HELLO', async () => {
  const c = await rawConnect(port);
  const w = new FrameWriter();
  w.raw(FRAMED_MAGIC);
  w.hello(PROTOCOL_VERSION, Buffer.alloc(16, 1), Buffer.alloc(32, 2), 'old-client');
  c.socket.write(w.take() as Buffer);
  await within(c.closed, 2000, 'close');
  assert.equal(errorCode(framesIn(c.received())), ErrorCode.AUTH);
  assert.equal(agent.status().received, 0);
  await assertServing(NAME);
  await shutdownAgent(agent);
});

test('the text protocol from loopback still works with a secret set (the seed has no auth)', async () => {
  await sendRawText(port, 'Alert');
  await waitFor(() => seen.length === 1, 2000, 'delivery');
  assert.deepEqual(seen, ['Alert']);
  await shutdownAgent(agent);
});
