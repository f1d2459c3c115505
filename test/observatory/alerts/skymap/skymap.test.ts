// Sky map summaries: small maps built here whose areas and peak are known exactly, the gzip path,
// refusals in one line, and the real MS181101ab map against astropy-healpix + numpy values
// (astropy_healpix 0.6: uniq_to_level_ipix, nside_to_pixel_area, healpix_to_lonlat; areas by
// sorting the densities and interpolating the cumulative probability, as here).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { NoticeError } from '../../../../src/observatory/alerts/notice.js';
import {
  columnOf,
  readFirstBinTable,
  readInt64Column,
  readNumberColumn,
} from '../../../../src/observatory/alerts/skymap/fits-table.js';
import {
  nuniqToNested,
  pix2angNest,
  pixelAreaSr,
} from '../../../../src/observatory/alerts/skymap/healpix.js';
import { MAX_SKYMAP_BYTES, readSkyMap } from '../../../../src/observatory/alerts/skymap/skymap.js';
import { type CardValue, fitsFile } from './fits-writer.js';

const SQDEG = (180 / Math.PI) ** 2;
const DEC_NORTH_CHILD = Math.asin(11 / 12) * (180 / Math.PI); // nside 2, nested pixel 3: z = 11/12

function near(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= relative * Math.abs(expected),
    `${what}: ${actual}, expected ${expected}`,
  );
}

function refused(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(
    () => readSkyMap(bytes),
    (err: unknown) => {
      assert.ok(err instanceof NoticeError, `a NoticeError, got ${String(err)}`);
      assert.match(err.message, pattern);
      assert.doesNotMatch(err.message, /\n/, 'one line');
      return true;
    },
  );
}

/** A multi-order map of [uniq, probability] rows: densities = probability / pixel area. */
function moc(rows: ReadonlyArray<readonly [number, number]>, keywords: Record<string, CardValue> = {}) {
  const area = (u: number) => pixelAreaSr(2 ** nuniqToNested(BigInt(u)).order);
  return fitsFile({
    columns: [
      { name: 'UNIQ', form: 'K', values: rows.map(([u]) => BigInt(u)) },
      { name: 'PROBDENSITY', form: 'D', values: rows.map(([u, p]) => p / area(u)) },
      { name: 'DISTMU', form: 'D', values: rows.map(() => 40) },
    ],
    keywords: { PIXTYPE: 'HEALPIX', ORDERING: 'NUNIQ', COORDSYS: 'C', ...keywords },
  });
}

// The whole sky: base pixels 1..11 (order 0); base pixel 0 split into order-1 pixels 0..3
// (uniq 16..19), of which pixel 0 is split again into order-2 pixels 0..3 (uniq 64..67).
// Half the probability in uniq 19 (the densest), 0.1 in each order-2 pixel and in uniq 17.
const MOC_ROWS: Array<[number, number]> = [
  [64, 0.1],
  [65, 0.1],
  [66, 0.1],
  [67, 0.1],
  [17, 0.1],
  [18, 0],
  [19, 0.5],
  ...Array.from({ length: 11 }, (_, i): [number, number] => [5 + i, 0]),
];
const MOC = moc(MOC_ROWS);

