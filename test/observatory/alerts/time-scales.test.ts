// ISO times as VOEvents write them, and time scales to UTC. References: IERS Bulletin C (TAI − UTC),
// TT = TAI + 32.184 s, GPS = TAI − 19 s.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIsoTime, taiMinusUtc, toUtc } from '../../../src/observatory/alerts/time-scales.js';
import { VoEventError } from '../../../src/observatory/alerts/voevent-error.js';

test('ISO times: no zone is UTC, Z and offsets honoured, any decimals rounded to the ms', () => {
  assert.equal(parseIsoTime('2012-09-07T00:24:23.08', 'x'), Date.UTC(2012, 8, 7, 0, 24, 23, 80));
  assert.equal(parseIsoTime('2012-09-07T00:24:23Z', 'x'), Date.UTC(2012, 8, 7, 0, 24, 23));
  assert.equal(parseIsoTime('2012-09-07T02:24:23+02:00', 'x'), Date.UTC(2012, 8, 7, 0, 24, 23));
  assert.equal(parseIsoTime('2012-09-06T22:24:23-0200', 'x'), Date.UTC(2012, 8, 7, 0, 24, 23));
  assert.equal(parseIsoTime('2024-02-22T08:51:31.320000', 'x'), Date.UTC(2024, 1, 22, 8, 51, 31, 320));
  assert.equal(parseIsoTime('2024-02-22T08:51:31.9996', 'x'), Date.UTC(2024, 1, 22, 8, 51, 32, 0));
  assert.throws(
    () => parseIsoTime('2024-02-22 08:51', 'Who/Date'),
    (e: Error) => {
      assert.ok(e instanceof VoEventError);
      assert.match(e.message, /^Who\/Date: "2024-02-22 08:51" is not an ISO 8601/);
      return true;
    },
  );
  assert.throws(() => parseIsoTime('2024-13-01T00:00:00', 'x'), /not a valid date-time/);
});

test('TAI − UTC steps at leap seconds', () => {
  assert.equal(taiMinusUtc(Date.UTC(2016, 11, 31, 23, 59, 59)), 36);
  assert.equal(taiMinusUtc(Date.UTC(2017, 0, 1)), 37);
  assert.equal(taiMinusUtc(Date.UTC(2012, 8, 7)), 35);
  assert.equal(taiMinusUtc(Date.UTC(1972, 0, 2)), 10);
});

test('TT, TDB, TAI and GPS to UTC', () => {
  const utc = Date.UTC(2025, 1, 7, 7, 14, 6, 500);
  assert.equal(toUtc(utc + 69_184, 'TT'), utc);
  assert.equal(toUtc(utc + 69_184, 'TDB'), utc);
  assert.equal(toUtc(utc + 37_000, 'TAI'), utc);
  assert.equal(toUtc(utc + 18_000, 'GPS'), utc);
  assert.equal(toUtc(utc, 'UTC'), utc);
  const in2012 = Date.UTC(2012, 8, 7, 0, 24, 23, 80);
  assert.equal(toUtc(in2012 + 67_184, 'TT'), in2012, 'TAI − UTC was 35 s in 2012');
});
