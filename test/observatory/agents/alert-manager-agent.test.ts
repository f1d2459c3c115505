// The alert manager, started for real on a simulated clock (600x), with the scheduler played by a
// scripted peer in its own thread: the real VOEvent samples sent as `VOEvent` messages, what is
// replied and recorded, and what reaches the scheduler through the outbox (once, even when the
// scheduler is down for a while, or the alert manager restarts meanwhile).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { AlertManagerAgent } from '../../../src/observatory/agents/alert-manager-agent.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { Msg } from '../../../src/observatory/messages.js';
import type { ObservationRequest } from '../../../src/observatory/scheduler/request.js';
import type { Outbox } from '../../../src/observatory/store/outbox.js';
import { InvalidPayloadError, RemoteError } from '../../../src/sender/errors.js';
import { Sender } from '../../../src/sender/sender.js';
import { waitFor } from '../../helpers.js';
import { swiftVariant } from '../alerts/notice-samples.js';
import {
  observatoryConfig,
  type TempObservatory,
  tempObservatory,
  VOEVENTS,
} from '../observatory-fixture.js';
import { type Peer, startPeer } from './peers.js';

const swift = readFileSync(join(VOEVENTS, 'swift_bat_grb_pos_61_GRB120907A_observation.xml'), 'utf8');
const swiftTest = readFileSync(join(VOEVENTS, 'swift_bat_grb_pos_test_82_role-test.xml'), 'utf8');
const fermi = readFileSync(join(VOEVENTS, 'fermi_gbm_alert_110_no-position.xml'), 'utf8');
const SWIFT_IVORN = 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729';
const SWIFT_REQUEST = 'alert-swift-532871';
/** The Swift notice's event time plus a minute. */
const SOON_AFTER = Date.parse('2012-09-07T00:25:23Z');
/** Just after the Fermi notice: the Swift one is years old then. */
const FERMI_TIME = Date.parse('2026-05-04T19:07:30Z');

/** The alert manager, with its outbox in view (what waits for the scheduler). */
class AlertManager extends AlertManagerAgent {
  get outbox(): Outbox {
    return this.store.outbox;
  }
}

/** The scheduler's script: what a scheduler answers to the alert manager's three messages. */
const SCHEDULER_SCRIPT = {
  'New alert': 'return { requestId: payload.request.id, created: true };',
  'Alert updated': "return { updated: true, state: 'scheduled' };",
  'Alert retracted': 'return { cancelled: payload.requestIds };',
};

