// VTP framing: 4-byte big-endian length + UTF-8 XML, read back whatever the chunking.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeVtpFrame, VtpFrameError, VtpFrameReader } from '../../../src/transport/vtp/vtp-frame.js';

const docs = ['<a/>', '<b>é — ✓</b>', '', `<c>${'x'.repeat(70_000)}</c>`];

function readAll(reader: VtpFrameReader): string[] {
  const out: string[] = [];
  for (let f = reader.next(); f !== undefined; f = reader.next()) out.push(f.toString('utf8'));
  return out;
}

test('a frame is the big-endian byte length of the UTF-8 body, then the body', () => {
  const frame = encodeVtpFrame('<b>é</b>');
  assert.deepEqual([...frame.subarray(0, 4)], [0, 0, 0, 9], '<b>é</b> is 9 bytes in UTF-8');
  assert.equal(frame.subarray(4).toString('utf8'), '<b>é</b>');
  assert.equal(encodeVtpFrame('x'.repeat(0x01020304)).readUInt32BE(0), 0x01020304);
});

test('coalesced frames in one chunk, and frames split at every byte', () => {
  const stream = Buffer.concat(docs.map(encodeVtpFrame));
  const whole = new VtpFrameReader();
  whole.push(stream);
  assert.deepEqual(readAll(whole), docs);

  const bytewise = new VtpFrameReader();
  const out: string[] = [];
  for (let i = 0; i < stream.length; i += i < 200 ? 1 : 4093) {
    bytewise.push(stream.subarray(i, i < 200 ? i + 1 : i + 4093));
    out.push(...readAll(bytewise));
  }
  assert.deepEqual(out, docs);
  assert.equal(bytewise.pendingBytes, 0);
});

test('a length over the limit throws a one-line VtpFrameError; up to the limit is fine', () => {
  const reader = new VtpFrameReader(100);
  reader.push(encodeVtpFrame('y'.repeat(100)));
  assert.equal(readAll(reader)[0]?.length, 100);
  const littleEndian = Buffer.from([0x2c, 0x01, 0, 0]); // 300, written the wrong way round
  reader.push(littleEndian);
  assert.throws(
    () => reader.next(),
    (e: Error) =>
      e instanceof VtpFrameError && /length 738263040 is over the limit of 100 bytes/.test(e.message),
  );
});
