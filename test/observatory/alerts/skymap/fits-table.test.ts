// The FITS reader on files written by the test's own writer (fits-writer.ts) and on the real
// MS181101ab sky map, and its refusals: one line each, naming what is wrong.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { NoticeError } from '../../../../src/observatory/alerts/notice.js';
import {
  columnOf,
  readFirstBinTable,
  readInt64Column,
  readNumberColumn,
} from '../../../../src/observatory/alerts/skymap/fits-table.js';
import { card, fitsFile, headerBlock } from './fits-writer.js';

function refused(f: () => unknown, pattern: RegExp): void {
  assert.throws(f, (err: unknown) => {
    assert.ok(err instanceof NoticeError, `a NoticeError, got ${String(err)}`);
    assert.match(err.message, pattern);
    assert.doesNotMatch(err.message, /\n/, 'one line');
    return true;
  });
}

const SMALL = fitsFile({
  columns: [
    { name: 'UNIQ', form: 'K', values: [4n, 2n ** 62n - 1n, -(2n ** 63n)] },
    { name: 'PROBDENSITY', form: 'D', values: [0.5, -1.25e-300, 3] },
    { name: 'SMALL', form: 'E', values: [1.5, -2, 0.25] },
    { name: 'INT', form: 'J', values: [-2147483648, 7, 2147483647] },
    { name: 'SHORT', form: 'I', values: [-32768, 1, 32767] },
  ],
  keywords: { ORDERING: 'NUNIQ', OBJECT: "it's", COORDSYS: 'C', MOCORDER: 11, LOGICAL: false },
  rawCards: [
    'BIG     =              1.5D+03 / a Fortran-style exponent'.padEnd(80),
    "SLASH   = 'a/b     '           / a slash inside a string".padEnd(80),
    'COMPLEX =           (1.0, 2.0) / not read'.padEnd(80),
    'HISTORY = this is not a value'.padEnd(80),
    "ORDERING= 'RING    '           / a repeated keyword: the first wins".padEnd(80),
  ],
});

describe('readFirstBinTable', () => {
  test('reads the header and every column type, big-endian', () => {
    const t = readFirstBinTable(SMALL);
    assert.equal(t.rows, 3);
    assert.equal(t.rowBytes, 8 + 8 + 4 + 4 + 2);
    assert.deepEqual(
      t.columns.map((c) => [c.name, c.type, c.repeat, c.offset]),
      [
        ['UNIQ', 'K', 1, 0],
        ['PROBDENSITY', 'D', 1, 8],
        ['SMALL', 'E', 1, 16],
        ['INT', 'J', 1, 20],
        ['SHORT', 'I', 1, 24],
      ],
    );
    assert.equal(t.header.get('ORDERING'), 'NUNIQ');
    assert.equal(t.header.get('OBJECT'), "it's", 'a doubled quote is one quote');
    assert.equal(t.header.get('MOCORDER'), 11);
    assert.equal(t.header.get('LOGICAL'), false);
    assert.equal(t.header.get('BIG'), 1500);
    assert.equal(t.header.get('SLASH'), 'a/b');
    assert.equal(t.header.get('COMPLEX'), null);
    assert.equal(t.header.get('HISTORY'), undefined);
    assert.deepEqual([...readInt64Column(t, columnOf(t, 'uniq'))], [4n, 2n ** 62n - 1n, -(2n ** 63n)]);
    assert.deepEqual([...readNumberColumn(t, columnOf(t, 'PROBDENSITY'))], [0.5, -1.25e-300, 3]);
    assert.deepEqual([...readNumberColumn(t, columnOf(t, 'SMALL'))], [1.5, -2, 0.25]);
    assert.deepEqual([...readNumberColumn(t, columnOf(t, 'INT'))], [-2147483648, 7, 2147483647]);
    assert.deepEqual([...readNumberColumn(t, columnOf(t, 'SHORT'))], [-32768, 1, 32767]);
  });

  test('repeat counts give several values a row; TSCAL and TZERO are applied', () => {
    const bytes = fitsFile({
      columns: [{ name: 'PROB', form: 'E', repeat: 4, values: [1, 2, 3, 4, 5, 6, 7, 8] }],
      keywords: { TSCAL1: 2, TZERO1: 0.5 },
    });
    const t = readFirstBinTable(bytes);
    assert.equal(t.rows, 2);
    assert.deepEqual(
      [...readNumberColumn(t, columnOf(t, 'PROB'))],
      [2.5, 4.5, 6.5, 8.5, 10.5, 12.5, 14.5, 16.5],
    );
  });

  test('skips an IMAGE extension before the table', () => {
    const primary = headerBlock([
      card('SIMPLE', true),
      card('BITPIX', 8),
      card('NAXIS', 0),
      card('EXTEND', true),
    ]);
    const image = headerBlock([
      card('XTENSION', 'IMAGE'),
      card('BITPIX', -32),
      card('NAXIS', 2),
      card('NAXIS1', 30),
      card('NAXIS2', 30),
      card('PCOUNT', 0),
      card('GCOUNT', 1),
    ]);
    const imageData = new Uint8Array(2880); // 30·30·4 = 3600 bytes → two blocks
    const table = SMALL.subarray(2880);
    const bytes = new Uint8Array([...primary, ...image, ...imageData, ...imageData, ...table]);
    assert.equal(readFirstBinTable(bytes).rows, 3);
    const cut = bytes.subarray(0, primary.length + image.length + 1000);
    refused(
      () => readFirstBinTable(cut),
      /^sky map: truncated extension 1 data \(expected 3600 bytes, got 1000\)$/,
    );
  });

  test('the real MS181101ab sky map', () => {
    const alert = JSON.parse(
      readFileSync(
        new URL('../../../fixtures/notices/igwn/MS181101ab-preliminary.json', import.meta.url),
        'utf8',
      ),
    ) as { event: { skymap: string } };
    const t = readFirstBinTable(new Uint8Array(Buffer.from(alert.event.skymap, 'base64')));
    assert.equal(t.rows, 19200);
    assert.equal(t.rowBytes, 40);
    assert.deepEqual(
      t.columns.map((c) => c.name),
      ['UNIQ', 'PROBDENSITY', 'DISTMU', 'DISTSIGMA', 'DISTNORM'],
    );
    assert.equal(t.header.get('ORDERING'), 'NUNIQ');
    assert.equal(t.header.get('CREATOR'), 'BAYESTAR');
    assert.equal(t.header.get('DISTMEAN'), 39.76999609489013);
    assert.equal(t.header.get('INSTRUME'), 'H1,L1,V1');
  });
});

