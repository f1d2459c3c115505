// The alert manager's decisions, apart from the network: the real VOEvent samples (and variants of
// the Swift one: its follow-ups and retractions), what is recorded in its store, and what the
// scheduler is to be told, committed together.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { NoticeError } from '../../../src/observatory/alerts/notice.js';
import { swiftVariant } from '../alerts/notice-samples.js';
import { VOEVENTS } from '../observatory-fixture.js';
import { type OpenIntake, openIntake } from './intake-fixture.js';

const swift = readFileSync(join(VOEVENTS, 'swift_bat_grb_pos_61_GRB120907A_observation.xml'), 'utf8');
const swiftTest = readFileSync(join(VOEVENTS, 'swift_bat_grb_pos_test_82_role-test.xml'), 'utf8');
const fermi = readFileSync(join(VOEVENTS, 'fermi_gbm_alert_110_no-position.xml'), 'utf8');
const SWIFT_IVORN = 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729';
const SWIFT_REQUEST = 'alert-swift-532871';
/** The Swift notice's event time plus a minute. */
const SOON_AFTER = Date.parse('2012-09-07T00:25:23Z');

describe('AlertIntake', () => {
  let opened: OpenIntake | undefined;
  afterEach(() => {
    opened?.close();
    opened = undefined;
  });

  /** An intake on its own store, at `at`, with `ini` appended to the settings; `told` collects the scheduler's news. */
  function open(ini = '', at = SOON_AFTER) {
    opened?.close();
    opened = openIntake(ini, at);
    return opened;
  }

  it('a fresh Swift BAT position: an urgent request for the scheduler, recorded with the notice', () => {
    const { ingest, alerts, told } = open();
    const result = ingest(swift, { source: 'vtp-receiver 127.0.0.1:5000' });
    assert.equal(result.outcome, 'accepted', result.reason);
    assert.equal(result.ivorn, SWIFT_IVORN);
    assert.equal(result.requestId, SWIFT_REQUEST);
    assert.equal(told.length, 1);
    const news = told[0];
    assert.equal(news?.kind, 'new');
    if (news?.kind !== 'new') return;
    assert.equal(news.payload.ivorn, SWIFT_IVORN);
    assert.deepEqual(news.payload.request, {
      id: SWIFT_REQUEST,
      kind: 'alert',
      targetName: 'GRB 120907',
      target: { raDeg: 74.7412, decDeg: -9.3137 },
      priority: 100,
      exposures: [{ filter: 'R', exposureS: 60, count: 5 }],
      window: { start: SOON_AFTER, end: SOON_AFTER + 12 * 3_600_000 },
      createdAt: Date.parse('2012-09-07T00:24:23.080Z'),
      alertIvorn: SWIFT_IVORN,
      state: 'pending',
    });
    const alert = alerts.get(SWIFT_IVORN);
    assert.equal(alert?.outcome, 'accepted');
    assert.equal(alert?.requestId, SWIFT_REQUEST);
    assert.equal(alert?.raw, swift);
    assert.equal(alert?.format, 'voevent');
    assert.equal(alert?.eventKey, 'Swift:532871');
    assert.equal(alert?.instrument, 'BAT');
    assert.equal(alert?.packetType, 61);
    assert.equal(alert?.mission, 'Swift');
    assert.equal(alert?.triggerId, '532871');
    assert.equal(alert?.source, 'vtp-receiver 127.0.0.1:5000');
    assert.equal(alert?.receivedAt, SOON_AFTER);
    assert.equal(alert?.drill, false);
  });

  it('the settings make the request: priority, exposures, window', () => {
    const { ingest, told } = open(
      '[alert_manager]\npriority = 250\nexposures = V:30x2, R:45x1\nwindow_h = 2\n',
    );
    ingest(swift);
    const news = told[0];
    assert.equal(news?.kind, 'new');
    if (news?.kind !== 'new') return;
    assert.equal(news.payload.request.priority, 250);
    assert.deepEqual(news.payload.request.exposures, [
      { filter: 'V', exposureS: 30, count: 2 },
      { filter: 'R', exposureS: 45, count: 1 },
    ]);
    assert.deepEqual(news.payload.request.window, { start: SOON_AFTER, end: SOON_AFTER + 2 * 3_600_000 });
  });

  it('records the same ivorn once: the repeat is a duplicate, recorded nowhere, told no one', () => {
    const { ingest, alerts, told, clock } = open();
    ingest(swift);
    clock.time += 5000;
    const again = ingest(swift, { source: 'vtp-subscriber 127.0.0.1:8099' });
    assert.equal(again.outcome, 'duplicate');
    assert.equal(again.ivorn, SWIFT_IVORN);
    assert.equal(again.requestId, undefined);
    assert.equal(told.length, 1);
    assert.equal(alerts.latest().length, 1);
    assert.equal(alerts.get(SWIFT_IVORN)?.source, 'cli', 'the first record stays');
  });

  it('records a test notice without observing it, unless observe_test says so', () => {
    const at = Date.parse('2026-04-12T20:21:00Z');
    const first = open('', at);
    const result = first.ingest(swiftTest);
    assert.equal(result.outcome, 'test');
    assert.equal(result.requestId, undefined);
    assert.deepEqual(first.told, []);
    assert.equal(first.alerts.get(result.ivorn)?.outcome, 'test');
    const observed = open('[alert_manager]\nobserve_test = yes\n', at);
    const accepted = observed.ingest(swiftTest);
    assert.equal(accepted.outcome, 'accepted', accepted.reason);
    assert.equal(observed.told[0]?.kind, 'new');
  });

  it('records a Fermi GBM alert without a position, and does not observe it', () => {
    const { ingest, alerts, told } = open('', Date.parse('2026-05-04T19:07:30Z'));
    const result = ingest(fermi);
    assert.equal(result.outcome, 'no-position');
    assert.deepEqual(told, []);
    const alert = alerts.get(result.ivorn);
    assert.equal(alert?.outcome, 'no-position');
    assert.equal(alert?.mission, 'Fermi');
    assert.equal(alert?.raDeg, undefined);
  });

  it('does not observe an old notice; a drill is issued now, and one sequence until its window ends', () => {
    const { ingest, alerts, told, clock } = open('', Date.parse('2026-11-29T20:00:00Z'));
    const old = ingest(swift);
    assert.equal(old.outcome, 'too-old');
    assert.equal(told.length, 0);
    assert.equal(alerts.get(SWIFT_IVORN)?.outcome, 'too-old');
    const drill = ingest(swift, { drill: true });
    assert.equal(drill.outcome, 'accepted', drill.reason);
    assert.notEqual(drill.ivorn, SWIFT_IVORN);
    clock.time += 60_000;
    const again = ingest(swift, { drill: true });
    assert.equal(again.outcome, 'kept', 'the same sample again is a notice of the same drilled event');
    assert.notEqual(again.ivorn, drill.ivorn);
    assert.equal(again.requestId, drill.requestId);
    clock.time += 12 * 3_600_000;
    const later = ingest(swift, { drill: true });
    assert.equal(later.outcome, 'accepted', 'once the window is over, a new drill');
    assert.notEqual(later.requestId, drill.requestId);
    assert.equal(told.length, 2);
    const news = told[0];
    if (news?.kind !== 'new') return assert.fail('a new request');
    assert.equal(news.payload.request.createdAt, Date.parse('2026-11-29T20:00:00Z'), 'issued now');
    assert.equal(alerts.get(drill.ivorn)?.drill, true);
    assert.equal(alerts.get(drill.ivorn)?.eventTime, Date.parse('2026-11-29T20:00:00Z'));
  });

  it('a follow-up citing the notice moves its request to the new position', () => {
    const { ingest, alerts, told } = open();
    ingest(swift);
    const update = ingest(
      swiftVariant({
        ivorn: 'ivo://test/followup#1',
        ra: 75.5,
        dec: -10.25,
        err: 0.02,
        triggerId: '999',
        cites: { kind: 'followup', ivorn: SWIFT_IVORN },
      }),
    );
    assert.equal(update.outcome, 'updated', update.reason);
    assert.equal(update.requestId, SWIFT_REQUEST);
    assert.deepEqual(told[1], {
      kind: 'updated',
      payload: {
        ivorn: 'ivo://test/followup#1',
        requestId: SWIFT_REQUEST,
        target: { raDeg: 75.5, decDeg: -10.25 },
      },
    });
    assert.equal(alerts.get('ivo://test/followup#1')?.requestId, SWIFT_REQUEST);
    // A notice superseding the follow-up refines the same request.
    const superseding = ingest(
      swiftVariant({
        ivorn: 'ivo://test/supersedes#1',
        ra: 75.6,
        err: 0.01,
        triggerId: '998',
        cites: { kind: 'supersedes', ivorn: 'ivo://test/followup#1' },
      }),
    );
    assert.equal(superseding.outcome, 'updated');
    assert.equal(superseding.requestId, SWIFT_REQUEST);
  });

  it('a notice of the same mission and trigger is a follow-up (moving the target only when better); another trigger is a new alert', () => {
    const { ingest, told } = open();
    ingest(swift);
    const worse = ingest(
      swiftVariant({ ivorn: 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-731', ra: 70, err: 0.2 }),
    );
    assert.equal(worse.outcome, 'kept', worse.reason);
    assert.equal(worse.requestId, SWIFT_REQUEST);
    assert.equal(told.length, 1, 'a position no better is not sent');
    const same = ingest(
      swiftVariant({ ivorn: 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-730', ra: 74.8, err: 0.03 }),
    );
    assert.equal(same.outcome, 'updated', same.reason);
    assert.equal(same.requestId, SWIFT_REQUEST);
    assert.equal(told[1]?.kind, 'updated');
    const other = ingest(
      swiftVariant({ ivorn: 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_600000-1', triggerId: '600000' }),
    );
    assert.equal(other.outcome, 'accepted');
    assert.equal(other.requestId, 'alert-swift-600000');
    assert.equal(told[2]?.kind, 'new');
  });

  it('a retraction names the requests made from the retracted notices; one of nothing we know tells no one', () => {
    const { ingest, alerts, told } = open();
    ingest(swift);
    ingest(
      swiftVariant({
        ivorn: 'ivo://test/followup#1',
        err: 0.02,
        triggerId: '999',
        cites: { kind: 'followup', ivorn: SWIFT_IVORN },
      }),
    );
    const retraction = ingest(
      swiftVariant({
        ivorn: 'ivo://test/retraction#1',
        triggerId: '999',
        cites: { kind: 'retraction', ivorn: 'ivo://test/followup#1' },
      }),
    );
    assert.equal(retraction.outcome, 'retracted', retraction.reason);
    assert.deepEqual(told[2], {
      kind: 'retracted',
      payload: {
        ivorn: 'ivo://test/retraction#1',
        retracted: ['ivo://test/followup#1'],
        requestIds: [SWIFT_REQUEST],
      },
    });
    assert.equal(alerts.get('ivo://test/retraction#1')?.outcome, 'retracted');
    const unknown = ingest(
      swiftVariant({
        ivorn: 'ivo://test/retraction#2',
        triggerId: '997',
        cites: { kind: 'retraction', ivorn: 'ivo://elsewhere#1' },
      }),
    );
    assert.equal(unknown.outcome, 'retracted');
    assert.equal(told.length, 3, 'nothing to cancel: the scheduler is not told');
  });

  it('a notice of role "utility" is recorded and ignored', () => {
    const { ingest, told } = open();
    const result = ingest(swift.replace('role="observation"', 'role="utility"'));
    assert.equal(result.outcome, 'ignored');
    assert.deepEqual(told, []);
  });

  it('refuses what is not a notice in one line, recording nothing', () => {
    const { intake, alerts, told } = open();
    for (const text of ['<html></html>', 'not xml at all <', swift.replace(` ivorn="${SWIFT_IVORN}"`, '')]) {
      assert.throws(
        () => intake.ingest({ text, source: 'cli' }, (n) => told.push(n)),
        (err: Error) => err instanceof NoticeError && !err.message.includes('\n'),
      );
    }
    assert.deepEqual(alerts.latest(), []);
    assert.deepEqual(told, []);
  });

  it('the record and the news commit together: a news that cannot be kept leaves no record', () => {
    const { intake, alerts, ingest } = open();
    assert.throws(
      () =>
        intake.ingest({ text: swift, source: 'cli' }, () => {
          throw new Error('outbox: disk full');
        }),
      /disk full/,
    );
    assert.equal(alerts.get(SWIFT_IVORN), undefined);
    assert.equal(ingest(swift).outcome, 'accepted', 'the notice sent again is not a duplicate');
  });
});
