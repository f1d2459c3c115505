// VOEvent 2.0 parsing on the three real notices in test/fixtures/voevents (expected values from
// their SOURCES.txt, an independent description), and on variants built from them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseVoEvent, VoEventError } from '../../../src/observatory/alerts/voevent.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/voevents/${name}`, import.meta.url), 'utf8');
const SWIFT = fixture('swift_bat_grb_pos_61_GRB120907A_observation.xml');
const SWIFT_TEST = fixture('swift_bat_grb_pos_test_82_role-test.xml');
const FERMI = fixture('fermi_gbm_alert_110_no-position.xml');

/** A minimal VOEvent around the given What and WhereWhen content. */
function voevent(opts: { attrs?: string; body?: string; system?: string; position?: string; time?: string }) {
  const system = opts.system ?? 'UTC-ICRS-GEO';
  return `<?xml version="1.0" encoding="UTF-8"?>
<voe:VOEvent xmlns:voe="http://www.ivoa.net/xml/VOEvent/v2.0" ${opts.attrs ?? 'role="observation" version="2.0" ivorn="ivo://example.org/test#1"'}>
  <Who><AuthorIVORN>ivo://example.org/author</AuthorIVORN><Date>2025-02-07T07:14:22</Date></Who>
  <What>${opts.body ?? ''}</What>
  <WhereWhen><ObsDataLocation><ObservatoryLocation id="GEOLEO"/><ObservationLocation>
    <AstroCoordSystem id="${system}"/>
    <AstroCoords coord_system_id="${system}">
      <Time unit="s"><TimeInstant><ISOTime>${opts.time ?? '2025-02-07T07:14:06.5'}</ISOTime></TimeInstant></Time>
      ${opts.position ?? '<Position2D unit="deg"><Name1>RA</Name1><Name2>Dec</Name2><Value2><C1>10.5</C1><C2>-20.25</C2></Value2><Error2Radius>0.1</Error2Radius></Position2D>'}
    </AstroCoords>
  </ObservationLocation></ObsDataLocation></WhereWhen>
</voe:VOEvent>`;
}

function rejects(xml: string, pattern: RegExp, options?: { maxBytes?: number }) {
  assert.throws(
    () => parseVoEvent(xml, options),
    (err: unknown) => {
      assert.ok(err instanceof VoEventError, `a VoEventError, got ${String(err)}`);
      assert.match(err.message, pattern);
      assert.doesNotMatch(err.message, /\n/, 'one line');
      return true;
    },
  );
}

