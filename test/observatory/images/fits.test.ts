// FITS files: round trips through our writer and reader, checked by HEASARC's fitsverify.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ObservationHeader } from '../../../src/observatory/images/fits-header.js';
import { decodeFits, readFits } from '../../../src/observatory/images/fits-reader.js';
import { writeFits } from '../../../src/observatory/images/fits-writer.js';
import { tempDir } from '../../helpers.js';
import { fitsverify } from './fitsverify.js';

const header: ObservationHeader = {
  dateObs: Date.UTC(2026, 2, 1, 22, 15, 30, 123),
  exposureS: 30,
  target: { raDeg: 150.123456789, decDeg: -20.5 },
  filter: 'R',
  objectName: "GRB 260301A (Swift's)",
  telescope: 'TAROT Calern',
  instrument: 'andor-sim',
  pixelScaleArcsec: 1.25,
};

function assertVerified(path: string): void {
  const verdict = fitsverify(path);
  assert.match(verdict, /^verification OK/, `fitsverify: ${verdict}`);
}

test('a 16-bit image round-trips: every pixel, every header value, and fitsverify finds 0 errors and 0 warnings', async () => {
  const width = 37; // not a multiple of anything, so rows and block padding are both exercised
  const height = 23;
  const pixels = new Uint16Array(width * height);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = (i * 2654435761) % 65536;
  pixels[0] = 0;
  pixels[1] = 65535;
  pixels[2] = 32768;
  const path = join(tempDir('pyros-fits-'), 'frame.fits');
  await writeFits(path, { pixels, width, height }, header, [
    { keyword: 'AIRMASS', value: 1.2345, comment: 'at mid-exposure' },
    { keyword: 'SIMULATE', value: true },
    { keyword: 'CCD-TEMP', value: -40.25, comment: "[C] it's cold" },
    { keyword: 'ALERT_ID', value: "ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_1234-567 'x'" },
    { keyword: 'TINY', value: 1.5e-12 },
  ]);
  assertVerified(path);
  const bytes = readFileSync(path);
  assert.equal(bytes.length % 2880, 0, 'whole 2880-byte blocks');
  const fits = await readFits(path);
  assert.equal(fits.width, width);
  assert.equal(fits.height, height);
  assert.deepEqual(Array.from(fits.data), Array.from(pixels));
  const h = fits.header;
  assert.equal(h.SIMPLE, true);
  assert.equal(h.BITPIX, 16);
  assert.equal(h.BZERO, 32768);
  assert.equal(h.BSCALE, 1);
  assert.equal(h['DATE-OBS'], '2026-03-01T22:15:30.123');
  assert.equal(h.EXPTIME, 30);
  assert.equal(h.RA, 150.123456789);
  assert.equal(h.DEC, -20.5);
  assert.equal(h.FILTER, 'R');
  assert.equal(h.OBJECT, "GRB 260301A (Swift's)");
  assert.equal(h.TELESCOP, 'TAROT Calern');
  assert.equal(h.INSTRUME, 'andor-sim');
  assert.equal(h.ORIGIN, 'pyros-ts');
  assert.equal(h.PIXSCALE, 1.25);
  assert.equal(h.AIRMASS, 1.2345);
  assert.equal(h.SIMULATE, true);
  assert.equal(h['CCD-TEMP'], -40.25);
  assert.equal(h.ALERT_ID, "ivo://nasa.gsfc.gcn/SWIFT#BAT_GRB_Pos_1234-567 'x'");
  assert.equal(h.TINY, 1.5e-12);
  // Cards are 80 columns; fixed-format values end in column 30.
  const cards = bytes.subarray(0, 2880).toString('latin1').match(/.{80}/g) ?? [];
  assert.equal(cards[1], `BITPIX  = ${'16'.padStart(20)} / 16-bit integers`.padEnd(80));
  assert.ok(cards.some((c) => c.startsWith('END ')));
});

test('a float image round-trips exactly with BITPIX -32', async () => {
  const width = 64;
  const height = 50;
  const pixels = new Float32Array(width * height);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = Math.fround(Math.sin(i) * 1e4 - 0.125);
  pixels[5] = Math.fround(-3.4e38);
  const path = join(tempDir('pyros-fits-'), 'reduced.fits');
  await writeFits(path, { pixels, width, height }, header);
  assertVerified(path);
  const fits = await readFits(path);
  assert.equal(fits.header.BITPIX, -32);
  assert.equal(fits.header.BZERO, undefined);
  assert.deepEqual(fits.data, pixels);
});

