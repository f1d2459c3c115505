// Bad bytes on an agent's port: each offender is closed (and counted as rejected), nothing it sent is
// delivered, and the agent goes on answering Sender right after.
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, test } from 'node:test';
import { FrameWriter } from '../../src/transport/frame-writer.js';
import { ErrorCode, FRAMED_MAGIC, FrameType } from '../../src/transport/frames.js';
import { sleep, waitFor } from '../helpers.js';
import {
  assertServing,
  configureAgent,
  errorCode,
  framedConnect,
  framesIn,
  rawConnect,
  shutdownAgent,
  stopStartedAgents,
  TestAgent,
  within,
} from '../net-helpers.js';

const NAME = 'monitoring';
const TEXT_TIMEOUT = 400;
const PARTIAL_TIMEOUT = 300;
let agent: TestAgent;
let port = 0;
const seen: string[] = [];

beforeEach(async () => {
  ({ port } = await configureAgent(NAME, { max_message_bytes: 2048 }));
  seen.length = 0;
  agent = new TestAgent(NAME, {
    server: {
      firstByteTimeoutMs: 3000,
      handshakeTimeoutMs: 3000,
      textTimeoutMs: TEXT_TIMEOUT,
      partialFrameTimeoutMs: PARTIAL_TIMEOUT,
    },
  });
  // Whatever reaches a handler is recorded: nothing from an offender may.
  const record = (_: unknown, meta: { message: string }) => void seen.push(meta.message);
  agent.on('Hello', record);
  await agent.start();
});

afterEach(stopStartedAgents);

/** Nothing was delivered, `rejected` connections were closed for bad input, and the agent still serves. */
async function assertRejectedAndServing(rejected: number): Promise<void> {
  const st = agent.status();
  assert.equal(st.received, 0, 'nothing delivered');
  assert.equal(st.unknown, 0);
  assert.deepEqual(seen, []);
  assert.equal(st.rejectedConnections, rejected, 'the offender was counted as rejected');
  await assertServing(NAME);
  await shutdownAgent(agent);
}

test('random non-UTF-8 bytes (text protocol): closed, not delivered', async () => {
  const garbage = randomBytes(512);
  garbage[0] = 0xff; // never in UTF-8, and not the framed protocol's NUL
  garbage[100] = 0xfe;
  const c = await rawConnect(port);
  c.socket.end(garbage);
  await within(c.closed, 2000, 'close');
  assert.equal(c.received().length, 0, 'a text peer gets nothing back');
  await assertRejectedAndServing(1);
});

test('random bytes starting with 0x00: framed preamble error, an ERROR frame, closed', async () => {
  const garbage = randomBytes(256);
  garbage[0] = 0x00;
  garbage[1] = 0x99; // not the 'P' of the preamble
  const c = await rawConnect(port);
  c.socket.write(garbage);
  await within(c.closed, 2000, 'close');
  assert.equal(errorCode(framesIn(c.received())), ErrorCode.PROTOCOL);
  await assertRejectedAndServing(1);
});

test('a text message over max_message_bytes (2048): closed before the end, not delivered', async () => {
  const c = await rawConnect(port);
  const big = Buffer.alloc(1024 * 1024 + 10, 'a');
  c.socket.write(`Hello${big.toString()}`);
  c.socket.end();
  await within(c.closed, 3000, 'close');
  await assertRejectedAndServing(1);
});

test('a framed frame with a huge length prefix: TOO_LARGE, closed', async () => {
  const c = await framedConnect(port);
  c.socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff, FrameType.MSG]));
  await within(c.closed, 2000, 'close');
  assert.equal(errorCode(framesIn(c.received())), ErrorCode.TOO_LARGE);
  await assertRejectedAndServing(1);
});

test('a huge length prefix right after the preamble (before HELLO): closed', async () => {
  const c = await rawConnect(port);
  c.socket.write(Buffer.concat([FRAMED_MAGIC, Buffer.from([0xff, 0xff, 0xff, 0xff])]));
  await within(c.closed, 2000, 'close');
  assert.equal(errorCode(framesIn(c.received())), ErrorCode.TOO_LARGE);
  await assertRejectedAndServing(1);
});

test('framed frames that break the rules (zero length, bad body, wrong type): each closed', async () => {
  const bad: Buffer[] = [
    Buffer.from([0, 0, 0, 0]), // a frame of length 0
    (() => {
      const w = new FrameWriter();
      w.custom(FrameType.MSG, Buffer.from([0, 0, 0, 1, 0])); // body ends inside the time field
      return w.take() as Buffer;
    })(),
    (() => {
      const w = new FrameWriter();
      w.custom(FrameType.WELCOME, Buffer.alloc(40)); // a server frame from a client
      return w.take() as Buffer;
    })(),
  ];
  for (const bytes of bad) {
    const c = await framedConnect(port);
    c.socket.write(bytes);
    await within(c.closed, 2000, 'close');
    assert.equal(errorCode(framesIn(c.received())), ErrorCode.PROTOCOL);
  }
  await assertRejectedAndServing(bad.length);
});