describe('maps whose answer is known', () => {
  test('multi-order: 50 % in one order-1 pixel, 90 % adds the four order-2 ones', () => {
    const s = readSkyMap(MOC);
    near(s.area50Deg2, (Math.PI / 12) * SQDEG, 1e-9, '50 %: one order-1 pixel, π/12 sr');
    near(s.area90Deg2, (Math.PI / 12 + (4 * Math.PI) / 48) * SQDEG, 1e-9, '90 %: π/12 + 4·π/48 sr');
    near(s.peakRaDeg, 45, 1e-12, 'peak RA: nested nside 2 pixel 3');
    near(s.peakDecDeg, DEC_NORTH_CHILD, 1e-12, 'peak Dec');
    assert.equal(s.pixels, 18);
  });

  test('the order of the rows does not matter', () => {
    const shuffled = [...MOC_ROWS].reverse();
    [shuffled[2], shuffled[9]] = [shuffled[9] as [number, number], shuffled[2] as [number, number]];
    assert.deepEqual(readSkyMap(moc(shuffled)), readSkyMap(MOC));
  });

  test('uniform over the 12 base pixels: 90 % and 50 % of the sphere, a level inside a pixel', () => {
    const s = readSkyMap(moc(Array.from({ length: 12 }, (_, i) => [4 + i, 1 / 12] as [number, number])));
    near(s.area90Deg2, 0.9 * 4 * Math.PI * SQDEG, 1e-9, '90 %');
    near(s.area50Deg2, 0.5 * 4 * Math.PI * SQDEG, 1e-9, '50 %');
    // All pixels tie: the first one is the peak, base pixel 0 at z = 2/3, φ = π/4.
    near(s.peakRaDeg, 45, 1e-12, 'peak RA');
    near(s.peakDecDeg, Math.asin(2 / 3) * (180 / Math.PI), 1e-12, 'peak Dec');
  });

  test('single resolution, NESTED and RING: PROB per pixel', () => {
    const flat = (ordering: string, nside: number, probs: Record<number, number>) =>
      fitsFile({
        columns: [
          {
            name: 'PROB',
            form: 'E',
            values: Array.from({ length: 12 * nside * nside }, (_, i) => probs[i] ?? 0),
          },
        ],
        keywords: { PIXTYPE: 'HEALPIX', ORDERING: ordering, NSIDE: nside, INDXSCHM: 'IMPLICIT' },
      });
    const a1 = (Math.PI / 12) * SQDEG;
    // Nested pixel 3 and ring pixel 0 are the same pixel of nside 2: the north child of base 0.
    for (const s of [
      readSkyMap(flat('NESTED', 2, { 3: 0.75, 0: 0.25 })),
      readSkyMap(flat('RING', 2, { 0: 0.75, 47: 0.25 })),
    ]) {
      near(s.area50Deg2, (0.5 / 0.75) * a1, 1e-6, '50 %: two thirds of the densest pixel');
      near(s.area90Deg2, a1 + (0.15 / 0.25) * a1, 1e-6, '90 %');
      near(s.peakRaDeg, 45, 1e-12, 'peak RA');
      near(s.peakDecDeg, DEC_NORTH_CHILD, 1e-12, 'peak Dec');
      assert.equal(s.pixels, 48);
    }
    refused(flat('NESTED', 3, { 0: 1 }), /^sky map: NSIDE = 3 is not a power of two$/);
    refused(flat('RING', 0, {}), /^sky map: NSIDE = 0 is not a whole number/);
    const short = fitsFile({
      columns: [{ name: 'PROB', form: 'D', values: [1] }],
      keywords: { ORDERING: 'RING', NSIDE: 1 },
    });
    refused(short, /^sky map: 1 pixels, NSIDE 1 needs 12$/);
  });

  test('gzip-compressed, and bounded', () => {
    assert.deepEqual(readSkyMap(gzipSync(MOC)), readSkyMap(MOC));
    refused(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4]), /^sky map: bad gzip data/);
    // A gzip bomb: 65 MiB of zeros in a few dozen KiB.
    refused(
      gzipSync(new Uint8Array(MAX_SKYMAP_BYTES + 1024 * 1024)),
      /^sky map: more than 67108864 bytes once decompressed$/,
    );
    refused(new Uint8Array(MAX_SKYMAP_BYTES + 1), /^sky map: 67108865 bytes \(more than 67108864\)$/);
  });
});

