// IGWN JSON alerts on the user guide's MS181101ab examples (test/fixtures/notices/igwn, values from
// the alerts themselves and, for the sky map, astropy-healpix), and on variants built from them.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { parseIgwnAlert } from '../../../src/observatory/alerts/igwn-notice.js';
import { NoticeError } from '../../../src/observatory/alerts/notice.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/notices/igwn/${name}`, import.meta.url));
const PRELIMINARY_BYTES = fixture('MS181101ab-preliminary.json');
const RETRACTION_BYTES = fixture('MS181101ab-retraction.json');
const PRELIMINARY = PRELIMINARY_BYTES.toString('utf8');
const RETRACTION = RETRACTION_BYTES.toString('utf8');

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const parse = (text: string) => parseIgwnAlert(text, JSON.parse(text) as Record<string, unknown>);

type Json = Record<string, unknown>;

/** The preliminary alert changed by `edit` (on a deep copy), as text and value. */
function variant(edit: (alert: Json, event: Json) => void): [string, Json] {
  const alert = JSON.parse(PRELIMINARY) as Json;
  edit(alert, alert.event as Json);
  return [JSON.stringify(alert), alert];
}

function refused(input: [string, unknown], pattern: RegExp): void {
  assert.throws(
    () => parseIgwnAlert(input[0], input[1] as Json),
    (err: unknown) => {
      assert.ok(err instanceof NoticeError, `a NoticeError, got ${String(err)}`);
      assert.match(err.message, /^igwn alert: /);
      assert.match(err.message, pattern);
      assert.doesNotMatch(err.message, /\n/, 'one line');
      return true;
    },
  );
}

function near(actual: number | undefined, expected: number, relative: number, what: string): void {
  assert.ok(
    actual !== undefined && Math.abs(actual - expected) <= relative * Math.abs(expected),
    `${what}: ${actual}, expected ${expected}`,
  );
}

describe('the fixtures', () => {
  test('are the user guide files, byte for byte (see SOURCES.txt)', () => {
    assert.equal(PRELIMINARY_BYTES.length, 1037685);
    assert.equal(
      sha256(PRELIMINARY_BYTES),
      '3349052c93d3089e5a1ae610f05c20b6fbfc9dbf053eb4324ad3eb0362980be0',
    );
    assert.equal(RETRACTION_BYTES.length, 252);
    assert.equal(
      sha256(RETRACTION_BYTES),
      'ee7d8d50d5b18bae7e44a2ff0b08ee7cc7fb79057c3a64c2f4e69093b14ce075',
    );
  });
});

describe('the real alerts', () => {
  test('MS181101ab PRELIMINARY: an MDC binary neutron star with its sky map', () => {
    const started = performance.now();
    const n = parse(PRELIMINARY);
    const ms = performance.now() - started;
    const { skyMap, ...rest } = n;
    assert.deepEqual(rest, {
      id: `igwn:MS181101ab/PRELIMINARY/2018-11-01T22:34:49Z#${sha256(PRELIMINARY).slice(0, 12)}`,
      format: 'igwn-json',
      role: 'test',
      mission: 'LVK',
      instrument: 'H1,L1,V1',
      noticeType: 'IGWN_PRELIMINARY',
      eventIds: ['MS181101ab'],
      issuedAt: Date.UTC(2018, 10, 1, 22, 34, 49),
      eventTime: Date.UTC(2018, 10, 1, 22, 22, 46, 654),
      positionNote: 'the alert carries a sky map of 31 deg² (90 %), not an error circle',
      classification: {
        class: 'BNS',
        probability: 0.95,
        raw: '{"BNS":0.95,"NSBH":0.01,"BBH":0.03,"Terrestrial":0.01}',
      },
      citations: [],
      retraction: false,
      name: 'MS181101ab',
      raw: PRELIMINARY,
    });
    assert.equal(n.position, undefined, 'a sky map, no error circle');
    assert.equal(skyMap?.pixels, 19200);
    near(skyMap?.area90Deg2, 30.97986031323378, 1e-9, '90 %');
    near(skyMap?.area50Deg2, 8.90058343588598, 1e-9, '50 %');
    near(skyMap?.peakRaDeg, 194.30419921874997, 1e-12, 'peak RA');
    near(skyMap?.peakDecDeg, -17.856895095545468, 1e-12, 'peak Dec');
    assert.ok(ms < 500, `parsed in ${ms.toFixed(0)} ms`);
  });

  test('MS181101ab RETRACTION: no event, no sky map', () => {
    assert.deepEqual(parse(RETRACTION), {
      id: `igwn:MS181101ab/RETRACTION/2018-11-01T23:36:23Z#${sha256(RETRACTION).slice(0, 12)}`,
      format: 'igwn-json',
      role: 'test',
      mission: 'LVK',
      noticeType: 'IGWN_RETRACTION',
      eventIds: ['MS181101ab'],
      issuedAt: Date.UTC(2018, 10, 1, 23, 36, 23),
      positionNote: 'retraction: no event',
      citations: [],
      retraction: true,
      name: 'MS181101ab',
      raw: RETRACTION,
    });
  });
});