test('a truncated frame, then silence: closed after partialFrameTimeoutMs', async () => {
  const c = await framedConnect(port);
  const w = new FrameWriter();
  w.msg(1, false, Date.now(), 'x', NAME, 'Hello', '{"a":1}', 4096);
  const frame = w.take() as Buffer;
  const t0 = Date.now();
  c.socket.write(frame.subarray(0, frame.length - 3));
  const closedAt = await within(c.closed, 3000, 'close');
  const waited = closedAt - t0;
  assert.ok(waited >= PARTIAL_TIMEOUT - 20, `closed after ${waited} ms, before the timeout`);
  assert.ok(waited < PARTIAL_TIMEOUT + 1000, `closed after ${waited} ms`);
  assert.equal(errorCode(framesIn(c.received())), ErrorCode.TIMEOUT, 'told why: ERROR TIMEOUT');
  await assertRejectedAndServing(1);
});

test('a text connection sending one byte every 100 ms: closed after textTimeoutMs, not delivered', async () => {
  const c = await rawConnect(port);
  const t0 = Date.now();
  const trickle = setInterval(() => {
    if (!c.isClosed()) c.socket.write('H');
  }, 100);
  try {
    const closedAt = await within(c.closed, 3000, 'close');
    const waited = closedAt - t0;
    assert.ok(waited >= TEXT_TIMEOUT - 20 && waited < TEXT_TIMEOUT + 1000, `closed after ${waited} ms`);
  } finally {
    clearInterval(trickle);
  }
  await assertRejectedAndServing(1);
});

test('a framed client that never finishes its handshake: closed after handshakeTimeoutMs', async () => {
  // Only the preamble: the session exists but no HELLO ever comes.
  await shutdownAgent(agent);
  agent = new TestAgent(NAME, { server: { handshakeTimeoutMs: 300 } });
  await agent.start();
  const c = await rawConnect(port);
  const t0 = Date.now();
  c.socket.write(FRAMED_MAGIC.subarray(0, 2));
  await sleep(50);
  c.socket.write(FRAMED_MAGIC.subarray(2));
  const waited = (await within(c.closed, 3000, 'close')) - t0;
  assert.ok(waited >= 280 && waited < 1300, `closed after ${waited} ms`);
  await assertRejectedAndServing(1);
});

/** The REJECTs among `frames`: seq and reason. */
function rejects(frames: readonly { type: number; body: Buffer }[]): Array<{ seq: number; reason: string }> {
  return frames
    .filter((f) => f.type === FrameType.REJECT)
    .map((f) => ({
      seq: f.body.readUInt32BE(0),
      reason: f.body.subarray(6, 6 + f.body.readUInt16BE(4)).toString(),
    }));
}

test('a MSG whose payload passes max_message_bytes, and a MSG with seq 0: each REJECTed, the session goes on', async () => {
  const c = await framedConnect(port);
  // 2048 is the limit: a payload of 2049 bytes (the frame itself may be larger: names are extra).
  c.sendMsgs(NAME, 'Hello', [
    { seq: 0, payload: { a: 1 } },
    { seq: 1, payload: 'x'.repeat(2047) },
    { seq: 2, payload: { a: 2 } },
  ]);
  await waitFor(() => rejects(framesIn(c.received())).length === 2, 3000, 'two REJECTs');
  assert.deepEqual(rejects(framesIn(c.received())), [
    { seq: 0, reason: 'MSG sequence numbers start at 1' },
    { seq: 1, reason: 'payload of 2049 bytes, over the 2048-byte limit' },
  ]);
  await waitFor(() => seen.length === 1, 3000, 'the good message');
  assert.deepEqual(seen, ['Hello'], 'only the message within the rules was delivered');
  assert.equal(c.isClosed(), false);
  c.socket.destroy();
});

test('a HELLO over 1 KiB before the handshake: TOO_LARGE at its length prefix, nothing buffered', async () => {
  const c = await rawConnect(port);
  // The length of a 1.1 MB frame, then its first bytes: refused before the body is read.
  const header = Buffer.alloc(5);
  header.writeUInt32BE(1_100_000, 0);
  header[4] = FrameType.HELLO;
  c.socket.write(Buffer.concat([FRAMED_MAGIC, header, Buffer.alloc(64 * 1024)]));
  await within(c.closed, 2000, 'close');
  assert.equal(errorCode(framesIn(c.received())), ErrorCode.TOO_LARGE);
  await assertRejectedAndServing(1);
});
