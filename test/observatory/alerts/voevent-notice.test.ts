// VOEvents of every family in ../shared/data/notices as Notices: mission, instrument, the event's
// ids, class, retraction, and what a notice without a position says instead.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { eventKeyOf } from '../../../src/observatory/alerts/notice.js';
import { voEventNotice } from '../../../src/observatory/alerts/voevent-notice.js';
import { NOTICES } from '../observatory-fixture.js';

const read = (path: string) => readFileSync(join(NOTICES, path), 'utf8');

function xmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return xmlFiles(path);
    return name.endsWith('.xml') ? [path] : [];
  });
}

describe('VOEvents as notices', () => {
  it('every VOEvent sample is a notice with its mission, an instrument, an event id and its text', () => {
    const files = xmlFiles(NOTICES);
    assert.ok(files.length >= 27, `${files.length} samples`);
    for (const file of files) {
      const xml = readFileSync(file, 'utf8');
      const n = voEventNotice(xml);
      assert.equal(n.format, 'voevent', file);
      assert.equal(n.raw, xml, file);
      assert.ok(n.mission !== undefined, `${file}: mission`);
      assert.ok(n.eventIds.length > 0, `${file}: event id`);
      assert.ok(eventKeyOf(n)?.startsWith(`${n.mission}`), `${file}: ${eventKeyOf(n)}`);
      if (n.mission !== 'LVK') assert.ok(n.instrument !== undefined, `${file}: instrument`);
      assert.ok(n.position !== undefined || n.positionNote !== undefined, `${file}: position or why not`);
    }
  });

  it('Fermi GBM: the most likely class and its probability; GBM and LAT triggers are apart', () => {
    const grb = voEventNotice(read('fermi/fermi_gbm_flt_pos/fermi_gbm_flt_pos_8126.xml'));
    assert.equal(grb.classification?.class, 'GRB');
    assert.equal(grb.instrument, 'GBM');
    assert.equal(grb.noticeType, 'FERMI_GBM_FLT_POS');
    assert.deepEqual(grb.eventIds, ['792135758']);
    assert.equal(eventKeyOf(grb), 'Fermi/GBM:792135758');
    assert.equal(grb.position?.errorDeg, 13.2667);
    const flare = voEventNotice(read('fermi/fermi_gbm_flt_pos/fermi_gbm_flt_pos_8130.xml'));
    assert.deepEqual(flare.classification, {
      class: 'SOLAR_FLARE',
      probability: 0.97,
      raw: 'Most_Likely_Index 8 (97 %)',
    });
    const alert = voEventNotice(read('fermi/fermi_gbm_alert/fermi_gbm_alert_3785.xml'));
    assert.equal(eventKeyOf(alert), 'Fermi/GBM:792135758', 'the first notice of the same trigger');
    assert.equal(alert.position, undefined);
    assert.match(alert.positionNote ?? '', /no position/);
    const lat = voEventNotice(read('fermi/fermi_lat_pos_ini/fermi_lat_pos_ini_0.xml'));
    assert.equal(lat.instrument, 'LAT');
    assert.equal(eventKeyOf(lat), 'Fermi/LAT:793795104');
  });

  it('SVOM: the burst id names the event across ECLAIRs, GRM and MXT; the instrument from its param or IVORN', () => {
    const wakeup = voEventNotice(read('svom/eclairs/eclairs_321.xml'));
    const slewing = voEventNotice(read('svom/eclairs/eclairs_322.xml'));
    assert.equal(wakeup.instrument, 'ECLAIRs');
    assert.equal(eventKeyOf(wakeup), 'SVOM:sb26051102');
    assert.equal(eventKeyOf(slewing), 'SVOM:sb26051102');
    const mxt = voEventNotice(read('svom/mxt/mxt_40.xml'));
    assert.equal(mxt.instrument, 'MXT');
    assert.equal(eventKeyOf(mxt), 'SVOM:sb26022501');
    assert.deepEqual(
      mxt.citations.map((c) => c.kind),
      ['followup', 'followup', 'followup'],
    );
    const grm = voEventNotice(read('svom/grm/grm_284.xml'));
    assert.equal(grm.instrument, 'GRM');
    assert.equal(grm.position, undefined, 'GRM gives no error circle');
  });

  it('LVK: the superevent id, its source classes, a sky map only, and retractions', () => {
    const prelim = voEventNotice(read('lvc/lvc_preliminary/lvc_preliminary_73128.xml'));
    assert.equal(prelim.role, 'test');
    assert.deepEqual(prelim.eventIds, ['MS260207a']);
    assert.equal(eventKeyOf(prelim), 'LVK:MS260207a');
    assert.equal(prelim.classification?.class, 'BNS');
    assert.ok((prelim.classification?.probability ?? 0) > 0.99);
    assert.equal(prelim.name, 'MS260207a');
    assert.equal(prelim.retraction, false);
    assert.match(
      prelim.positionNote ?? '',
      /^a sky map only \(https:\/\/gracedb\.ligo\.org\/.*\), not fetched$/,
    );
    const retraction = voEventNotice(read('lvc/lvc_retraction/lvc_retraction_16007.xml'));
    assert.equal(retraction.retraction, true);
    assert.equal(eventKeyOf(retraction), 'LVK:MS260203s');
    assert.deepEqual(
      retraction.citations.map((c) => [c.kind, c.id]),
      [
        ['retraction', 'ivo://gwnet/LVC#MS260203s-2-Preliminary'],
        ['retraction', 'ivo://gwnet/LVC#MS260203s-1-Preliminary'],
      ],
    );
  });

  it('Swift BAT: the trigger, a known source or "not a GRB" flag as the class', () => {
    const test = read('swift/swift_bat_grb_pos_test/swift_bat_grb_pos_test_9264.xml');
    const n = voEventNotice(test);
    assert.equal(n.instrument, 'BAT');
    assert.equal(eventKeyOf(n), 'Swift:99999');
    assert.equal(n.classification, undefined, 'no flag set: no class');
    const notGrb = voEventNotice(test.replace(/(name="Def_NOT_a_GRB"\s+value=")false"/, '$1true"'));
    assert.equal(notGrb.classification?.class, 'NOT_GRB');
    const known = voEventNotice(test.replace(/(name="Target_in_Gnd_Catalog"\s+value=")false"/, '$1true"'));
    assert.equal(known.classification?.class, 'KNOWN_SOURCE');
  });
});