describe('variants', () => {
  test('role: observation for a real superevent, test for MS…, TS… or an MDC search', () => {
    const real = variant((a, e) => {
      a.superevent_id = 'S181101ab';
      e.search = 'AllSky';
    });
    assert.equal(parseIgwnAlert(...real).role, 'observation');
    const mdc = variant((a) => {
      a.superevent_id = 'S181101ab';
    });
    assert.equal(parseIgwnAlert(...mdc).role, 'test', 'search MDC');
    const playground = variant((a, e) => {
      a.superevent_id = 'TS181101ab';
      e.search = 'AllSky';
    });
    assert.equal(parseIgwnAlert(...playground).role, 'test');
  });

  test('classification: the most likely class, normalised; none for a Burst alert', () => {
    const terrestrial = variant((_, e) => {
      e.classification = { BNS: 0.1, NSBH: 0, BBH: 0.2, Terrestrial: 0.7 };
    });
    assert.deepEqual(parseIgwnAlert(...terrestrial).classification, {
      class: 'TERRESTRIAL',
      probability: 0.7,
      raw: '{"BNS":0.1,"NSBH":0,"BBH":0.2,"Terrestrial":0.7}',
    });
    const burst = variant((_, e) => {
      e.group = 'Burst';
      e.classification = {};
    });
    assert.equal(parseIgwnAlert(...burst).classification, undefined);
    const none = variant((_, e) => {
      delete e.classification;
    });
    assert.equal(parseIgwnAlert(...none).classification, undefined);
  });

  test('no sky map: no summary, and the note says so', () => {
    const n = parseIgwnAlert(
      ...variant((_, e) => {
        e.skymap = null;
      }),
    );
    assert.equal(n.skyMap, undefined);
    assert.equal(n.positionNote, 'the alert carries no sky map');
  });

  test('ids: the same alert again is the same notice; another one of the same second is not', () => {
    assert.equal(parse(PRELIMINARY).id, parse(PRELIMINARY).id);
    const other = variant((_, e) => {
      e.far = 1e-10;
    });
    const a = parse(PRELIMINARY).id;
    const b = parseIgwnAlert(...other).id;
    assert.notEqual(a, b);
    assert.equal(a.split('#')[0], b.split('#')[0]);
  });

  test('times without a zone are UTC; offsets are honoured', () => {
    const noZone = variant((a, e) => {
      a.time_created = '2018-11-01T22:34:49';
      e.time = '2018-11-01T23:22:46.654+01:00';
    });
    const n = parseIgwnAlert(...noZone);
    assert.equal(n.issuedAt, Date.UTC(2018, 10, 1, 22, 34, 49));
    assert.equal(n.eventTime, Date.UTC(2018, 10, 1, 22, 22, 46, 654));
  });
});

