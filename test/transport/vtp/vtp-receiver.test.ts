// VtpReceiver on 127.0.0.1: authors submit events and get ack or nak; bad peers get a nak or are
// closed, and the server keeps serving.
process.env.PYROS_LOG_LEVEL ??= 'silent';

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, test } from 'node:test';
import { buildIamAlive } from '../../../src/transport/vtp/transport-messages.js';
import { encodeVtpFrame } from '../../../src/transport/vtp/vtp-frame.js';
import type { VtpEvent } from '../../../src/transport/vtp/vtp-payload.js';
import { publishVoEvent } from '../../../src/transport/vtp/vtp-publisher.js';
import { VtpReceiver, type VtpReceiverOptions } from '../../../src/transport/vtp/vtp-receiver.js';
import { sleep } from '../../helpers.js';
import { vtpConnect } from './vtp-peers.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/voevents/${name}`, import.meta.url), 'utf8');
const SWIFT = fixture('swift_bat_grb_pos_61_GRB120907A_observation.xml');
const FERMI = fixture('fermi_gbm_alert_110_no-position.xml');
const SWIFT_IVORN = 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729';
const FERMI_IVORN = 'ivo://nasa.gsfc.gcn/Fermi#GBM_Alert_2026-05-04T19:06:48.89_799614413_1-150';
const LOCAL = 'ivo://pyros.test/receiver';

const receivers: VtpReceiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

async function receiver(opts: Partial<VtpReceiverOptions> = {}) {
  const handled: Array<{ xml: string; event: VtpEvent }> = [];
  const r = await VtpReceiver.listen({
    port: 0,
    localIvorn: LOCAL,
    onEvent: (xml, event) => {
      handled.push({ xml, event });
    },
    ...opts,
  });
  receivers.push(r);
  const publish = (xml: string) => publishVoEvent({ host: '127.0.0.1', port: r.port, xml, timeoutMs: 3000 });
  return { r, handled, publish };
}

test('a publisher submitting a VOEvent gets an ack naming it, after the handler has it', async () => {
  const { handled, publish } = await receiver();
  const reply = await publish(SWIFT);
  assert.equal(reply.role, 'ack');
  assert.equal(reply.origin, SWIFT_IVORN);
  assert.equal(reply.response, LOCAL);
  assert.equal(handled.length, 1);
  assert.equal(handled[0]?.xml, SWIFT);
  assert.equal(handled[0]?.event.ivorn, SWIFT_IVORN);
  assert.equal(handled[0]?.event.role, 'observation');
  assert.match(handled[0]?.event.peer ?? '', /^127\.0\.0\.1:\d+$/);
});

test('the handler throwing: a nak with its reason', async () => {
  const { publish } = await receiver({
    onEvent: () => {
      throw new Error('no position: RA = Dec = error = 0');
    },
  });
  const reply = await publish(FERMI);
  assert.equal(reply.role, 'nak');
  assert.equal(reply.origin, FERMI_IVORN);
  assert.equal(reply.result, 'no position: RA = Dec = error = 0');
});

test('garbage, another root, a VOEvent without ivorn: nak saying why; nothing reaches the handler', async () => {
  const { handled, publish } = await receiver();
  const garbage = await publish('GRB at 10 20, please observe');
  assert.equal(garbage.role, 'nak');
  assert.match(garbage.result ?? '', /not well-formed XML at line 1/);
  assert.match((await publish('<alert ivorn="x"/>')).result ?? '', /root element is <alert>/);
  assert.match((await publish('<VOEvent role="test"/>')).result ?? '', /VOEvent@ivorn is missing/);
  assert.equal(handled.length, 0);
});

test('several events on one connection, coalesced and split: answered in order', async () => {
  await receiver({
    onEvent: async (_xml, event) => {
      if (event.ivorn === SWIFT_IVORN) await sleep(60); // the first is the slowest
    },
  });
  const peer = await vtpConnect(receivers[0]?.port ?? 0);
  const both = Buffer.concat([encodeVtpFrame(SWIFT), encodeVtpFrame('oops'), encodeVtpFrame(FERMI)]);
  peer.socket.write(both.subarray(0, 7));
  await sleep(10);
  peer.socket.write(both.subarray(7, 5000));
  await sleep(10);
  peer.socket.write(both.subarray(5000));
  const replies = await peer.waitForMessages(3);
  assert.deepEqual(
    replies.map((m) => [m.role, m.origin]),
    [
      ['ack', SWIFT_IVORN],
      ['nak', undefined], // no event to name
      ['ack', FERMI_IVORN],
    ],
  );
  peer.socket.destroy();
});

test('an author that ends its side after sending still gets its ack', async () => {
  const { r } = await receiver({ onEvent: () => sleep(30) });
  const peer = await vtpConnect(r.port);
  peer.socket.end(encodeVtpFrame(SWIFT));
  await peer.closed;
  assert.deepEqual(
    peer.messages().map((m) => m.role),
    ['ack'],
  );
});

test('an oversized length prefix closes that connection; the next author is served', async () => {
  const { r, publish } = await receiver({ maxFrameBytes: 64 * 1024 });
  const bad = await vtpConnect(r.port);
  bad.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x3c]));
  await bad.closed;
  assert.deepEqual(bad.frames, []);
  assert.equal((await publish(SWIFT)).role, 'ack');
});

test('an idle connection is closed after idleTimeoutMs; a slow handler is not idleness', async () => {
  const { r } = await receiver({ idleTimeoutMs: 100, onEvent: () => sleep(250) });
  const idle = await vtpConnect(r.port);
  const closedAfter = (await idle.closed) - idle.openedAt;
  assert.ok(closedAfter >= 90 && closedAfter < 1000, `closed after ${closedAfter} ms`);

  const waiting = await vtpConnect(r.port);
  waiting.send(SWIFT);
  const [reply] = await waiting.waitForMessages(1);
  assert.equal(reply?.role, 'ack', 'acked after 250 ms although idleTimeoutMs is 100');
  waiting.socket.destroy();
});

test('iamalive is answered; connections beyond maxConnections are refused', async () => {
  const { r, publish } = await receiver({ maxConnections: 1 });
  const first = await vtpConnect(r.port);
  first.send(buildIamAlive('ivo://author.test/x'));
  const [alive] = await first.waitForMessages(1);
  assert.equal(alive?.origin, 'ivo://author.test/x');
  assert.equal(alive?.response, LOCAL);
  await assert.rejects(publish(SWIFT), /closed without an ack or nak|ECONNRESET/);
  first.socket.destroy();
  await first.closed;
  await sleep(20);
  assert.equal((await publish(SWIFT)).role, 'ack');
});