describe('refusals', () => {
  test('garbage and truncated files', () => {
    refused(new Uint8Array(0), /^sky map: not a FITS file/);
    refused(new TextEncoder().encode('<html>not found</html>'), /^sky map: not a FITS file/);
    refused(
      MOC.subarray(0, 2880 + 2880 + 100),
      /^sky map: truncated BINTABLE \(expected 432 bytes, got 100\)$/,
    );
    refused(MOC.subarray(0, 3000), /^sky map: truncated extension 1 header \(no END card\)$/);
  });

  test('maps that are not probability maps of the equatorial sky', () => {
    refused(moc(MOC_ROWS, { ORDERING: 'XYZ' }), /^sky map: ordering XYZ not supported/);
    refused(
      fitsFile({ columns: [{ name: 'PROB', form: 'D', values: [1] }] }),
      /^sky map: no ORDERING keyword/,
    );
    refused(moc(MOC_ROWS, { COORDSYS: 'G' }), /^sky map: COORDSYS = G: only celestial/);
    refused(moc(MOC_ROWS.map(([u, p]) => [u, 2 * p])), /^sky map: its probabilities add up to 2, not 1$/);
    refused(moc(MOC_ROWS.map(([u]) => [u, 0])), /^sky map: it holds no probability$/);
    refused(moc([...MOC_ROWS.slice(1), [64, -0.1]]), /^sky map: PROBDENSITY of row 18 is -\d/);
    const badUniq = fitsFile({
      columns: [
        { name: 'UNIQ', form: 'K', values: [4n, 3n] },
        { name: 'PROBDENSITY', form: 'D', values: [1, 1] },
      ],
      keywords: { ORDERING: 'NUNIQ' },
    });
    refused(badUniq, /^sky map: UNIQ of row 2 is 3, not a NUNIQ index$/);
    const noDensity = fitsFile({
      columns: [{ name: 'UNIQ', form: 'K', values: [4n] }],
      keywords: { ORDERING: 'NUNIQ' },
    });
    refused(noDensity, /^sky map: BINTABLE has no PROBDENSITY column \(it has UNIQ\)$/);
  });
});

describe('the real MS181101ab map (BAYESTAR, 19200 pixels of orders 4..11)', () => {
  const alert = JSON.parse(
    readFileSync(
      new URL('../../../fixtures/notices/igwn/MS181101ab-preliminary.json', import.meta.url),
      'utf8',
    ),
  ) as { event: { skymap: string } };
  const bytes = new Uint8Array(Buffer.from(alert.event.skymap, 'base64'));
  const table = readFirstBinTable(bytes);
  const uniq = readInt64Column(table, columnOf(table, 'UNIQ'));
  const density = readNumberColumn(table, columnOf(table, 'PROBDENSITY'));
  const areas = [...uniq].map((u) => pixelAreaSr(2 ** nuniqToNested(u).order));

  test('it covers the sphere once and its probabilities add up to 1', () => {
    near(
      areas.reduce((a, b) => a + b, 0),
      4 * Math.PI,
      1e-12,
      'total area',
    );
    const total = areas.reduce((sum, a, i) => sum + a * (density[i] ?? 0), 0);
    assert.ok(Math.abs(total - 1) < 1e-6, `total probability ${total}`);
  });

  test('areas and peak as astropy-healpix gives them; the peak in the 50 % region', () => {
    const s = readSkyMap(bytes);
    assert.equal(s.pixels, table.header.get('NAXIS2'));
    assert.equal(s.pixels, 19200);
    near(s.area90Deg2, 30.97986031323378, 1e-9, '90 %');
    near(s.area50Deg2, 8.90058343588598, 1e-9, '50 %');
    assert.ok(s.area90Deg2 > s.area50Deg2);
    near(s.peakRaDeg, 194.30419921874997, 1e-12, 'peak RA');
    near(s.peakDecDeg, -17.856895095545468, 1e-12, 'peak Dec');
    // The 50 % region, found here by a plain sort: whole pixels until half the probability.
    const order = [...density.keys()].sort((a, b) => (density[b] ?? 0) - (density[a] ?? 0));
    let prob = 0;
    let area = 0;
    const region: bigint[] = [];
    for (const i of order) {
      if (prob >= 0.5) break;
      prob += (density[i] ?? 0) * (areas[i] ?? 0);
      area += areas[i] ?? 0;
      region.push(uniq[i] ?? 0n);
    }
    assert.ok(
      area * SQDEG >= s.area50Deg2 && s.area50Deg2 > area * SQDEG - 0.01,
      `50 % in ${area * SQDEG} deg²`,
    );
    const inRegion = region.some((u) => {
      const { order: o, ipix } = nuniqToNested(u);
      const c = pix2angNest(2 ** o, ipix);
      return (
        Math.abs((c.phi * 180) / Math.PI - s.peakRaDeg) < 1e-9 &&
        Math.abs(90 - (c.theta * 180) / Math.PI - s.peakDecDeg) < 1e-9
      );
    });
    assert.ok(inRegion, 'the peak is the centre of a pixel of the 50 % region');
  });

  test('it is read in well under a second', () => {
    const started = performance.now();
    readSkyMap(bytes);
    const ms = performance.now() - started;
    assert.ok(ms < 300, `${ms.toFixed(0)} ms`);
  });
});
