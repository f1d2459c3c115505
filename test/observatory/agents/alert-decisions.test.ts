// The alert manager's decisions a GRB astronomer checks, on real notices (and the variants a
// mission's next notice would be): the class, the error radius, one burst one request, retractions
// that come first, and drills that play a sequence as it would happen.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { SWIFT, SWIFT_IVORN, swiftVariant } from '../alerts/notice-samples.js';
import { NOTICES } from '../observatory-fixture.js';
import { type OpenIntake, openIntake } from './intake-fixture.js';

const read = (path: string) => readFileSync(join(NOTICES, path), 'utf8');
const GBM_GRB = read('fermi/fermi_gbm_flt_pos/fermi_gbm_flt_pos_8126.xml'); // index 4, ±13.27°
const GBM_FLARE = read('fermi/fermi_gbm_flt_pos/fermi_gbm_flt_pos_8130.xml'); // index 8, ±3.57°
const GBM_ALERT = read('fermi/fermi_gbm_alert/fermi_gbm_alert_3785.xml'); // same trigger as 8126, no position
const GND_1 = read('fermi/fermi_gbm_gnd_pos/fermi_gbm_gnd_pos_1698.xml'); // ±12.04°
const GND_2 = read('fermi/fermi_gbm_gnd_pos/fermi_gbm_gnd_pos_1699.xml'); // same trigger, ±7.82°
const WAKEUP = read('svom/eclairs/eclairs_321.xml'); // sb26051102, ±0.0438°
const SLEWING = read('svom/eclairs/eclairs_322.xml'); // sb26051102, ±0.0591°
const MXT = read('svom/mxt/mxt_40.xml'); // sb26022501, ±0.0643°
const LVK_PRELIM = read('lvc/lvc_preliminary/lvc_preliminary_73128.xml'); // MS260207a
const LVK_RETRACTION = read('lvc/lvc_retraction/lvc_retraction_16007.xml'); // MS260203s, cites -1 and -2
const EP = read('ep/alert/alert_248.json'); // 2026-04-10T11:27:58.599Z
const IGWN_PRELIM = read('igwn/MS181101ab-preliminary.json'); // a mock superevent: role test
const IGWN_RETRACTION = read('igwn/MS181101ab-retraction.json');

const GBM_TIME = Date.parse('2026-02-07T05:45:00Z');
const GBM_FLARE_TIME = Date.parse('2026-02-08T04:56:00Z');
const SVOM_TIME = Date.parse('2026-05-11T11:05:00Z');

/** The SVOM MXT notice as a notice of burst `burst` (at the ECLAIRs sample's time), under its own IVORN, with error `err` degrees. */
function mxtOf(burst: string, err: number): string {
  return MXT.replaceAll('sb26022501', burst)
    .replace(/<ISOTime>[^<]*<\/ISOTime>/, '<ISOTime>2026-05-11T11:00:32.249</ISOTime>')
    .replace(/<Error2Radius>[^<]*<\/Error2Radius>/, `<Error2Radius>${err}</Error2Radius>`);
}

