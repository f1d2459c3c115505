// HEALPix pixel centres against values derived apart from the code: the base pixels' geometry
// (Górski et al. 2005), centres computed with astropy-healpix 0.6 (a separate C implementation),
// the ring scheme's own layout, and the nesting of pixels from one order to the next.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  centreToRaDec,
  nuniqOrder,
  nuniqToNested,
  type PixelCentre,
  pix2angNest,
  pix2angRing,
  pixelAreaSr,
} from '../../../../src/observatory/alerts/skymap/healpix.js';

const DEG = 180 / Math.PI;

function near(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual}, expected ${expected} ± ${tolerance}`,
  );
}

function closeTo(c: PixelCentre, raDeg: number, decDeg: number, what: string, tolerance = 1e-9): void {
  const got = centreToRaDec(c);
  near(got.raDeg, raDeg, tolerance, `${what} RA`);
  near(got.decDeg, decDeg, tolerance, `${what} Dec`);
}

/** Unit vector of a centre. */
function vec(c: PixelCentre): [number, number, number] {
  const s = Math.sin(c.theta);
  return [s * Math.cos(c.phi), s * Math.sin(c.phi), Math.cos(c.theta)];
}

function angle(a: PixelCentre, b: PixelCentre): number {
  const [x1, y1, z1] = vec(a);
  const [x2, y2, z2] = vec(b);
  return Math.acos(Math.min(1, x1 * x2 + y1 * y2 + z1 * z2));
}

describe('pix2angNest', () => {
  test('nside 1: the 12 base pixels, rows at z = 2/3, 0, −2/3, φ in steps of π/2', () => {
    for (let p = 0; p < 12; p++) {
      const row = Math.floor(p / 4);
      const { theta, phi } = pix2angNest(1, p);
      near(theta, Math.acos([2 / 3, 0, -2 / 3][row] ?? Number.NaN), 1e-12, `pixel ${p} θ`);
      // The polar rows are centred half a face off the equatorial one.
      near(phi, (p % 4) * (Math.PI / 2) + (row === 1 ? 0 : Math.PI / 4), 1e-12, `pixel ${p} φ`);
    }
  });

  test('nside 2: the four children of base pixel 0 lie south, east, west and north of its centre', () => {
    closeTo(pix2angNest(2, 0), 45, Math.asin(1 / 3) * DEG, 'pixel 0 (south, z = 1/3)');
    closeTo(pix2angNest(2, 1), 67.5, Math.asin(2 / 3) * DEG, 'pixel 1 (east, z = 2/3)');
    closeTo(pix2angNest(2, 2), 22.5, Math.asin(2 / 3) * DEG, 'pixel 2 (west, z = 2/3)');
    closeTo(pix2angNest(2, 3), 45, Math.asin(11 / 12) * DEG, 'pixel 3 (north, z = 11/12)');
  });

  test('nside 2: all 48 centres as astropy-healpix gives them', () => {
    // [RA, Dec] of nested pixels 0..47, from astropy_healpix.healpix_to_lonlat(range(48), 2, 'nested').
    const a = 19.471221;
    const b = 41.810315;
    const c = 66.443536;
    // biome-ignore format: a table, eight pixels a line
    const expected = [
      [45, a], [67.5, b], [22.5, b], [45, c], [135, a], [157.5, b], [112.5, b], [135, c],
      [225, a], [247.5, b], [202.5, b], [225, c], [315, a], [337.5, b], [292.5, b], [315, c],
      [0, -a], [22.5, 0], [337.5, 0], [0, a], [90, -a], [112.5, 0], [67.5, 0], [90, a],
      [180, -a], [202.5, 0], [157.5, 0], [180, a], [270, -a], [292.5, 0], [247.5, 0], [270, a],
      [45, -c], [67.5, -b], [22.5, -b], [45, -a], [135, -c], [157.5, -b], [112.5, -b], [135, -a],
      [225, -c], [247.5, -b], [202.5, -b], [225, -a], [315, -c], [337.5, -b], [292.5, -b], [315, -a],
    ];
    for (const [p, [ra, dec]] of expected.entries()) {
      closeTo(pix2angNest(2, p), ra ?? 0, dec ?? 0, `pixel ${p}`, 1e-6);
    }
  });

  test('deep orders, bigint indices past 2^53, as astropy-healpix gives them', () => {
    const cases: Array<[number, bigint, number, number]> = [
      [2 ** 29, 0n, 45.0, 7.114780385429948e-8],
      [2 ** 29, 12n * 4n ** 29n - 1n, 315.0, -7.114780385429948e-8],
      [2 ** 29, 123456789012345678n, 58.92015704201946, 48.22052923714934],
      [2 ** 20, 5_000_000_000n, 46.61430358886719, 3.4764952048711426],
      [2 ** 11, 25541726n, 194.30419921874997, -17.856895095545468],
      [8, 700n, 225, -14.477512185929925],
    ];
    for (const [nside, ipix, ra, dec] of cases)
      closeTo(pix2angNest(nside, ipix), ra, dec, `${nside}/${ipix}`, 1e-8);
    // A number and a bigint index are the same pixel.
    assert.deepEqual(pix2angNest(2 ** 20, 5_000_000_000), pix2angNest(2 ** 20, 5_000_000_000n));
  });

  test('every order up to 6: the centres are the ring scheme centres, each once', () => {
    for (let order = 0; order <= 6; order++) {
      const nside = 2 ** order;
      const key = (c: PixelCentre) =>
        `${Math.round(c.theta * 1e9)},${Math.round((c.phi % (2 * Math.PI)) * 1e9)}`;
      const ring = new Set<string>();
      for (let p = 0; p < 12 * nside * nside; p++) ring.add(key(pix2angRing(nside, p)));
      const nested = new Set<string>();
      for (let p = 0; p < 12 * nside * nside; p++) nested.add(key(pix2angNest(nside, p)));
      assert.equal(ring.size, 12 * nside * nside, `nside ${nside}: distinct ring centres`);
      assert.deepEqual([...nested].sort(), [...ring].sort(), `nside ${nside}`);
    }
  });

  test('nesting: the four children of a pixel (4p..4p+3 at twice the nside) lie around its centre', () => {
    for (let order = 0; order < 7; order++) {
      const nside = 2 ** order;
      // The pixel's size: children's centres are about a quarter of a pixel diagonal away.
      const size = Math.sqrt(pixelAreaSr(nside));
      for (let p = 0; p < 12 * nside * nside; p++) {
        const parent = pix2angNest(nside, p);
        for (let k = 0; k < 4; k++) {
          const child = pix2angNest(2 * nside, 4 * p + k);
          const d = angle(parent, child);
          assert.ok(
            d > 0.2 * size && d < 0.8 * size,
            `order ${order} pixel ${p} child ${k}: ${d / size} pixels away`,
          );
        }
      }
    }
  });

  test('refuses an nside that is not a power of two and an index out of range', () => {
    assert.throws(() => pix2angNest(3, 0), RangeError);
    assert.throws(() => pix2angNest(2 ** 30, 0), RangeError);
    assert.throws(() => pix2angNest(2, 48), RangeError);
    assert.throws(() => pix2angNest(2, -1), RangeError);
    assert.throws(() => pix2angNest(2, 0.5), RangeError);
  });
});

describe('pix2angRing', () => {
  test('values from astropy-healpix', () => {
    const cases: Array<[number, number, number, number]> = [
      [4, 0, 45, 78.28414760510763],
      [4, 50, 225, 30.000000000000004],
      [4, 191, 315, -78.28414760510763],
      [8, 37, 303.75, 66.44353569089876],
      [8, 400, 0, -4.780191847199159],
      [8, 767, 315, -84.14973293629666],
      [1024, 1234567, 62.69083969465649, 53.47602978177208],
      [1024, 12582911, 315, -89.95431463934247],
      [1024, 5, 67.5, 89.90862927142344],
    ];
    for (const [nside, ipix, ra, dec] of cases)
      closeTo(pix2angRing(nside, ipix), ra, dec, `${nside}/${ipix}`, 1e-9);
  });

  test('rings from north to south, equally spaced in φ, 4·i pixels in cap ring i, 4·nside in the belt', () => {
    for (const nside of [1, 2, 3, 5, 8]) {
      let p = 0;
      for (let ring = 1; ring < 4 * nside; ring++) {
        const k = Math.min(ring, 4 * nside - ring, nside);
        const z =
          ring < nside
            ? 1 - (ring * ring) / (3 * nside * nside)
            : ring > 3 * nside
              ? -1 + (4 * nside - ring) ** 2 / (3 * nside * nside)
              : ((2 * nside - ring) * 2) / (3 * nside);
        const first = pix2angRing(nside, p);
        for (let j = 0; j < 4 * k; j++, p++) {
          const c = pix2angRing(nside, p);
          near(Math.cos(c.theta), z, 1e-12, `nside ${nside} ring ${ring} pixel ${p} z`);
          near(c.phi - first.phi, (j * Math.PI) / (2 * k), 1e-12, `nside ${nside} pixel ${p} φ step`);
        }
      }
      assert.equal(p, 12 * nside * nside);
    }
  });

  test('refuses a bad nside or index', () => {
    assert.throws(() => pix2angRing(0, 0), RangeError);
    assert.throws(() => pix2angRing(3, 108), RangeError);
  });
});

describe('NUNIQ and areas', () => {
  test('uniq = 4·nside² + ipix', () => {
    assert.deepEqual(nuniqToNested(4n), { order: 0, ipix: 0n });
    assert.deepEqual(nuniqToNested(15n), { order: 0, ipix: 11n });
    assert.deepEqual(nuniqToNested(16n), { order: 1, ipix: 0n });
    assert.deepEqual(nuniqToNested(63n), { order: 1, ipix: 47n });
    assert.deepEqual(nuniqToNested(64n), { order: 2, ipix: 0n });
    // The densest pixel of MS181101ab's map (astropy_healpix.uniq_to_level_ipix).
    assert.deepEqual(nuniqToNested(42318942n), { order: 11, ipix: 25541726n });
    // Around powers of two past 2^53, where a floating-point log2 would round to the next order.
    assert.deepEqual(nuniqToNested(2n ** 60n - 1n), { order: 28, ipix: 12n * 4n ** 28n - 1n });
    assert.deepEqual(nuniqToNested(2n ** 60n), { order: 29, ipix: 0n });
    assert.deepEqual(nuniqToNested(2n ** 62n - 1n), { order: 29, ipix: 12n * 4n ** 29n - 1n });
    for (let order = 0; order <= 29; order++) {
      const base = 4n * 4n ** BigInt(order);
      assert.equal(nuniqOrder(base), order);
      assert.equal(nuniqOrder(4n * base - 1n), order, `last pixel of order ${order}`);
    }
  });

  test('refuses what is not a NUNIQ index', () => {
    for (const u of [-1n, 0n, 3n, 2n ** 62n, -(2n ** 63n)])
      assert.throws(() => nuniqOrder(u), RangeError, String(u));
  });

  test('pixel areas tile the sphere', () => {
    near(pixelAreaSr(1), Math.PI / 3, 1e-15, 'nside 1');
    for (const nside of [1, 2, 64, 2 ** 29])
      near(12 * nside * nside * pixelAreaSr(nside), 4 * Math.PI, 1e-12, `nside ${nside}`);
  });
});
