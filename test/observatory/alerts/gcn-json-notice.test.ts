// GCN unified-schema JSON notices: every example the @nasa-gcn/schema package ships (expected
// values read off the example files, an independent description), the two real Einstein Probe
// alerts in test/fixtures/notices/ep/alert (copies of ../shared/data/notices), and variants built from them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseGcnJsonNotice } from '../../../src/observatory/alerts/gcn-json-notice.js';
import { type Notice, NoticeError } from '../../../src/observatory/alerts/notice.js';
import { NOTICES as FIXTURE_NOTICES } from '../observatory-fixture.js';

const SCHEMA = fileURLToPath(new URL('../../../node_modules/@nasa-gcn/schema/gcn/', import.meta.url));
const NOTICES = join(SCHEMA, 'notices');
/** Real notices, copied with their SOURCES.txt and LICENSE into test/fixtures/notices. */
const SHARED = pathToFileURL(`${FIXTURE_NOTICES}/`);

function examplesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return examplesUnder(path);
    return e.name.endsWith('.example.json') ? [path] : [];
  });
}

/** Examples that are not notices, with why; each is checked to be refused for that reason. */
const NOT_NOTICES: Readonly<Record<string, { why: string; refusal: RegExp }>> = Object.fromEntries(
  ['Localization', 'Pointing', 'Reporter', 'Spectral', 'Statistics'].map((piece) => [
    `core/${piece}.example.json`,
    {
      why: 'a shared core piece of the schema, not a notice',
      refusal: /shared piece of the schema \(core\)/,
    },
  ]),
);

/** The families of notices the package has examples of (folders under gcn/notices). */
const FAMILIES = [
  'boom',
  'burstcube',
  'chime',
  'dsa110',
  'einstein_probe',
  'fermi',
  'glowbug',
  'heasarc',
].concat(['icecube', 'km3net', 'maxi', 'superk', 'svom', 'swift']);

const read = (path: string) => readFileSync(path, 'utf8');
const example = (name: string) => read(join(NOTICES, name));
const parse = (text: string, topic?: string) => parseGcnJsonNotice(text, JSON.parse(text), topic);
const parseExample = (name: string) => parse(example(name));

/** An example with fields changed (`undefined` removes one), as text. */
function variant(name: string, changes: Readonly<Record<string, unknown>>): string {
  const value: Record<string, unknown> = JSON.parse(example(name));
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete value[k];
    else value[k] = v;
  }
  return JSON.stringify(value);
}

function rejects(text: string, pattern: RegExp, topic?: string) {
  assert.throws(
    () => parse(text, topic),
    (err: unknown) => {
      assert.ok(err instanceof NoticeError, `a NoticeError, got ${String(err)}`);
      assert.match(err.message, /^gcn json notice: /);
      assert.match(err.message, pattern);
      assert.doesNotMatch(err.message, /\n/, 'one line');
      return true;
    },
  );
}

/** The fields a decision reads, for one deepEqual per notice. */
function summary(n: Notice) {
  return {
    mission: n.mission,
    instrument: n.instrument,
    noticeType: n.noticeType,
    role: n.role,
    eventIds: n.eventIds,
    name: n.name,
    issuedAt: n.issuedAt,
    eventTime: n.eventTime,
    position: n.position,
    classification: n.classification && { class: n.classification.class, p: n.classification.probability },
    retraction: n.retraction,
  };
}