describe('refusals', () => {
  test('not FITS, truncated headers and tables', () => {
    refused(() => readFirstBinTable(new Uint8Array(0)), /^sky map: not a FITS file/);
    refused(() => readFirstBinTable(new TextEncoder().encode('hello world')), /^sky map: not a FITS file/);
    refused(
      () => readFirstBinTable(SMALL.subarray(0, 2880 + 1000)),
      /^sky map: truncated extension 1 header/,
    );
    refused(() => readFirstBinTable(SMALL.subarray(0, 2880)), /^sky map: no BINTABLE extension$/);
    refused(
      () => readFirstBinTable(SMALL.subarray(0, 2 * 2880 + 50)),
      /^sky map: truncated BINTABLE \(expected 78 bytes, got 50\)$/,
    );
    const lying = fitsFile({
      columns: [{ name: 'PROB', form: 'D', values: [1] }],
      override: { NAXIS2: 96000 },
    });
    refused(
      () => readFirstBinTable(lying),
      /^sky map: truncated BINTABLE \(expected 768000 bytes, got 2880\)$/,
    );
  });

  test('malformed headers', () => {
    const bad = (override: Record<string, string | number | boolean>) =>
      fitsFile({ columns: [{ name: 'PROB', form: 'D', values: [1] }], override });
    refused(
      () => readFirstBinTable(bad({ NAXIS1: 4 })),
      /^sky map: BINTABLE columns take 8 bytes a row, NAXIS1 says 4$/,
    );
    refused(() => readFirstBinTable(bad({ NAXIS2: 'many' })), /NAXIS2 = many is not a whole number/);
    refused(() => readFirstBinTable(bad({ NAXIS2: -1 })), /NAXIS2 = -1 is not a whole number/);
    refused(() => readFirstBinTable(bad({ BITPIX: 16 })), /BITPIX is not 8/);
    refused(() => readFirstBinTable(bad({ TFIELDS: 2 })), /TFORM2 missing/);
    refused(
      () => readFirstBinTable(bad({ NAXIS2: 60_000_000 })),
      /^sky map: BINTABLE of 60000000 rows \(more than 50000000\)$/,
    );
    refused(() => readFirstBinTable(SMALL, 2), /^sky map: BINTABLE of 3 rows \(more than 2\)$/);
    const tform = fitsFile({
      columns: [{ name: 'PROB', form: 'D', values: [1] }],
      override: { TFIELDS: 2 },
      keywords: { TFORM2: 'Z' },
    });
    refused(
      () => readFirstBinTable(tform),
      /^sky map: BINTABLE header: TFORM2 = 'Z' is not a FITS binary table format$/,
    );
    const binary = SMALL.slice();
    binary[2880 + 80 * 3 + 20] = 0x07;
    refused(() => readFirstBinTable(binary), /^sky map: extension 1 header: card 4 is not ASCII text$/);
    const unterminated = SMALL.slice();
    unterminated.set(new TextEncoder().encode(card('XTENSION', 'BINTABLE').replace(/'(\s*)$/, ' $1')), 2880);
    refused(() => readFirstBinTable(unterminated), /unterminated string/);
  });

  test('columns that are missing or of the wrong type', () => {
    const t = readFirstBinTable(SMALL);
    refused(
      () => columnOf(t, 'PROB'),
      /^sky map: BINTABLE has no PROB column \(it has UNIQ, PROBDENSITY, SMALL, INT, SHORT\)$/,
    );
    refused(() => readInt64Column(t, columnOf(t, 'PROBDENSITY')), /is not K/);
    const text = fitsFile({ columns: [{ name: 'PROB', form: 'D', values: [1] }], keywords: {} });
    const tt = readFirstBinTable(text);
    refused(() => readNumberColumn(tt, { ...columnOf(tt, 'PROB'), type: 'A' }), /is not numeric/);
  });
});
