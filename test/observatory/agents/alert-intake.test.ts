import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { AlertIntake } from '../../../src/observatory/agents/alert-intake.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { type TempObservatory, tempObservatory, VOEVENTS } from '../observatory-fixture.js';

const swift = readFileSync(join(VOEVENTS, 'swift_bat_grb_pos_61_GRB120907A_observation.xml'), 'utf8');
const swiftTest = readFileSync(join(VOEVENTS, 'swift_bat_grb_pos_test_82_role-test.xml'), 'utf8');
const fermi = readFileSync(join(VOEVENTS, 'fermi_gbm_alert_110_no-position.xml'), 'utf8');
const SWIFT_IVORN = 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729';
/** The Swift notice's event time plus a minute: what the observatory's clock reads in these tests. */
const SOON_AFTER = Date.parse('2012-09-07T00:25:23Z');

/** The Swift notice under another ivorn, citing the first one, at another position. */
function citing(kind: 'followup' | 'retraction', ivorn: string, ra = 74.75, dec = -9.32): string {
  return swift
    .replace(`ivorn="${SWIFT_IVORN}"`, `ivorn="${ivorn}"`)
    .replace(/<C1>[^<]*<\/C1>/, `<C1>${ra}</C1>`)
    .replace(/<C2>[^<]*<\/C2>/, `<C2>${dec}</C2>`)
    .replace('<Why', `<Citations><EventIVORN cite="${kind}">${SWIFT_IVORN}</EventIVORN></Citations>\n<Why`);
}

describe('AlertIntake', () => {
  let obs: TempObservatory | undefined;
  afterEach(() => obs?.dispose());
  const open = (ini = '', at = SOON_AFTER) => {
    obs = tempObservatory(ini, new SimClock(at, 1));
    return { intake: new AlertIntake(obs.ctx), ctx: obs.ctx };
  };

  it('turns a fresh Swift BAT position into an urgent request, recorded with the notice', () => {
    const { intake, ctx } = open();
    const result = intake.ingest({ xml: swift, source: 'cli' });
    assert.equal(result.outcome, 'accepted', result.reason);
    assert.equal(result.replan, true);
    const request = ctx.requests.get(result.requestId ?? '');
    assert.equal(request?.kind, 'alert');
    assert.equal(request?.priority, 100);
    assert.equal(request?.targetName, 'GRB 120907');
    assert.ok(Math.abs((request?.target.raDeg ?? 0) - 74.7412) < 1e-6);
    assert.ok(Math.abs((request?.target.decDeg ?? 0) + 9.3137) < 1e-6);
    const alert = ctx.alerts.get(SWIFT_IVORN);
    assert.equal(alert?.outcome, 'accepted');
    assert.equal(alert?.xml, swift);
    assert.equal(alert?.packetType, 61);
  });

  it('records the same ivorn once', () => {
    const { intake, ctx } = open();
    intake.ingest({ xml: swift, source: 'cli' });
    const again = intake.ingest({ xml: swift, source: 'vtp' });
    assert.equal(again.outcome, 'duplicate');
    assert.equal(again.replan, false);
    assert.equal(ctx.requests.all().length, 1);
  });

  it('records a test notice without observing it, unless the settings say so', () => {
    const { intake, ctx } = open('', Date.parse('2026-04-12T20:21:00Z'));
    const result = intake.ingest({ xml: swiftTest, source: 'cli' });
    assert.equal(result.outcome, 'test');
    assert.equal(ctx.requests.all().length, 0);
    obs?.dispose();
    const observed = open('[alert_manager]\nobserve_test = yes\n', Date.parse('2026-04-12T20:21:00Z'));
    assert.equal(observed.intake.ingest({ xml: swiftTest, source: 'cli' }).outcome, 'accepted');
  });

  it('records a Fermi GBM alert without a position and does not observe it', () => {
    const { intake, ctx } = open('', Date.parse('2026-05-04T19:07:30Z'));
    const result = intake.ingest({ xml: fermi, source: 'cli' });
    assert.equal(result.outcome, 'no-position');
    assert.match(result.reason, /no usable position/);
    assert.equal(ctx.requests.all().length, 0);
  });

  it('does not observe an old notice, except as a drill, which is a new alert each time', () => {
    const { intake, ctx } = open('', Date.parse('2026-11-29T20:00:00Z'));
    const old = intake.ingest({ xml: swift, source: 'cli' });
    assert.equal(old.outcome, 'too-old');
    assert.match(old.reason, /over max_age_s = 86400/);
    const drill = intake.ingest({ xml: swift, source: 'cli', drill: true });
    assert.equal(drill.outcome, 'accepted');
    assert.notEqual(drill.ivorn, SWIFT_IVORN);
    const request = ctx.requests.get(drill.requestId ?? '');
    assert.ok(request !== undefined && Math.abs(request.createdAt - ctx.clock.now()) < 5000, 'issued now');
  });

  it('moves the target on a follow-up, and cancels the request on a retraction', () => {
    const { intake, ctx } = open();
    const first = intake.ingest({ xml: swift, source: 'cli' });
    const update = intake.ingest({
      xml: citing('followup', 'ivo://test/followup#1', 75.5, -10.25),
      source: 'cli',
    });
    assert.equal(update.outcome, 'updated');
    assert.equal(update.requestId, first.requestId);
    assert.deepEqual(ctx.requests.get(first.requestId ?? '')?.target, { raDeg: 75.5, decDeg: -10.25 });
    const retraction = intake.ingest({ xml: citing('retraction', 'ivo://test/retraction#1'), source: 'cli' });
    assert.equal(retraction.outcome, 'retracted');
    assert.deepEqual(retraction.cancelled, [first.requestId]);
    assert.equal(ctx.requests.get(first.requestId ?? '')?.state, 'cancelled');
  });

  it('refuses what is not a VOEvent, recording nothing', () => {
    const { intake, ctx } = open();
    assert.throws(() => intake.ingest({ xml: '<html></html>', source: 'cli' }), /VOEvent/);
    assert.throws(() => intake.ingest({ xml: 'not xml at all <', source: 'cli' }));
    assert.equal(ctx.alerts.latest().length, 0);
  });
});