describe('every example of @nasa-gcn/schema', () => {
  const files = examplesUnder(NOTICES).sort();
  test('there are examples of every family', () => {
    const families = new Set(files.map((f) => relative(NOTICES, f).split('/')[0]));
    for (const family of FAMILIES) assert.ok(families.has(family), family);
    assert.ok(files.length >= 45, `${files.length} examples`);
  });
  for (const file of files) {
    const name = relative(NOTICES, file);
    const skip = NOT_NOTICES[name];
    test(skip === undefined ? name : `${name}: refused, ${skip.why}`, () => {
      const text = read(file);
      if (skip !== undefined) return rejects(text, skip.refusal);
      const n = parse(text);
      assert.equal(n.format, 'gcn-json');
      assert.equal(n.raw, text);
      assert.ok(n.mission, 'a mission');
      assert.match(n.noticeType ?? '', /^[A-Z0-9_]+$/);
      assert.match(n.id, /^gcn-json:[^/#]+\/[^/#]+\/[^/#]+\/[^/#]+(\/\d+)?#[0-9a-f]{12}$/);
      assert.ok(n.position !== undefined || (n.positionNote ?? '') !== '', 'a position, or why not');
      assert.deepEqual(n.citations.length > 0, name.startsWith('icecube/lvk_nu_track_search'));
    });
  }

  test('a GCN Circular (its example, beside the notices) is refused: not a notice', () => {
    rejects(read(join(SCHEMA, 'circulars.example.json')), /\$schema: .* is a GCN Circular's, not a notice's/);
  });
});

const at = (iso: string) => Date.parse(iso);

describe('the families, field by field', () => {
  test('Einstein Probe WXT: no mission field, no alert_type: mission and kind from $schema', () => {
    const n = parseExample('einstein_probe/wxt/alert.example.json');
    assert.deepEqual(summary(n), {
      mission: 'EP',
      instrument: 'WXT',
      noticeType: 'EP_WXT_ALERT',
      role: 'observation',
      eventIds: ['01708973486'],
      name: undefined,
      issuedAt: undefined,
      eventTime: at('2024-03-01T21:46:05.130Z'),
      position: { raDeg: 120, decDeg: 40, errorDeg: 0.02 },
      classification: undefined,
      retraction: false,
    });
    assert.deepEqual(n.citations, []);
    assert.match(n.id, /^gcn-json:EP\/WXT\/01708973486\/EP_WXT_ALERT#[0-9a-f]{12}$/);
  });

  test('Fermi GBM flight position: two ids, GRB 0.85, 68 % containment, times without a zone are UTC', () => {
    const n = parseExample('fermi/gbm/trigger.flight3.example.json');
    assert.deepEqual(summary(n), {
      mission: 'Fermi',
      instrument: 'GBM',
      noticeType: 'FERMI_GBM_UPDATE',
      role: 'observation',
      eventIds: ['745121685', 'bn240812094'],
      name: undefined,
      issuedAt: at('2024-08-24T02:15:13Z'),
      eventTime: at('2024-08-24T02:14:40.430Z'),
      position: { raDeg: 235.883, decDeg: 68.683, errorDeg: 7.15, containment: 0.68 },
      classification: { class: 'GRB', p: 0.85 },
      retraction: false,
    });
    assert.equal(n.classification?.raw, '{"GRB":0.85,"GENERIC_SGR":0.14}');
    assert.match(n.id, /^gcn-json:Fermi\/GBM\/745121685\/update\/4#/);
  });

  test('Fermi GBM: BELOW_HORIZON and UNRELIABLE_LOCATION classes; the first alert has no position', () => {
    assert.deepEqual(parseExample('fermi/gbm/trigger.flight1.example.json').classification, {
      class: 'BELOW_HORIZON',
      probability: 1,
      raw: '{"BELOW_HORIZON":1}',
    });
    assert.equal(
      parseExample('fermi/gbm/trigger.flight2.example.json').classification?.class,
      'UNRELIABLE_LOCATION',
    );
    const alert = parseExample('fermi/gbm/trigger.alert.example.json');
    assert.equal(alert.noticeType, 'FERMI_GBM_INITIAL');
    assert.equal(alert.position, undefined);
    assert.match(alert.positionNote ?? '', /no ra\/dec/);
    const final = parseExample('fermi/gbm/trigger.final.example.json');
    assert.deepEqual(final.position, { raDeg: 29.24, decDeg: -63.62, errorDeg: 1, containment: 0.68 });
  });

  test('Fermi LAT flare: a name, a position without an error (none used), no trigger time', () => {
    const n = parseExample('fermi/lat/flare.example.json');
    assert.equal(n.instrument, 'LAT');
    assert.equal(n.noticeType, 'FERMI_LAT_FLARE');
    assert.equal(n.name, 'OQ 334');
    assert.equal(n.position, undefined);
    assert.match(n.positionNote ?? '', /no ra_dec_error: error unknown/);
    assert.equal(n.eventTime, undefined);
    assert.equal(n.issuedAt, at('2025-11-21T00:00:00Z'));
  });

  test('SVOM ECLAIRs and GRM: mission from $schema, alert_tense test → role test', () => {
    const slew = parseExample('svom/eclairs/trigger.slewing.example.json');
    assert.deepEqual(summary(slew), {
      mission: 'SVOM',
      instrument: 'ECLAIRs',
      noticeType: 'SVOM_ECLAIRS_UPDATE',
      role: 'test',
      eventIds: ['sb24022203'],
      name: undefined,
      issuedAt: at('2024-02-22T08:51:55Z'),
      eventTime: at('2024-02-22T08:51:31.320Z'),
      position: { raDeg: 143.2478, decDeg: -68.0289, errorDeg: 0.1 },
      classification: undefined,
      retraction: false,
    });
    assert.equal(parseExample('svom/eclairs/trigger.catalog.example.json').name, 'M1');
    const grm = parseExample('svom/grm/trigger.example.json');
    assert.equal(grm.instrument, 'GRM');
    assert.equal(grm.noticeType, 'SVOM_GRM_INITIAL');
  });

  test('Swift BAT-GUANO: a map-only update, an arcminute position, a retraction', () => {
    const map = parseExample('swift/bat/guano.loc_map.example.json');
    assert.equal(map.mission, 'Swift');
    assert.equal(map.instrument, 'BAT-GUANO');
    assert.equal(map.noticeType, 'SWIFT_BAT_GUANO_UPDATE');
    assert.equal(map.position, undefined);
    assert.match(map.positionNote ?? '', /a sky map only \(healpix_file/);
    const loc = parseExample('swift/bat/guano.loc_arc_min.example.json');
    assert.deepEqual(loc.position, { raDeg: 336.26, decDeg: 25.139, errorDeg: 0.5, containment: 0.9 });
    assert.deepEqual(loc.classification?.class, 'GRB');
    const retraction = parseExample('swift/bat/Guano.Retraction.example.json');
    assert.equal(retraction.retraction, true);
    assert.equal(retraction.role, 'observation');
    assert.deepEqual(retraction.eventIds, ['694215995']);
    assert.match(retraction.id, /^gcn-json:Swift\/BAT-GUANO\/694215995\/retraction\/4#/);
    assert.equal(parseExample('swift/bat/Guano.example.json').retraction, false);
  });

  test('MAXI GSC: circle, ellipse, rectangle, no error, retraction; id a string', () => {
    const circle = parseExample('maxi/gsc.unknown.circle.example.json');
    assert.deepEqual(summary(circle), {
      mission: 'MAXI',
      instrument: 'GSC',
      noticeType: 'MAXI_GSC_UPDATE',
      role: 'observation',
      eventIds: ['9995289617'],
      name: 'GRB 230220A',
      issuedAt: at('2023-02-20T09:53:39Z'),
      eventTime: at('2023-02-20T08:56:01Z'),
      position: { raDeg: 346.56, decDeg: 18.61, errorDeg: 1.5, containment: 0.9 },
      classification: undefined,
      retraction: false,
    });
    // Ellipse [0.22, 0.19, 153]: the circle about its centre that holds it has the semi-major axis.
    assert.deepEqual(parseExample('maxi/gsc.unknown.ellipse.example.json').position, {
      raDeg: 346.56,
      decDeg: 18.61,
      errorDeg: 0.22,
      containment: 0.9,
    });
    // Rectangle: the farthest corner, (345.72, 19.547), is 1.24° from the position.
    const box = parseExample('maxi/gsc.unknown.rectangle.example.json').position;
    assert.ok(box);
    assert.equal(box.raDeg, 346.56);
    assert.ok(Math.abs(box.errorDeg - 1.2397) < 1e-3, `${box.errorDeg}`);
    const noError = parseExample('maxi/gsc.unknown.noerror.example.json');
    assert.equal(noError.position, undefined);
    assert.match(noError.positionNote ?? '', /no ra_dec_error: error unknown, no position/);
    for (const name of [
      'maxi/gsc.unknown.retraction.example.json',
      'maxi/gsc.known.retraction.example.json',
    ]) {
      const r = parseExample(name);
      assert.equal(r.retraction, true, name);
      assert.equal(r.noticeType, 'MAXI_GSC_RETRACTION');
      assert.match(r.id, /\/retraction\/2#/);
    }
    assert.equal(parseExample('maxi/gsc.known.example.json').name, 'Swift J1858.6-0814');
  });

  test('CHIME and DSA-110: ellipse errors, a repeater named by known_source, retractions', () => {
    const chime = parseExample('chime/frb.detection.example.json');
    assert.equal(chime.mission, 'CHIME');
    assert.equal(chime.instrument, undefined);
    assert.equal(chime.noticeType, 'CHIME_INITIAL');
    assert.deepEqual(chime.eventIds, ['427325191']);
    assert.equal(chime.eventTime, at('2024-09-18T07:19:10.765Z'), 'six decimals, rounded to the ms');
    assert.deepEqual(chime.position, {
      raDeg: 346.77850859547,
      decDeg: 12.632485229956252,
      errorDeg: 0.598921231135782,
    });
    assert.equal(parseExample('chime/frb.subsequent.example.json').name, 'FRB 20231013B');
    const dsa = parseExample('dsa110/frb.detection.example.json');
    assert.equal(dsa.mission, 'DSA-110');
    assert.equal(dsa.noticeType, 'DSA_110_INITIAL');
    assert.equal(dsa.position?.errorDeg, 0.02, 'two semi-axes [0.016, 0.02]: the larger');
    for (const name of ['chime/frb.retraction.example.json', 'dsa110/frb.retraction.example.json']) {
      const r = parseExample(name);
      assert.equal(r.retraction, true, name);
      assert.equal(r.position, undefined);
    }
    assert.equal(parseExample('chime/frb.update.example.json').retraction, false);
  });

  test('neutrinos: IceCube track, IceCube LVK search (cites the LVK notice), KM3NeT, Super-K', () => {
    const track = parseExample('icecube/single_neutrino_alerts.gold_bronze_track_alerts.example.json');
    assert.deepEqual(summary(track), {
      mission: 'IceCube',
      instrument: 'IC86',
      noticeType: 'ICECUBE_IC86_INITIAL',
      role: 'observation',
      eventIds: ['137840_57034692'],
      name: 'IceCube-230416A',
      issuedAt: at('2023-04-16T05:42:00Z'),
      eventTime: at('2023-04-16T05:22:26.151Z'),
      position: { raDeg: 345.82, decDeg: 9.01, errorDeg: 0.5, containment: 0.9 },
      classification: undefined,
      retraction: false,
    });
    const lvk = parseExample('icecube/lvk_nu_track_search.example.json');
    assert.equal(lvk.mission, 'IceCube');
    assert.equal(lvk.noticeType, 'ICECUBE_LVK_NU_TRACK_SEARCH');
    assert.deepEqual(lvk.eventIds, []);
    assert.deepEqual(lvk.citations, [
      { id: 'gcn.notices.LVK.alert:S230914ak-2-Preliminary', kind: 'followup' },
    ]);
    assert.match(lvk.id, /^gcn-json:IceCube\/-\/-\/ICECUBE_LVK_NU_TRACK_SEARCH#/);
    const km3 = parseExample('km3net/alert.example.json');
    assert.equal(km3.mission, 'KM3NeT');
    assert.equal(km3.instrument, 'ORCA024');
    assert.deepEqual(km3.eventIds, ['1']);
    assert.equal(km3.name, 'KM3-240901A');
    assert.deepEqual(km3.position, { raDeg: 10.82, decDeg: 20.01, errorDeg: 0.9 }, 'no containment given');
    const sk = parseExample('superk/sn_alert.real.example.json');
    assert.equal(sk.mission, 'Super-K', 'Super-Kamiokande');
    assert.equal(sk.noticeType, 'SUPER_K_INITIAL');
    assert.deepEqual(sk.position, { raDeg: 270.82, decDeg: 31.46, errorDeg: 0.91, containment: 0.68 });
    assert.equal(sk.role, 'observation');
    assert.equal(parseExample('superk/sn_alert.test.example.json').role, 'test');
  });

  test('BurstCube, Glowbug, HEASARC, BOOM', () => {
    const bc = parseExample('burstcube/alert.example.json');
    assert.equal(bc.mission, 'BurstCube');
    assert.deepEqual(bc.classification, {
      class: 'GRB',
      probability: 0.95,
      raw: '{"GRB":0.95,"SF":0.03,"Local Particles":0.02}',
    });
    assert.deepEqual(bc.position, { raDeg: 232, decDeg: -53.1, errorDeg: 10, containment: 0.9 });
    assert.equal(bc.role, 'observation');
    // The test schema's example says alert_tense current: the test stream makes it a test.
    assert.equal(parseExample('burstcube/test.example.json').role, 'test');
    const bug = parseExample('glowbug/Alert.example.json');
    assert.equal(bug.mission, 'Glowbug');
    assert.deepEqual(bug.eventIds, ['BUG230423.789', '432']);
    assert.equal(bug.classification?.class, 'BNS');
    const heasarc = parseExample('heasarc/archive_alert.example.json');
    assert.equal(heasarc.mission, 'HEASARC');
    assert.equal(heasarc.role, 'test', 'alert_tense archival');
    const boom = parseExample('boom/alert.example.json');
    assert.equal(boom.mission, 'BOOM');
    assert.equal(boom.noticeType, 'BOOM_ALERT');
    assert.equal(boom.position, undefined, 'its targets are inside data, not the notice position');
  });
});

describe('the real Einstein Probe alerts', () => {
  const cases = [
    ['alert_248.json', '01709259790', '2026-04-10T11:27:58.599Z', 166.582, 45.017, 0.05126996],
    ['alert_249.json', '01709260010', '2026-04-13T04:55:40.199Z', 173.242, -15.523, 0.05171121],
  ] as const;
  for (const [file, id, time, raDeg, decDeg, errorDeg] of cases) {
    test(`ep/alert/${file}`, () => {
      const text = readFileSync(new URL(`ep/alert/${file}`, SHARED), 'utf8');
      const n = parse(text, 'gcn.notices.einstein_probe.wxt.alert');
      assert.deepEqual(summary(n), {
        mission: 'EP',
        instrument: 'WXT',
        noticeType: 'EP_WXT_ALERT',
        role: 'observation',
        eventIds: [id],
        name: undefined,
        issuedAt: undefined,
        eventTime: at(time),
        position: { raDeg, decDeg, errorDeg },
        classification: undefined,
        retraction: false,
      });
      assert.equal(n.positionNote, undefined);
      assert.match(n.id, new RegExp(`^gcn-json:EP/WXT/${id}/EP_WXT_ALERT#[0-9a-f]{12}$`));
    });
  }
});

describe('where the mission comes from', () => {
  const EP = 'einstein_probe/wxt/alert.example.json';
  test('from $schema (EP sends no mission field)', () => {
    assert.equal(parse(example(EP)).mission, 'EP');
  });

  test('from the mission field, before $schema, normalised', () => {
    assert.equal(parse(variant(EP, { mission: 'Einstein Probe' })).mission, 'EP');
    assert.equal(parse(variant(EP, { mission: 'GLOWBUG' })).mission, 'Glowbug');
    assert.equal(parse(variant(EP, { mission: 'Hubble' })).mission, 'Hubble', 'unknown: as written');
  });

  test('from the topic alone: mission, instrument and kind', () => {
    const bare = variant(EP, { $schema: undefined, instrument: undefined });
    const n = parse(bare, 'gcn.notices.einstein_probe.wxt.alert');
    assert.equal(n.mission, 'EP');
    assert.equal(n.instrument, 'WXT');
    assert.equal(n.noticeType, 'EP_WXT_ALERT');
    const chime = parse(
      variant('chime/frb.detection.example.json', { $schema: undefined }),
      'gcn.notices.chime.frb',
    );
    assert.equal(chime.mission, 'CHIME');
    assert.equal(chime.instrument, undefined, 'frb is a kind, not an instrument');
    assert.equal(parse(bare, 'gcn.notices.icecube.test.lvk_nu_track_search').role, 'test', 'a test topic');
  });

  test('from the instrument when nothing else names it; nothing: no mission, still a notice', () => {
    const svom = parse(variant('svom/grm/trigger.example.json', { $schema: undefined }));
    assert.equal(svom.mission, 'SVOM');
    const none = parse(variant(EP, { $schema: undefined, instrument: undefined }));
    assert.equal(none.mission, undefined);
    assert.equal(none.noticeType, undefined);
    assert.match(none.id, /^gcn-json:-\/-\/01708973486\/-#/);
  });

  test('an older schema path: a test folder marks a test stream and names no instrument', () => {
    const n = parse(
      variant('icecube/single_neutrino_alerts.gold_bronze_track_alerts.example.json', {
        $schema:
          'https://gcn.nasa.gov/schema/v4.0.0/gcn/notices/icecube/test/gold_bronze_track_alerts.schema.json',
        instrument: undefined,
        alert_tense: undefined,
        id: [137840, 57034692],
      }),
    );
    assert.equal(n.mission, 'IceCube');
    assert.equal(n.instrument, undefined);
    assert.equal(n.role, 'test');
    assert.deepEqual(n.eventIds, ['137840', '57034692'], 'numbers (schema v4) as strings');
  });
});

describe('roles, times, positions, classes', () => {
  const EP = 'einstein_probe/wxt/alert.example.json';
  test('only current (or no tense) is an observation; planned is a prediction', () => {
    const role = (alert_tense: string | undefined) => parse(variant(EP, { alert_tense })).role;
    assert.equal(role(undefined), 'observation');
    assert.equal(role('current'), 'observation');
    for (const t of ['test', 'injection', 'commanded', 'archival', 'someday'])
      assert.equal(role(t), 'test', t);
    assert.equal(role('planned'), 'prediction');
  });

  test('times: no zone is UTC, an offset is honoured, a space for T, any number of decimals', () => {
    const time = (trigger_time: string) => parse(variant(EP, { trigger_time })).eventTime;
    const t0 = Date.UTC(2024, 2, 1, 21, 46, 5, 130);
    assert.equal(time('2024-03-01T21:46:05.13'), t0);
    assert.equal(time('2024-03-01T22:46:05.13+01:00'), t0);
    assert.equal(time('2024-03-01 21:46:05.130000+00:00'), t0);
    assert.equal(time('2024-03-01T21:46:05.129999999Z'), t0);
    assert.equal(time('2024-03-01T21:46:05Z'), t0 - 130);
  });

  test('an error that is not positive, or a lone coordinate: no position, and why', () => {
    for (const ra_dec_error of [0, -1, [0, 0.1]]) {
      const n = parse(variant(EP, { ra_dec_error }));
      assert.equal(n.position, undefined);
      assert.match(n.positionNote ?? '', /ra_dec_error .*: error unknown, no position/);
    }
    assert.match(parse(variant(EP, { dec: undefined })).positionNote ?? '', /ra without dec/);
    assert.equal(parse(variant(EP, { ra: 360 })).position?.raDeg, 0);
    assert.equal(parse(variant(EP, { ra_dec_error: [0.5] })).position?.errorDeg, 0.5, 'a one-value ellipse');
    assert.equal(parse(variant(EP, { ra_dec_error: null })).position, undefined, 'null is absent');
  });

  test('a URL-only sky map is named in the note', () => {
    const n = parse(variant(EP, { ra: undefined, dec: undefined, healpix_url: 'https://x/map.fits' }));
    assert.match(n.positionNote ?? '', /a sky map only \(https:\/\/x\/map\.fits\), not fetched/);
  });

  test('classes: most likely, normalised, SF is SOLAR_FLARE; an empty map is none', () => {
    const cls = (classification: unknown) => parse(variant(EP, { classification })).classification;
    assert.deepEqual(cls({ SF: 0.7, GRB: 0.3 })?.class, 'SOLAR_FLARE');
    assert.deepEqual(cls({ 'Local Particles': 0.6, GRB: 0.4 })?.class, 'LOCAL_PARTICLES');
    assert.equal(cls({}), undefined);
    assert.equal(cls(JSON.parse('{"__proto__": 0.9, "GRB": 0.1}'))?.class, 'PROTO');
  });

  test('retraction in any case; an unknown alert_type is kept as the kind', () => {
    assert.equal(parse(variant(EP, { alert_type: 'RETRACTION' })).retraction, true);
    const n = parse(variant(EP, { alert_type: 'superseded' }));
    assert.equal(n.retraction, false);
    assert.equal(n.noticeType, 'EP_WXT_SUPERSEDED');
  });
});

describe('ids', () => {
  const text = example('fermi/gbm/trigger.flight3.example.json');
  test('the same text gives the same id; a one-byte change another', () => {
    const id = parse(text).id;
    assert.equal(parse(text).id, id);
    const changed = text.replace('"rate_snr": 14.8', '"rate_snr": 14.9');
    assert.notEqual(changed, text);
    assert.equal(changed.length, text.length);
    const other = parse(changed).id;
    assert.notEqual(other, id);
    assert.equal(other.split('#')[0], id.split('#')[0], 'same event, type and record: only the hash differs');
    assert.notEqual(parse(`${text} `).id, id, 'even white space');
  });

  test('parts that would break the id are escaped', () => {
    const n = parse(variant('einstein_probe/wxt/alert.example.json', { id: ['a/b#c d'] }));
    assert.match(n.id, /^gcn-json:EP\/WXT\/a%2Fb%23c%20d\/EP_WXT_ALERT#/);
  });
});

describe('bad input: one line naming the field', () => {
  const EP = 'einstein_probe/wxt/alert.example.json';
  const bad = (changes: Readonly<Record<string, unknown>>, pattern: RegExp) =>
    rejects(variant(EP, changes), pattern);

  test('not a JSON object', () => {
    for (const [text, kind] of [
      ['[1, 2]', 'an array'],
      ['null', 'null'],
      ['"GRB"', 'a string'],
      ['42', 'a number'],
    ] as const) {
      assert.throws(
        () => parseGcnJsonNotice(text, JSON.parse(text), undefined),
        (err: unknown) =>
          err instanceof NoticeError &&
          err.message === `gcn json notice: the document is ${kind}, not a JSON object`,
      );
    }
  });

  test('wrong types', () => {
    bad({ ra: '12h' }, /^gcn json notice: ra: "12h" is not a number$/);
    bad({ dec: true }, /dec: true is not a number/);
    bad({ ra_dec_error: 'big' }, /ra_dec_error: "big" is not a number or an array of 1 to 3 numbers/);
    bad({ ra_dec_error: [1, 2, 3, 4] }, /ra_dec_error: \[1,2,3,4\] is not/);
    bad({ ra_dec_error: [1, 'x'] }, /ra_dec_error\[1\]: "x" is not a number/);
    bad({ mission: 5 }, /mission: 5 is not a string/);
    bad({ instrument: ['WXT'] }, /instrument: \["WXT"\] is not a string/);
    bad({ $schema: {} }, /\$schema: \{\} is not a string/);
    bad({ alert_tense: 1 }, /alert_tense: 1 is not a string/);
    bad({ id: [{}] }, /id\[0\]: \{\} is not a string or a number/);
    bad({ id: true }, /id: true is not a string or a number/);
    bad({ event_name: [1] }, /event_name\[0\]: 1 is not a string/);
    bad({ classification: ['GRB'] }, /classification: \["GRB"\] is not an object/);
    bad({ classification: { GRB: 'high' } }, /classification\.GRB: "high" is not a number/);
    bad({ reference: 'S230914ak' }, /reference: "S230914ak" is not an object/);
    bad({ record_number: '1' }, /record_number: "1" is not a number/);
    bad(
      { rectangular_error_corners: [[1, 2], [3], [4, 5], [6, 7]] },
      /rectangular_error_corners\[1\]: \[3\]/,
    );
  });

  test('times that are not ISO 8601 or not a date', () => {
    bad({ trigger_time: 'yesterday' }, /trigger_time: "yesterday" is not an ISO 8601 date-time/);
    bad(
      { alert_datetime: '2025-02-30T00:00:00Z' },
      /alert_datetime: "2025-02-30T00:00:00Z" is not a valid date-time/,
    );
    bad({ trigger_time: 1709329565 }, /trigger_time: 1709329565 is not a string/);
  });

  test('absurd values', () => {
    bad({ ra: 361 }, /^gcn json notice: ra: 361 is outside 0\.\.360 degrees$/);
    bad({ ra: -0.5 }, /ra: -0.5 is outside/);
    bad({ dec: 95 }, /dec: 95 is outside -90\.\.90 degrees/);
    bad({ ra_dec_error: 200 }, /ra_dec_error: 200 degrees is more than the whole sky/);
    bad({ containment_probability: 90 }, /containment_probability: 90 is not a probability/);
    bad({ containment_probability: 0 }, /containment_probability: 0 is not a probability/);
    bad({ classification: { GRB: 1.5 } }, /classification\.GRB: 1.5 is not a probability/);
    bad({ record_number: 1.5 }, /record_number: 1.5 is not a whole number/);
    bad(
      {
        rectangular_error_corners: [
          [1, 2],
          [3, 100],
          [4, 5],
          [6, 7],
        ],
      },
      /rectangular_error_corners\[1\]\[1\]: 100/,
    );
  });

  test('a long bad value is cut short', () => {
    bad({ ra: 'x'.repeat(500) }, /^gcn json notice: ra: "x{50,}… is not a number$/);
  });
});