test('the header refuses keywords that are not FITS-legal, reserved or repeated, and values that do not fit', async () => {
  const dir = tempDir('pyros-fits-');
  const image = { pixels: new Uint16Array(4), width: 2, height: 2 };
  const refuse = (extra: Parameters<typeof writeFits>[3], pattern: RegExp) =>
    assert.rejects(writeFits(join(dir, 'x.fits'), image, header, extra), pattern);
  await refuse([{ keyword: 'airmass', value: 1 }], /keyword "airmass" is not legal/);
  await refuse([{ keyword: 'LONGKEYWORD', value: 1 }], /keyword "LONGKEYWORD" is not legal/);
  await refuse([{ keyword: 'SEE ING', value: 1 }], /not legal/);
  await refuse([{ keyword: 'RA', value: 1 }], /RA is reserved/);
  await refuse([{ keyword: 'NAXIS', value: 3 }], /NAXIS is reserved/);
  await refuse(
    [
      { keyword: 'A', value: 1 },
      { keyword: 'A', value: 2 },
    ],
    /A given twice/,
  );
  await refuse([{ keyword: 'NOTE', value: 'é' }], /NOTE is not printable ASCII/);
  await refuse([{ keyword: 'NOTE', value: 'x'.repeat(69) }], /NOTE is 69 characters, more than 68/);
  await refuse([{ keyword: 'GAIN', value: Number.NaN }], /GAIN is NaN, not a finite number/);
  await assert.rejects(
    writeFits(join(dir, 'x.fits'), { pixels: new Uint16Array(3), width: 2, height: 2 }, header),
    /3 pixels for a 2×2 image/,
  );
  await assert.rejects(
    writeFits(join(dir, 'x.fits'), image, { ...header, target: { raDeg: 361, decDeg: 0 } }),
    /ra 361 not in \[0, 360\)/,
  );
  assert.deepEqual(readdirSync(dir), [], 'nothing written, not even a temporary file');
});

test('a write that fails leaves the previous file whole and no temporary file behind', async () => {
  const dir = tempDir('pyros-fits-');
  const path = join(dir, 'frame.fits');
  const image = { pixels: new Uint16Array([1, 2, 3, 4]), width: 2, height: 2 };
  await writeFits(path, image, header);
  const before = readFileSync(path);
  await assert.rejects(writeFits(join(dir, 'missing-dir', 'frame.fits'), image, header), /ENOENT/);
  await writeFits(path, { ...image, pixels: new Uint16Array([9, 9, 9, 9]) }, header);
  assert.deepEqual(readdirSync(dir), ['frame.fits'], 'only the final name is left');
  assert.notDeepEqual(readFileSync(path), before, 'replaced as a whole');
  assert.deepEqual(Array.from((await readFits(path)).data), [9, 9, 9, 9]);
});

test('the reader applies BZERO and BSCALE to a hand-made file, and names what is wrong with bad files', async () => {
  // A file built by hand from the FITS standard: BITPIX 8, physical = 10 + 0.5 × raw.
  const card = (text: string) => text.padEnd(80);
  const head = [
    card('SIMPLE  =                    T'),
    card('BITPIX  =                    8'),
    card('NAXIS   =                    2'),
    card('NAXIS1  =                    3'),
    card('NAXIS2  =                    2'),
    card('BZERO   =                 10.0'),
    card('BSCALE  =                 5.0D-1 / Fortran exponent'),
    card("OBSERVER= 'O''Brien  '"),
    card('COMMENT   free text = not a value'),
    card('END'),
  ].join('');
  const bytes = Buffer.alloc(2880 * 2, 0);
  bytes.write(head.padEnd(2880), 0, 'latin1');
  Buffer.from([0, 1, 2, 100, 254, 255]).copy(bytes, 2880);
  const fits = decodeFits(bytes, 'hand.fits');
  assert.deepEqual(Array.from(fits.data), [10, 10.5, 11, 60, 137, 137.5]);
  assert.equal(fits.header.OBSERVER, "O'Brien");
  assert.equal(fits.header.COMMENT, undefined);

  const dir = tempDir('pyros-fits-');
  const text = join(dir, 'notes.fits');
  writeFileSync(text, 'this is not a FITS file\n'.repeat(200));
  await assert.rejects(readFits(text), /notes\.fits: not a FITS file/);
  const truncated = join(dir, 'cut.fits');
  writeFileSync(truncated, bytes.subarray(0, 2880 + 3));
  await assert.rejects(readFits(truncated), /cut\.fits: truncated FITS data/);
  const cube = join(dir, 'cube.fits');
  writeFileSync(
    cube,
    Buffer.from(
      head.replace('NAXIS   =                    2', 'NAXIS   =                    3').padEnd(5760),
    ),
  );
  await assert.rejects(readFits(cube), /cube\.fits: NAXIS = 3; only 2-D images are read/);
});