describe('bad alerts: one line naming the field', () => {
  test('the top-level fields', () => {
    refused(['[]', []], /^igwn alert: an array, not a JSON object$/);
    refused(
      variant((a) => delete a.superevent_id),
      /^igwn alert: superevent_id: missing$/,
    );
    refused(
      variant((a) => (a.superevent_id = 42)),
      /^igwn alert: superevent_id: 42 is a number, not a string$/,
    );
    refused(
      variant((a) => (a.superevent_id = '')),
      /^igwn alert: superevent_id: empty$/,
    );
    refused(
      variant((a) => (a.superevent_id = 'S'.repeat(65))),
      /superevent_id: 65 characters \(at most 64\)/,
    );
    refused(
      variant((a) => (a.superevent_id = 'S18 1101\nab')),
      /superevent_id: "S18 1101\\nab" is not letters/,
    );
    refused(
      variant((a) => delete a.alert_type),
      /^igwn alert: alert_type: missing$/,
    );
    refused(
      variant((a) => (a.alert_type = 'preliminary')),
      /^igwn alert: alert_type: "preliminary" is not EARLYWARNING, PRELIMINARY, INITIAL, UPDATE, RETRACTION$/,
    );
    refused(
      variant((a) => delete a.time_created),
      /^igwn alert: time_created: missing$/,
    );
    refused(
      variant((a) => (a.time_created = 'yesterday')),
      /^igwn alert: time_created: "yesterday" is not an ISO 8601/,
    );
    refused(
      variant((a) => (a.time_created = '2018-02-30T00:00:00Z')),
      /time_created: .* is not a valid date-time/,
    );
    refused(
      variant((a) => (a.external_coinc = 5)),
      /^igwn alert: external_coinc: a number, not an object$/,
    );
  });

  test('the event', () => {
    refused(
      variant((a) => (a.event = 'GW')),
      /^igwn alert: event: a string, not an object$/,
    );
    refused(
      variant((a) => (a.event = [])),
      /^igwn alert: event: an array, not an object$/,
    );
    refused(
      variant((a) => (a.event = null)),
      /^igwn alert: event: missing in a PRELIMINARY alert$/,
    );
    refused(
      variant((_, e) => delete e.time),
      /^igwn alert: event\.time: missing$/,
    );
    refused(
      variant((_, e) => (e.time = 1541110966)),
      /^igwn alert: event\.time: 1541110966 is a number, not a string$/,
    );
    refused(
      variant((_, e) => (e.instruments = 'H1,L1')),
      /^igwn alert: event\.instruments: "H1,L1" is not a list/,
    );
    refused(
      variant((_, e) => (e.classification = [0.9])),
      /^igwn alert: event\.classification: \[0\.9\] is an array/,
    );
    refused(
      variant((_, e) => (e.classification = { BNS: 'high' })),
      /event\.classification\.BNS: "high" is not a probability/,
    );
    refused(
      variant((_, e) => (e.classification = { BNS: 1.5 })),
      /event\.classification\.BNS: 1\.5 is not a probability/,
    );
  });

  test('the sky map', () => {
    refused(
      variant((_, e) => (e.skymap = 'not base64!')),
      /^igwn alert: event\.skymap: not valid base64$/,
    );
    refused(
      variant((_, e) => (e.skymap = `${String(e.skymap).slice(0, 80)}\n${String(e.skymap).slice(80)}`)),
      /event\.skymap: not valid base64$/,
    );
    refused(
      variant((_, e) => (e.skymap = 'QUJD=')),
      /^igwn alert: event\.skymap: not valid base64$/,
    );
    refused(
      variant((_, e) => (e.skymap = 12)),
      /^igwn alert: event\.skymap: a number, not a base64 string$/,
    );
    refused(
      variant((_, e) => (e.skymap = '')),
      /^igwn alert: event\.skymap: empty$/,
    );
    refused(
      variant((_, e) => (e.skymap = 'QUJD')),
      /^igwn alert: event\.skymap: not a FITS file/,
    );
    const cut = (skymap: unknown) =>
      Buffer.from(String(skymap), 'base64').subarray(0, 10000).toString('base64');
    refused(
      variant((_, e) => (e.skymap = cut(e.skymap))),
      /^igwn alert: event\.skymap: truncated BINTABLE \(expected 768000 bytes, got 1360\)$/,
    );
  });
});