describe('the real notices', () => {
  test('Swift-BAT position 61 (GRB 120907A)', () => {
    const e = parseVoEvent(SWIFT);
    assert.equal(e.ivorn, 'ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_532871-729');
    assert.equal(e.role, 'observation');
    assert.equal(e.version, '2.0');
    assert.equal(e.authorIvorn, 'ivo://nasa.gsfc.tan/gcn');
    assert.equal(e.date, Date.UTC(2012, 8, 7, 0, 24, 36));
    assert.equal(e.eventTime, Date.UTC(2012, 8, 7, 0, 24, 23, 80));
    assert.equal(e.coordSystem, 'UTC-FK5-GEO');
    assert.deepEqual(e.position, { raDeg: 74.7412, decDeg: -9.3137, errorRadiusDeg: 0.05 });
    assert.equal(e.positionNote, undefined);
    assert.equal(e.packetType, 61);
    assert.equal(e.packetName, 'SWIFT_BAT_GRB_POS_ACK');
    assert.equal(e.mission, 'Swift');
    assert.equal(e.triggerId, '532871');
    assert.equal(e.importance, 0.9);
    assert.equal(e.inferenceName, 'GRB 120907');
    assert.deepEqual(e.citations, []);
    assert.equal(e.description, 'Type=61: The Swift-BAT instrument position notice.');
    // Top-level params, and group params flattened.
    assert.equal(e.params.Burst_Inten, '4622');
    assert.equal(e.params.Merit_Val8, '4');
    assert.equal(e.params.Moon_Illum, '64.40');
    assert.equal(e.params.Test_Submission, 'false');
  });

  test('Swift-BAT test position 82: role test', () => {
    const e = parseVoEvent(SWIFT_TEST);
    assert.equal(e.role, 'test');
    assert.equal(e.packetType, 82);
    assert.equal(e.packetName, 'SWIFT_BAT_GRB_POS_TEST');
    assert.equal(e.mission, 'Swift');
    assert.equal(e.triggerId, '99999');
    assert.match(e.ivorn, /SWIFT#BAT_GRB_Test_Pos_/);
    assert.deepEqual(e.position, { raDeg: 72, decDeg: 35, errorRadiusDeg: 0.05 });
    assert.equal(e.eventTime, Date.UTC(2026, 3, 12, 20, 20, 0));
    assert.equal(e.inferenceName, undefined, 'no Inference/Name in this notice');
  });

  test('Fermi-GBM alert 110: RA = Dec = error = 0 is no position, and says so', () => {
    const e = parseVoEvent(FERMI);
    assert.equal(e.packetType, 110);
    assert.equal(e.packetName, 'FERMI_GBM_ALERT');
    assert.equal(e.mission, 'Fermi');
    assert.equal(e.triggerId, '799614413');
    assert.equal(e.importance, 0.5);
    assert.equal(e.position, undefined);
    assert.match(e.positionNote ?? '', /RA = Dec = error = 0/);
    assert.equal(e.eventTime, Date.UTC(2026, 4, 4, 19, 6, 48, 890));
    assert.match(e.params.LightCurve_URL ?? '', /^http:\/\/heasarc\.gsfc\.nasa\.gov\/.*\.gif$/);
  });
});

describe('namespaces', () => {
  test('an unprefixed root, or a default namespace, reads the same as voe:VOEvent', () => {
    const expected = parseVoEvent(SWIFT);
    const bare = SWIFT.replace('<voe:VOEvent', '<VOEvent').replace('</voe:VOEvent>', '</VOEvent>');
    assert.deepEqual(parseVoEvent(bare), expected);
    const defaultNs = bare.replace('xmlns:voe=', 'xmlns=');
    assert.deepEqual(parseVoEvent(defaultNs), expected);
  });

  test('prefixed children and attributes are read by their local names', () => {
    const xml = voevent({ body: '<voe:Param voe:name="Packet_Type" voe:value="61"/>' });
    assert.equal(parseVoEvent(xml).packetType, 61);
  });
});

describe('SVOM and other publishers', () => {
  test('an SVOM ECLAIRs notice: Burst_Id in a group, UTC-ICRS-GEO, SVOM packet numbering', () => {
    const e = parseVoEvent(
      voevent({
        attrs: 'role="observation" version="2.0" ivorn="ivo://org.svom/fsc#sb25020701_eclairs-wakeup"',
        body: `<Param name="Packet_Type" value="202"/><Param name="Instrument" value="ECLAIRs"/>
          <Group name="Svom_Identifiers"><Param name="Notice_Level" value="N1e"/><Param name="Burst_Id" value="sb25020701"/></Group>`,
      }),
    );
    assert.equal(e.mission, 'SVOM');
    assert.equal(e.packetName, 'SVOM_ECLAIRS_WAKEUP');
    assert.equal(e.triggerId, 'sb25020701');
    assert.deepEqual(e.position, { raDeg: 10.5, decDeg: -20.25, errorRadiusDeg: 0.1 });
    assert.equal(e.eventTime, Date.UTC(2025, 1, 7, 7, 14, 6, 500));
  });

  test('an SVOM GRM position with error -1 has no usable position', () => {
    const e = parseVoEvent(
      voevent({
        attrs: 'role="observation" ivorn="ivo://org.svom/fsc#sb25020701_grm-trigger"',
        position:
          '<Position2D unit="deg"><Value2><C1>148.9</C1><C2>-17.7</C2></Value2><Error2Radius>-1</Error2Radius></Position2D>',
      }),
    );
    assert.equal(e.position, undefined);
    assert.match(e.positionNote ?? '', /Error2Radius -1/);
  });

  test('the mission comes from the IVORN when the packet type is unknown', () => {
    const e = parseVoEvent(
      voevent({ attrs: 'role="observation" ivorn="ivo://nasa.gsfc.gcn/INTEGRAL#Wakeup_1"', body: '' }),
    );
    assert.equal(e.mission, 'INTEGRAL');
    assert.equal(e.packetType, undefined);
  });
});

describe('coordinates and times', () => {
  test('radians are converted; an error circle in the same unit', () => {
    const e = parseVoEvent(
      voevent({
        position: `<Position2D unit="rad"><Value2><C1>${Math.PI}</C1><C2>${-Math.PI / 4}</C2></Value2><Error2Radius>${Math.PI / 180}</Error2Radius></Position2D>`,
      }),
    );
    assert.ok(e.position);
    assert.ok(Math.abs(e.position.raDeg - 180) < 1e-9);
    assert.ok(Math.abs(e.position.decDeg + 45) < 1e-9);
    assert.ok(Math.abs(e.position.errorRadiusDeg - 1) < 1e-9);
  });

  test('a TT time is converted to UTC (TT − UTC = 69.184 s since 2017)', () => {
    const e = parseVoEvent(voevent({ system: 'TT-ICRS-TOPO', time: '2025-02-07T07:15:15.684' }));
    assert.equal(e.eventTime, Date.UTC(2025, 1, 7, 7, 14, 6, 500));
    assert.ok(e.position, 'TT-ICRS-TOPO positions are accepted');
  });

  test('a non-equatorial system, no Position2D, or no error radius: no position, with the reason', () => {
    const geod = parseVoEvent(voevent({ system: 'UTC-GEOD-TOPO' }));
    assert.equal(geod.position, undefined);
    assert.match(geod.positionNote ?? '', /UTC-GEOD-TOPO/);
    const none = parseVoEvent(voevent({ position: '' }));
    assert.match(none.positionNote ?? '', /no Position2D/);
    const noError = parseVoEvent(
      voevent({ position: '<Position2D unit="deg"><Value2><C1>1</C1><C2>2</C2></Value2></Position2D>' }),
    );
    assert.match(noError.positionNote ?? '', /no Error2Radius/);
  });
});

describe('citations, entities, params', () => {
  test('Citations/EventIVORN with their kind', () => {
    const xml = voevent({}).replace(
      '</voe:VOEvent>',
      `<Citations><EventIVORN cite="supersedes">ivo://example.org/test#0</EventIVORN>
        <EventIVORN cite="retraction">ivo://example.org/test#-1</EventIVORN></Citations></voe:VOEvent>`,
    );
    assert.deepEqual(parseVoEvent(xml).citations, [
      { ivorn: 'ivo://example.org/test#0', cite: 'supersedes' },
      { ivorn: 'ivo://example.org/test#-1', cite: 'retraction' },
    ]);
    rejects(xml.replace('cite="retraction"', 'cite="rumour"'), /Citations\/EventIVORN\[2\]: cite "rumour"/);
  });

  test('predefined entities and character references are decoded once', () => {
    const e = parseVoEvent(
      voevent({
        body: '<Param name="url" value="http://x/?a=1&amp;b=2"/><Param name="s" value="&lt;&#65;&#x42;&amp;#67;"/>',
      }),
    );
    assert.equal(e.params.url, 'http://x/?a=1&b=2');
    assert.equal(e.params.s, '<AB&#67;');
  });

  test('a top-level param wins over a group param of the same name; a __proto__ param is plain data', () => {
    const e = parseVoEvent(
      voevent({
        body: '<Group name="g"><Param name="x" value="group"/></Group><Param name="x" value="top"/><Param name="__proto__" value="p"/>',
      }),
    );
    assert.equal(e.params.x, 'top');
    assert.equal(Object.getPrototypeOf(e.params), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(e.params, '__proto__')?.value, 'p');
  });
});

describe('bad input: one-line VoEventError', () => {
  test('not XML, not well-formed, empty', () => {
    rejects('GRB 120907A at 74.74 -9.31', /not well-formed XML at line 1/);
    rejects(
      '<VOEvent ivorn="ivo://a/b" role="test"><Who></VOEvent>',
      /not well-formed XML at line 1, column \d+/,
    );
    rejects('', /empty/);
  });

  test('another root element', () => {
    rejects(
      '<trn:Transport xmlns:trn="x" role="iamalive"/>',
      /not a VOEvent: the root element is <Transport>/,
    );
  });

  test('missing or wrong ivorn and role', () => {
    rejects(voevent({ attrs: 'role="observation"' }), /VOEvent@ivorn is missing/);
    rejects(voevent({ attrs: 'ivorn="ivo://a/b#1"' }), /VOEvent@role is missing/);
    rejects(voevent({ attrs: 'ivorn="ivo://a/b#1" role="iamalive"' }), /VOEvent@role: "iamalive"/);
    rejects(voevent({ attrs: 'ivorn="http://a/b" role="test"' }), /not an ivo:\/\/ IVORN/);
  });

  test('malformed values say where', () => {
    rejects(voevent({ time: 'yesterday' }), /ISOTime: "yesterday" is not an ISO 8601/);
    rejects(voevent({ time: '2025-02-30T00:00:00' }), /not a valid date-time/);
    rejects(
      voevent({
        position:
          '<Position2D unit="deg"><Value2><C1>ten</C1><C2>1</C2></Value2><Error2Radius>1</Error2Radius></Position2D>',
      }),
      /Position2D\/Value2\/C1: "ten" is not a number/,
    );
    rejects(
      voevent({
        position:
          '<Position2D unit="deg"><Value2><C1>10</C1><C2>95</C2></Value2><Error2Radius>1</Error2Radius></Position2D>',
      }),
      /Dec 95° is outside/,
    );
    rejects(SWIFT.replace('importance="0.900000"', 'importance="high"'), /Why@importance: "high"/);
    rejects(SWIFT.replace('value="61"', 'value="6x1"'), /Packet_Type: "6x1"/);
  });

  test('over the size limit: refused unread', () => {
    rejects(SWIFT, /9360 bytes is over the limit of 4096 bytes/, { maxBytes: 4096 });
    const huge = voevent({ body: `<Description>${'x'.repeat(1024 * 1024)}</Description>` });
    rejects(huge, /over the limit of 1048576 bytes/);
  });

  test('a DOCTYPE (entity bomb) is refused at once', () => {
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<VOEvent ivorn="ivo://a/b#&lol3;" role="test"/>`;
    const t0 = performance.now();
    rejects(bomb, /DOCTYPE declarations are refused/);
    assert.ok(performance.now() - t0 < 100);
  });

  test('deep nesting is refused', () => {
    rejects(voevent({ body: `${'<Group>'.repeat(100)}${'</Group>'.repeat(100)}` }), /XML refused: .*nested/i);
  });
});
