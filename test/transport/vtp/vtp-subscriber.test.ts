// VtpSubscriber against a fake broker on 127.0.0.1: iamalive answered, events acked in order after
// their handler, naks when it throws, reconnection on a drop and on silence, backoff.
process.env.PYROS_LOG_LEVEL ??= 'silent';

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, test } from 'node:test';
import { buildIamAlive } from '../../../src/transport/vtp/transport-messages.js';
import { encodeVtpFrame } from '../../../src/transport/vtp/vtp-frame.js';
import {
  type SubscriberStateChange,
  VtpSubscriber,
  type VtpSubscriberOptions,
} from '../../../src/transport/vtp/vtp-subscriber.js';
import { freePorts, sleep, waitFor } from '../../helpers.js';
import { FakeBroker } from './vtp-peers.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/voevents/${name}`, import.meta.url), 'utf8');
const EVENTS = [
  fixture('swift_bat_grb_pos_61_GRB120907A_observation.xml'),
  fixture('swift_bat_grb_pos_test_82_role-test.xml'),
  fixture('fermi_gbm_alert_110_no-position.xml'),
];
const IVORNS = [
  'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729',
  'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Test_Pos_2026-04-12T20:20:00.00-207',
  'ivo://nasa.gsfc.gcn/Fermi#GBM_Alert_2026-05-04T19:06:48.89_799614413_1-150',
];
const LOCAL = 'ivo://pyros.test/observatory';
const BROKER = 'ivo://broker.test/comet';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

function subscribe(
  port: number,
  opts: Partial<VtpSubscriberOptions> = {},
): { sub: VtpSubscriber; states: SubscriberStateChange[] } {
  const sub = new VtpSubscriber({
    host: '127.0.0.1',
    port,
    localIvorn: LOCAL,
    onEvent: () => {},
    backoff: { initialMs: 20, maxMs: 80, resetAfterMs: 60_000 },
    ...opts,
  });
  const states: SubscriberStateChange[] = [];
  sub.on('state', (s) => states.push(s));
  sub.start();
  cleanup.push(() => sub.stop());
  return { sub, states };
}

async function broker(port?: number): Promise<FakeBroker> {
  const b = await FakeBroker.start(port);
  cleanup.push(() => b.close());
  return b;
}

test('answers iamalive, hands each event over in order, acks it after its handler, naks when it throws', async () => {
  const b = await broker();
  const handled: string[] = [];
  subscribe(b.port, {
    onEvent: async (xml, event) => {
      // The first handler is the slowest: the acks must still come in event order.
      if (event.ivorn === IVORNS[0]) await sleep(80);
      if (event.role === 'test') throw new Error('test notices are not observed\nsecond line');
      handled.push(xml);
    },
  });
  const conn = await b.connection(1);
  conn.send(buildIamAlive(BROKER));
  const [alive] = await conn.waitForMessages(1);
  assert.equal(alive?.role, 'iamalive');
  assert.equal(alive?.origin, BROKER);
  assert.equal(alive?.response, LOCAL);

  // Two events coalesced in one write, the third split across two writes.
  conn.socket.write(
    Buffer.concat([encodeVtpFrame(EVENTS[0] as string), encodeVtpFrame(EVENTS[1] as string)]),
  );
  const third = encodeVtpFrame(EVENTS[2] as string);
  conn.socket.write(third.subarray(0, 100));
  await sleep(20);
  conn.socket.write(third.subarray(100));

  const replies = (await conn.waitForMessages(4)).slice(1);
  assert.deepEqual(
    replies.map((m) => [m.role, m.origin, m.response]),
    [
      ['ack', IVORNS[0], LOCAL],
      ['nak', IVORNS[1], LOCAL],
      ['ack', IVORNS[2], LOCAL],
    ],
  );
  assert.equal(replies[1]?.result, 'test notices are not observed second line');
  assert.deepEqual(handled, [EVENTS[0], EVENTS[2]]);
});

test('nakOnFailure false acks an event whose handler threw (Comet keeps its upstream)', async () => {
  const b = await broker();
  subscribe(b.port, {
    nakOnFailure: false,
    onEvent: () => {
      throw new Error('nope');
    },
  });
  const conn = await b.connection(1);
  conn.send(EVENTS[0] as string);
  const [reply] = await conn.waitForMessages(1);
  assert.equal(reply?.role, 'ack');
});

test('the broker dropping the connection: the subscriber reconnects', async () => {
  const b = await broker();
  const { states } = subscribe(b.port);
  const first = await b.connection(1);
  first.socket.destroy();
  const second = await b.connection(2);
  second.send(buildIamAlive(BROKER));
  assert.equal((await second.waitForMessages(1))[0]?.role, 'iamalive');
  assert.deepEqual(
    states.map((s) => s.state),
    ['connecting', 'connected', 'waiting', 'connecting', 'connected'],
  );
  assert.equal(states[2]?.retryInMs, 20);
});

test('a silent broker is left after silenceMs; iamalive keeps the connection up', async () => {
  const b = await broker();
  const { states } = subscribe(b.port, { silenceMs: 150 });
  const talkative = await b.connection(1);
  const timer = setInterval(() => talkative.send(buildIamAlive(BROKER)), 40);
  await sleep(400);
  clearInterval(timer);
  assert.equal(b.connections.length, 1, 'iamalive every 40 ms keeps a 150 ms silence timer from firing');
  assert.equal(talkative.closedAt, undefined);

  // Now silent: the subscriber closes about 150 ms after the last iamalive and reconnects.
  const silentSince = Date.now();
  const closedAt = await talkative.closed;
  assert.ok(
    closedAt - silentSince >= 100 && closedAt - silentSince < 1000,
    `closed after ${closedAt - silentSince} ms`,
  );
  await b.connection(2);
  assert.match(states.find((s) => s.state === 'waiting')?.detail ?? '', /broker silent for 150 ms/);
});

test('backoff: 20, 40, 80, 80 ms while the broker is down; reset after a healthy period', async () => {
  const [port] = (await freePorts(1)) as [number];
  const { states } = subscribe(port, { backoff: { initialMs: 20, maxMs: 80, resetAfterMs: 150 } });
  await waitFor(() => states.filter((s) => s.state === 'waiting').length >= 4, 3000, 'four retries');
  assert.deepEqual(
    states
      .filter((s) => s.state === 'waiting')
      .slice(0, 4)
      .map((s) => s.retryInMs),
    [20, 40, 80, 80],
  );
  const b = await broker(port);
  const conn = await b.connection(1);
  await sleep(250); // longer than resetAfterMs
  const before = states.length;
  conn.socket.destroy();
  await waitFor(() => states.slice(before).find((s) => s.state === 'waiting'), 2000, 'a retry');
  assert.equal(states.slice(before).find((s) => s.state === 'waiting')?.retryInMs, 20);
});

test('stop() closes the connection and stops reconnecting', async () => {
  const b = await broker();
  const { sub, states } = subscribe(b.port);
  const conn = await b.connection(1);
  await sub.stop();
  await conn.closed;
  await sleep(100);
  assert.equal(b.connections.length, 1);
  assert.equal(sub.state, 'stopped');
  assert.equal(states.at(-1)?.state, 'stopped');
});