describe("the alert manager's decisions", () => {
  let open: OpenIntake | undefined;
  afterEach(() => {
    open?.close();
    open = undefined;
  });
  const start = (ini: string, at: number) => {
    open = openIntake(ini, at);
    return open;
  };

  it('a Fermi GBM notice whose most likely class is not a GRB is recorded, not observed; per mission it may be', () => {
    const a = start('[alert_manager]\nmax_error_deg = 20\n', GBM_FLARE_TIME);
    const flare = a.ingest(GBM_FLARE);
    assert.equal(flare.outcome, 'other-class');
    assert.equal(flare.reason, 'most likely SOLAR_FLARE (97 %), not a class observed (observe_classes)');
    assert.equal(a.alerts.get(flare.ivorn)?.classification, 'SOLAR_FLARE');
    assert.deepEqual(a.told, []);
    a.close();
    const b = start(
      '[alert_manager]\nmax_error_deg = 20\nobserve_classes = GRB; Fermi: GRB SOLAR_FLARE\n',
      GBM_FLARE_TIME,
    );
    assert.equal(b.ingest(GBM_FLARE).outcome, 'accepted', 'Fermi told to observe solar flares');
  });

  it('a position less precise than the limit is recorded, not observed; a later one within it is', () => {
    const a = start('', GBM_TIME);
    const alert = a.ingest(GBM_ALERT);
    assert.equal(alert.outcome, 'no-position');
    const grb = a.ingest(GBM_GRB);
    assert.equal(grb.outcome, 'too-uncertain');
    // The default: 3 fields of 0.3°.
    assert.match(grb.reason, /^error ±13\.267° over max_error_deg 0\.900°/);
    assert.deepEqual(a.told, []);
    a.close();
    const b = start('[alert_manager]\nmax_error_deg = 10\n', Date.parse('2026-02-04T17:00:00Z'));
    assert.equal(b.ingest(GND_1).outcome, 'too-uncertain', '±12.04° over 10°');
    const better = b.ingest(GND_2);
    assert.equal(better.outcome, 'accepted', better.reason);
    assert.equal(better.requestId, 'alert-fermi-gbm-791916611');
    assert.equal(b.told.length, 1);
    assert.equal(
      b.alerts.get(better.ivorn)?.eventKey,
      b.alerts.get(b.alerts.latest()[1]?.ivorn ?? '')?.eventKey,
    );
  });

  it('one burst, one request: notices of one SVOM burst move it only to a smaller error', () => {
    const a = start('', SVOM_TIME);
    const wakeup = a.ingest(WAKEUP);
    assert.equal(wakeup.outcome, 'accepted', wakeup.reason);
    assert.equal(wakeup.requestId, 'alert-svom-sb26051102');
    const slewing = a.ingest(SLEWING);
    assert.equal(slewing.outcome, 'kept', '±0.0591° is not better than ±0.0438°');
    assert.equal(slewing.requestId, wakeup.requestId);
    const mxt = a.ingest(mxtOf('sb26051102', 0.0123));
    assert.equal(mxt.outcome, 'updated', mxt.reason);
    assert.equal(mxt.requestId, wakeup.requestId);
    assert.deepEqual(
      a.told.map((n) => n.kind),
      ['new', 'updated'],
    );
    const other = a.ingest(mxtOf('sb26051103', 0.05));
    assert.equal(other.outcome, 'accepted', 'another burst, another request');
    assert.equal(other.requestId, 'alert-svom-sb26051103');
  });

  it('one event across formats: an Einstein Probe JSON alert, then its update with a smaller error', () => {
    const a = start('', Date.parse('2026-04-10T11:40:00Z'));
    const first = a.ingest(EP, { topic: 'gcn.notices.einstein_probe.wxt.alert' });
    assert.equal(first.outcome, 'accepted', first.reason);
    assert.equal(first.requestId, 'alert-ep-01709259790');
    assert.equal(a.alerts.get(first.ivorn)?.format, 'gcn-json');
    const update = a.ingest(EP.replace('"ra_dec_error": 0.05126996', '"ra_dec_error": 0.01'));
    assert.equal(update.outcome, 'updated', update.reason);
    assert.equal(update.requestId, first.requestId);
    assert.equal(a.ingest(EP).outcome, 'duplicate', 'the same bytes again: one alert');
  });

  it('a retraction that comes first: the notices it names, or of its event, are recorded and not observed', () => {
    const a = start('[alert_manager]\nobserve_test = yes\n', Date.parse('2026-02-03T12:00:00Z'));
    const retraction = a.ingest(LVK_RETRACTION);
    assert.equal(retraction.outcome, 'retracted');
    assert.deepEqual(a.told, [], 'nothing yet to cancel');
    // Its first preliminary, named by the retraction, arriving after it.
    const named = LVK_PRELIM.replaceAll('MS260207a', 'MS260203s');
    const late = a.ingest(named);
    assert.equal(late.ivorn, 'ivo://gwnet/LVC#MS260203s-1-Preliminary');
    assert.equal(late.outcome, 'withdrawn');
    assert.match(late.reason, /^its event was retracted by ivo:\/\/gwnet\/LVC#MS260203s-3-Retraction/);
    // A notice the retraction does not name, but of the same superevent.
    const another = a.ingest(named.replace('MS260203s-1-Preliminary', 'MS260203s-4-Update'));
    assert.equal(another.outcome, 'withdrawn');
    // Another superevent is not concerned.
    assert.notEqual(a.ingest(LVK_PRELIM).outcome, 'withdrawn');
    // And a GRB: a retraction citing a Swift notice that has not come yet.
    const early = a.ingest(
      swiftVariant({
        ivorn: 'ivo://test/retraction#9',
        triggerId: '777',
        cites: { kind: 'retraction', ivorn: SWIFT_IVORN },
      }),
    );
    assert.equal(early.outcome, 'retracted');
    a.clock.time = Date.parse('2012-09-07T00:25:23Z');
    assert.equal(a.ingest(SWIFT).outcome, 'withdrawn');
    assert.deepEqual(a.told, []);
  });

  it('a retraction of an event with a request cancels it, by the event id alone', () => {
    const a = start('', Date.parse('2012-09-07T00:25:23Z'));
    const first = a.ingest(SWIFT);
    assert.equal(first.outcome, 'accepted');
    const retraction = a.ingest(
      swiftVariant({ ivorn: 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Retraction_532871-1', err: 0.05 }).replace(
        '<What>',
        '<What>\n<Param name="AlertType" value="Retraction" />',
      ),
    );
    assert.equal(retraction.outcome, 'retracted', retraction.reason);
    assert.deepEqual(a.told[1], {
      kind: 'retracted',
      payload: {
        ivorn: 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Retraction_532871-1',
        retracted: ['Swift:532871'],
        requestIds: ['alert-swift-532871'],
      },
    });
    const after = a.ingest(
      swiftVariant({ ivorn: 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-800', err: 0.01 }),
    );
    assert.equal(after.outcome, 'withdrawn', 'a notice after its retraction is not observed');
  });

  it('a drill keeps a sequence together: one request, updated, then cancelled by its retraction; played again, a new one', () => {
    const a = start('', Date.parse('2026-11-29T20:00:00Z'));
    const first = a.ingest(SWIFT, { drill: true });
    assert.equal(first.outcome, 'accepted', first.reason);
    const followup = a.ingest(
      swiftVariant({
        ivorn: 'ivo://test/followup#d',
        err: 0.01,
        triggerId: '532871',
        cites: { kind: 'followup', ivorn: SWIFT_IVORN },
      }),
      { drill: true },
    );
    assert.equal(followup.outcome, 'updated', followup.reason);
    assert.equal(followup.requestId, first.requestId);
    const retraction = a.ingest(
      swiftVariant({
        ivorn: 'ivo://test/retraction#d',
        triggerId: '532871',
        cites: { kind: 'retraction', ivorn: SWIFT_IVORN },
      }),
      { drill: true },
    );
    assert.equal(retraction.outcome, 'retracted', retraction.reason);
    assert.deepEqual(
      a.told.map((n) => [
        n.kind,
        n.kind === 'new'
          ? n.payload.request.id
          : n.kind === 'updated'
            ? n.payload.requestId
            : n.payload.requestIds,
      ]),
      [
        ['new', first.requestId],
        ['updated', first.requestId],
        ['retracted', [first.requestId]],
      ],
    );
    a.clock.time += 60_000;
    const again = a.ingest(SWIFT, { drill: true });
    assert.equal(again.outcome, 'accepted', 'after its retraction, a drill starts a new sequence');
    assert.notEqual(again.requestId, first.requestId);
    // A drill never touches the live event.
    const live = a.ingest(SWIFT);
    assert.equal(live.outcome, 'too-old');
  });

  it('an IGWN alert: its sky map recorded (90 % area), not observed by one pointing; its retraction withdraws the superevent', () => {
    const a = start('[alert_manager]\nobserve_test = yes\n', Date.parse('2018-11-01T22:40:00Z'));
    const prelim = a.ingest(IGWN_PRELIM, { topic: 'igwn.gwalert' });
    assert.equal(prelim.outcome, 'no-position');
    assert.match(prelim.reason, /^no usable position: a sky map of 31 deg² \(90 %\)$/);
    const recorded = a.alerts.get(prelim.ivorn);
    assert.equal(recorded?.format, 'igwn-json');
    assert.equal(recorded?.classification, 'BNS');
    assert.ok(Math.abs((recorded?.area90Deg2 ?? 0) - 30.98) < 0.01);
    assert.equal(recorded?.eventKey, 'LVK:MS181101ab');
    const retraction = a.ingest(IGWN_RETRACTION, { topic: 'igwn.gwalert' });
    assert.equal(retraction.outcome, 'retracted');
    const update = a.ingest(IGWN_PRELIM.replace('"PRELIMINARY"', '"UPDATE"'));
    assert.equal(update.outcome, 'withdrawn');
    assert.deepEqual(a.told, []);
  });
});
