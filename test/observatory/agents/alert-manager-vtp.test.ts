// The alert manager on the VOEvent network: a broker it subscribes to, and publishers on its own
// VTP port (the project's VTP publisher). Each event is handled as the agent's own `VOEvent`
// message through its mailbox (so it is in its message log) and acked only once recorded; a
// malformed one is nakked. The scheduler is a scripted peer in its own thread.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { AlertManagerAgent } from '../../../src/observatory/agents/alert-manager-agent.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { Msg } from '../../../src/observatory/messages.js';
import type { Outbox } from '../../../src/observatory/store/outbox.js';
import { Sender } from '../../../src/sender/sender.js';
import { publishVoEvent } from '../../../src/transport/vtp/vtp-publisher.js';
import { freePorts, waitFor } from '../../helpers.js';
import { startBroker, type TestBroker } from '../alerts/sources/vtp-broker.js';
import {
  observatoryConfig,
  type TempObservatory,
  tempObservatory,
  VOEVENTS,
} from '../observatory-fixture.js';
import { type Peer, startPeer } from './peers.js';

const swift = readFileSync(join(VOEVENTS, 'swift_bat_grb_pos_61_GRB120907A_observation.xml'), 'utf8');
const fermi = readFileSync(join(VOEVENTS, 'fermi_gbm_alert_110_no-position.xml'), 'utf8');
const SWIFT_IVORN = 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729';
/** Just after the Swift notice's event time, so that it is fresh. */
const SOON_AFTER = Date.parse('2012-09-07T00:25:00Z');

/** The alert manager, with its outbox in view. */
class AlertManager extends AlertManagerAgent {
  get outbox(): Outbox {
    return this.store.outbox;
  }
}

describe('AlertManagerAgent on the VOEvent network', { timeout: 60_000 }, () => {
  let obs: TempObservatory | undefined;
  let agent: AlertManager | undefined;
  let peers: Peer[] = [];
  let broker: TestBroker | undefined;
  afterEach(async () => {
    agent?.requestShutdown('test done');
    await agent?.stopped;
    agent = undefined;
    await Promise.all(peers.map((p) => p.stop()));
    peers = [];
    broker?.close();
    broker = undefined;
    obs?.dispose();
    obs = undefined;
  });

  /** The alert manager at SOON_AFTER (600x) with a VTP port of its own and `ini`; the scheduler peer unless told not. */
  async function world(o: { ini?: string; scheduler?: boolean } = {}) {
    const [vtpPort] = (await freePorts(1)) as [number];
    obs = tempObservatory(
      `[alert_manager]\nvtp_port = ${vtpPort}\n${o.ini ?? ''}`,
      new SimClock(SOON_AFTER, 600),
    );
    await observatoryConfig(obs, ['alert_manager', 'scheduler']);
    const scheduler = o.scheduler === false ? undefined : await startScheduler();
    agent = new AlertManager(obs.ctx);
    await agent.start();
    assert.equal(agent.vtpPort, vtpPort);
    return { scheduler, agent, vtpPort };
  }

  async function startScheduler(): Promise<Peer> {
    const peer = await startPeer('scheduler', {
      'New alert': 'return { requestId: payload.request.id, created: true };',
    });
    peers.push(peer);
    return peer;
  }

  const alerts = async () => (await Sender.request('alert_manager', Msg.ALERTS, { limit: 100 })).alerts;
  const logged = async () =>
    (await Sender.request('alert_manager', Msg.MESSAGES, { limit: 100 })).messages.filter(
      (m) => m.message === 'Notice',
    );

  it('an event published on its VTP port goes through the mailbox, is recorded, then acked; a malformed one is nakked', async () => {
    const { scheduler, vtpPort } = await world();
    const answer = await publishVoEvent({ host: '127.0.0.1', port: vtpPort, xml: swift, timeoutMs: 10_000 });
    assert.equal(answer.role, 'ack');
    assert.equal(answer.origin, SWIFT_IVORN);
    // Acked once recorded: the record is there as soon as the ack is.
    const [recorded] = await alerts();
    assert.equal(recorded?.ivorn, SWIFT_IVORN);
    assert.equal(recorded?.outcome, 'accepted');
    assert.match(recorded?.source ?? '', /^vtp-receiver 127\.0\.0\.1:\d+$/);
    assert.deepEqual(
      (await logged()).map((m) => [m.from, m.to]),
      [['alert_manager', 'alert_manager']],
      "handled as the agent's own Notice message",
    );
    const told = await scheduler?.waitFor('New alert');
    assert.equal((told?.payload as { ivorn: string } | undefined)?.ivorn, SWIFT_IVORN);

    // The same event published again: a duplicate, acked (its sender need not send it again).
    assert.equal((await publishVoEvent({ host: '127.0.0.1', port: vtpPort, xml: swift })).role, 'ack');
    // A VOEvent the parser refuses (its time is no time): through the mailbox, nakked, not recorded.
    const badTime = swift
      .replace(`ivorn="${SWIFT_IVORN}"`, 'ivorn="ivo://test/bad#1"')
      .replace(/<ISOTime>[^<]*<\/ISOTime>/, '<ISOTime>yesterday</ISOTime>');
    const nak = await publishVoEvent({ host: '127.0.0.1', port: vtpPort, xml: badTime });
    assert.equal(nak.role, 'nak');
    assert.equal((await logged()).length, 3);
    // Not a VOEvent at all: nakked by the receiver.
    assert.equal((await publishVoEvent({ host: '127.0.0.1', port: vtpPort, xml: '<VOEvent/>' })).role, 'nak');
    assert.deepEqual(
      (await alerts()).map((a) => a.ivorn),
      [SWIFT_IVORN],
    );
    assert.equal(scheduler?.all('New alert').length, 1);
  });

  it('takes the events of a VTP broker it subscribes to, acking each once recorded', async () => {
    broker = await startBroker([swift, fermi]);
    const { scheduler } = await world({ ini: `vtp_subscribe = 127.0.0.1:${broker.port}\n` });
    const b = broker;
    await waitFor(() => b.answers.length >= 2, 10_000, 'two answers from the alert manager');
    assert.deepEqual(b.answers, [
      `ack ${SWIFT_IVORN}`,
      'ack ivo://nasa.gsfc.gcn/Fermi#GBM_Alert_2026-05-04T19:06:48.89_799614413_1-150',
    ]);
    const recorded = await alerts();
    assert.deepEqual(
      recorded.map((a) => [a.outcome, a.source]),
      [
        ['no-position', `vtp-subscriber 127.0.0.1:${b.port}`],
        ['accepted', `vtp-subscriber 127.0.0.1:${b.port}`],
      ],
    );
    assert.equal((await logged()).length, 2);
    await scheduler?.waitFor('New alert');
  });

  it('with the scheduler down, an event is acked, waits in the outbox, and reaches the scheduler once it starts', async () => {
    const { agent: a, vtpPort } = await world({ scheduler: false });
    const answer = await publishVoEvent({ host: '127.0.0.1', port: vtpPort, xml: swift, timeoutMs: 10_000 });
    assert.equal(answer.role, 'ack');
    assert.equal(a.outbox.size(), 1);
    await waitFor(() => (a.outbox.next('scheduler')?.attempts ?? 0) >= 1, 10_000, 'a failed delivery');
    const scheduler = await startScheduler();
    await scheduler.waitFor('New alert');
    await waitFor(() => a.outbox.size() === 0, 15_000, 'an empty outbox');
    await scheduler.synced();
    assert.equal(scheduler.all('New alert').length, 1);
  });
});