describe('AlertManagerAgent', () => {
  let obs: TempObservatory | undefined;
  let agents: AlertManager[] = [];
  let peers: Peer[] = [];
  afterEach(async () => {
    for (const a of agents) {
      a.requestShutdown('test done');
      await a.stopped;
    }
    await Promise.all(peers.map((p) => p.stop()));
    agents = [];
    peers = [];
    obs?.dispose();
    obs = undefined;
  });

  /** A temp observatory at `at` (600x), the config, and the scheduler's peer unless `scheduler` is false. */
  async function world(o: { at?: number; ini?: string; scheduler?: boolean } = {}) {
    obs = tempObservatory(o.ini ?? '', new SimClock(o.at ?? SOON_AFTER, 600));
    await observatoryConfig(obs, ['alert_manager', 'scheduler']);
    return { scheduler: o.scheduler === false ? undefined : await startScheduler() };
  }

  async function startScheduler(): Promise<Peer> {
    const peer = await startPeer('scheduler', SCHEDULER_SCRIPT);
    peers.push(peer);
    return peer;
  }

  async function start(): Promise<AlertManager> {
    const a = new AlertManager(obs?.ctx);
    agents.push(a);
    await a.start();
    return a;
  }

  const voevent = (xml: string, extra: { drill?: boolean; source?: string; file?: string } = {}) =>
    Sender.request('alert_manager', Msg.VOEVENT, { xml, ...extra });
  const alerts = async (limit = 100) => (await Sender.request('alert_manager', Msg.ALERTS, { limit })).alerts;
  /**
   * Waits until the courier has delivered everything (nothing more is on its way to the
   * scheduler), and the peers' records hold what they answered.
   */
  const delivered = async (a: AlertManager) => {
    await waitFor(() => a.outbox.size() === 0, 15_000, 'an empty outbox');
    await Promise.all(peers.map((p) => p.synced()));
  };

  it('a fresh Swift BAT position: accepted, replied with a summary, and one "New alert" to the scheduler', async () => {
    const { scheduler } = await world();
    const a = await start();
    const reply = await voevent(swift, { source: 'cli', file: 'grb.xml' });
    assert.equal(reply.outcome, 'accepted', reply.reason);
    assert.equal(reply.ivorn, SWIFT_IVORN);
    assert.equal(reply.requestId, SWIFT_REQUEST);
    assert.ok(reply.summary.startsWith('accepted: '), reply.summary);
    assert.ok(reply.summary.includes(SWIFT_IVORN), reply.summary);
    const told = await scheduler?.waitFor('New alert');
    const payload = told?.payload as { ivorn: string; request: ObservationRequest };
    assert.equal(told?.sender, 'alert_manager');
    assert.equal(payload.ivorn, SWIFT_IVORN);
    assert.equal(payload.request.id, SWIFT_REQUEST);
    assert.equal(payload.request.kind, 'alert');
    assert.deepEqual(payload.request.target, { raDeg: 74.7412, decDeg: -9.3137 });
    const [recorded] = await alerts();
    assert.equal(recorded?.ivorn, SWIFT_IVORN);
    assert.equal(recorded?.outcome, 'accepted');
    assert.equal(recorded?.source, 'cli grb.xml');
    assert.equal(recorded?.requestId, SWIFT_REQUEST);
    assert.equal(recorded?.mission, 'Swift');
    assert.ok(!('xml' in (recorded ?? {})), 'the Alerts reply leaves the XML out');
    await delivered(a);
    assert.deepEqual(
      scheduler?.received.map((r) => r.message),
      ['New alert'],
    );
  });

  it('a test notice, one without a position, one too old, a duplicate: recorded, replied, not sent to the scheduler', async () => {
    const { scheduler } = await world({ at: FERMI_TIME });
    const a = await start();
    assert.equal((await voevent(swiftTest)).outcome, 'test');
    const noPosition = await voevent(fermi);
    assert.equal(noPosition.outcome, 'no-position');
    assert.equal(noPosition.requestId, undefined);
    assert.equal((await voevent(swift)).outcome, 'too-old');
    const duplicate = await voevent(fermi, { source: 'again' });
    assert.equal(duplicate.outcome, 'duplicate');
    assert.equal(duplicate.ivorn, noPosition.ivorn);
    assert.equal(a.outbox.size(), 0, 'nothing for the scheduler');
    const recorded = await alerts();
    assert.deepEqual(
      recorded.map((r) => r.outcome),
      ['too-old', 'no-position', 'test'],
      'newest first, the duplicate not recorded',
    );
    // A drill of the old notice is new, and the one thing the scheduler hears.
    const drill = await voevent(swift, { drill: true });
    assert.equal(drill.outcome, 'accepted', drill.reason);
    assert.notEqual(drill.ivorn, SWIFT_IVORN);
    const told = await scheduler?.waitFor('New alert');
    assert.equal((told?.payload as { request: ObservationRequest } | undefined)?.request.id, drill.requestId);
    assert.equal((await alerts(1))[0]?.drill, true);
    await delivered(a);
    assert.equal(scheduler?.received.length, 1);
  });

  it('follow-ups (a citation, the same mission and trigger) and a retraction: one message each, in order', async () => {
    const { scheduler } = await world();
    const a = await start();
    await voevent(swift);
    const cited = await voevent(
      swiftVariant({
        ivorn: 'ivo://test/followup#1',
        ra: 75.5,
        dec: -10.25,
        err: 0.03,
        triggerId: '999',
        cites: { kind: 'followup', ivorn: SWIFT_IVORN },
      }),
    );
    assert.equal(cited.outcome, 'updated', cited.reason);
    assert.equal(cited.requestId, SWIFT_REQUEST);
    const sameTrigger = await voevent(
      swiftVariant({
        ivorn: 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-730',
        ra: 75.6,
        dec: -10.3,
        err: 0.02,
      }),
    );
    assert.equal(sameTrigger.outcome, 'updated', sameTrigger.reason);
    assert.equal(sameTrigger.requestId, SWIFT_REQUEST);
    const retraction = await voevent(
      swiftVariant({
        ivorn: 'ivo://test/retraction#1',
        triggerId: '998',
        cites: { kind: 'retraction', ivorn: SWIFT_IVORN },
      }),
    );
    assert.equal(retraction.outcome, 'retracted', retraction.reason);
    await scheduler?.waitFor('Alert retracted');
    await delivered(a);
    assert.deepEqual(scheduler?.received.map((r) => [r.message, r.payload]).slice(1), [
      [
        'Alert updated',
        { ivorn: 'ivo://test/followup#1', requestId: SWIFT_REQUEST, target: { raDeg: 75.5, decDeg: -10.25 } },
      ],
      [
        'Alert updated',
        {
          ivorn: 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-730',
          requestId: SWIFT_REQUEST,
          target: { raDeg: 75.6, decDeg: -10.3 },
        },
      ],
      [
        'Alert retracted',
        { ivorn: 'ivo://test/retraction#1', retracted: [SWIFT_IVORN], requestIds: [SWIFT_REQUEST] },
      ],
    ]);
    assert.equal(scheduler?.received[0]?.message, 'New alert');
    assert.deepEqual(
      (await alerts()).map((r) => [r.outcome, r.requestId]),
      [
        ['retracted', null],
        ['updated', SWIFT_REQUEST],
        ['updated', SWIFT_REQUEST],
        ['accepted', SWIFT_REQUEST],
      ],
    );
  });

  it('with the scheduler down: replied at once, kept in the outbox, delivered once it starts', async () => {
    await world({ scheduler: false });
    const a = await start();
    const reply = await voevent(swift);
    assert.equal(reply.outcome, 'accepted');
    assert.equal(a.outbox.size(), 1);
    await waitFor(() => (a.outbox.next('scheduler')?.attempts ?? 0) >= 1, 10_000, 'a failed delivery');
    assert.equal((await alerts())[0]?.outcome, 'accepted', 'recorded meanwhile');
    const scheduler = await startScheduler();
    const told = await scheduler.waitFor('New alert');
    assert.equal((told.payload as { request: ObservationRequest }).request.id, SWIFT_REQUEST);
    await delivered(a);
    assert.equal(scheduler.all('New alert').length, 1);
  });

  it('with the scheduler down, what waits in the outbox is sent after a restart of the alert manager', async () => {
    await world({ scheduler: false });
    const first = await start();
    await voevent(swift);
    await voevent(
      swiftVariant({
        ivorn: 'ivo://test/followup#1',
        err: 0.02,
        triggerId: '999',
        cites: { kind: 'followup', ivorn: SWIFT_IVORN },
      }),
    );
    first.requestShutdown('restart');
    await first.stopped;
    agents = [];
    const again = await start();
    assert.equal(again.outbox.size(), 2, 'kept across the restart');
    // The record survived too: the notice sent again is a duplicate, not a second request.
    assert.equal((await voevent(swift)).outcome, 'duplicate');
    const scheduler = await startScheduler();
    await scheduler.waitFor('Alert updated');
    await delivered(again);
    assert.deepEqual(
      scheduler.received.map((r) => r.message),
      ['New alert', 'Alert updated'],
    );
  });

  it('refuses a malformed VOEvent in one line, and a payload without xml by field; nothing is recorded', async () => {
    const { scheduler } = await world();
    const a = await start();
    for (const xml of [
      '<html></html>',
      'not xml at all <',
      swift.replace(/<ISOTime>[^<]*<\/ISOTime>/, '<ISOTime>yesterday</ISOTime>'),
    ]) {
      await assert.rejects(voevent(xml), (err: Error) => {
        assert.ok(err instanceof RemoteError, err.name);
        assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
        return true;
      });
    }
    await assert.rejects(
      Sender.request('alert_manager', Msg.VOEVENT.name, { drill: true }),
      (err: Error) => err instanceof InvalidPayloadError && /\bxml\b/.test(err.message),
    );
    assert.deepEqual(await alerts(), []);
    assert.equal(a.outbox.size(), 0);
    assert.deepEqual(scheduler?.received, []);
    // It goes on: the next good notice is taken.
    assert.equal((await voevent(swift)).outcome, 'accepted');
  });

  it('"Alerts": the latest notices, newest first, without their XML; a query stays out of the message log', async () => {
    await world({ at: FERMI_TIME });
    await start();
    await voevent(swiftTest, { source: 'first' });
    await voevent(fermi, { source: 'second' });
    await voevent(swift, { source: 'third' });
    const latest = await alerts(2);
    assert.deepEqual(
      latest.map((r) => r.source),
      ['third', 'second'],
    );
    const [fermiAlert] = latest.slice(1);
    assert.equal(fermiAlert?.mission, 'Fermi');
    assert.equal(fermiAlert?.raDeg, null);
    assert.equal(fermiAlert?.eventTime, Date.parse('2026-05-04T19:06:48.890Z'));
    for (const r of latest) assert.ok(!('xml' in r));
    const { messages } = await Sender.request('alert_manager', Msg.MESSAGES, { limit: 100 });
    assert.deepEqual(
      messages.map((m) => m.message),
      ['VOEvent', 'VOEvent', 'VOEvent'],
    );
  });
});
