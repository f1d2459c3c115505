import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { PreviewCache, previewPng } from '../../src/dashboard/preview-png.js';
import type { ObservationHeader } from '../../src/observatory/images/fits-header.js';
import type { FitsData } from '../../src/observatory/images/fits-reader.js';
import { encodeFits } from '../../src/observatory/images/fits-writer.js';

function fits(width: number, height: number, value: (x: number, y: number) => number): FitsData {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = value(x, y);
  return { header: {}, width, height, data };
}

/** The grey level of PNG pixel (x, y), y from the top (pngjs decodes grey into RGBA). */
function grey(png: PNG, x: number, y: number): number {
  const i = (y * png.width + x) * 4;
  assert.equal(png.data[i], png.data[i + 1]);
  assert.equal(png.data[i], png.data[i + 2]);
  return png.data[i] as number;
}

describe('previewPng', () => {
  it('is a grey PNG of the image size, FITS row 0 at the bottom', () => {
    // 5 wide, 3 high: FITS row 0 (the bottom of the picture) bright, row 2 dark.
    const png = PNG.sync.read(previewPng(fits(5, 3, (x, y) => 1000 * (2 - y) + x)));
    assert.equal(png.width, 5);
    assert.equal(png.height, 3);
    for (let x = 0; x < 5; x++) {
      assert.ok(grey(png, x, 2) > grey(png, x, 1), `column ${x}: bottom brighter than middle`);
      assert.ok(grey(png, x, 1) > grey(png, x, 0), `column ${x}: middle brighter than top`);
    }
  });

  it('stretches asinh between the 0.5th and 99.5th percentiles', () => {
    // Values 0..9999, one per pixel: the cuts are 50 and 9950 (the 50th and 9950th smallest).
    const png = PNG.sync.read(previewPng(fits(100, 100, (x, y) => y * 100 + x)));
    const at = (v: number) => grey(png, v % 100, 99 - Math.floor(v / 100));
    assert.equal(at(0), 0, 'below the low cut: black');
    assert.equal(at(50), 0, 'the low cut: black');
    assert.equal(at(9950), 255, 'the high cut: white');
    assert.equal(at(9999), 255, 'above the high cut: white');
    // asinh(a·t)/asinh(a) with the softening a = 10: the middle value is lifted well above linear.
    const t = (5000 - 50) / (9950 - 50);
    assert.ok(Math.abs(at(5000) - (255 * Math.asinh(10 * t)) / Math.asinh(10)) <= 1);
    assert.ok(at(5000) > 190);
    // Monotonic: a brighter pixel is never darker.
    for (let v = 1; v < 10_000; v++) assert.ok(at(v) >= at(v - 1), `at ${v}`);
  });

  it('survives a flat image and pixels that are not numbers', () => {
    const flat = PNG.sync.read(previewPng(fits(4, 4, () => 7)));
    assert.equal(grey(flat, 0, 0), 0);
    const nan = PNG.sync.read(previewPng(fits(4, 4, (x) => (x === 0 ? Number.NaN : x))));
    assert.equal(grey(nan, 0, 0), 0);
    assert.equal(grey(nan, 3, 0), 255);
  });
});

describe('PreviewCache', () => {
  const header: ObservationHeader = {
    dateObs: 0,
    exposureS: 1,
    target: { raDeg: 0, decDeg: 0 },
    filter: 'R',
    objectName: 'test',
    telescope: 'test',
    instrument: 'test',
  };
  const fitsOf = (size: number): Buffer =>
    encodeFits({ pixels: new Uint16Array(size * size).map((_, i) => i), width: size, height: size }, header);

  /** Loaders of FITS bytes (as `Image data` would fetch them) that count their calls. */
  function loaders() {
    const calls = new Map<number, number>();
    const files = new Map<number, Buffer>();
    const load = (id: number) => async () => {
      calls.set(id, (calls.get(id) ?? 0) + 1);
      const bytes = files.get(id);
      if (bytes === undefined) throw new Error(`no image ${id}`);
      return bytes;
    };
    return { calls, files, load };
  }

  it('makes each preview once, keeps the latest ones, and forgets failures', async () => {
    const cache = new PreviewCache(2);
    const { calls, files, load } = loaders();
    files.set(1, fitsOf(8)).set(2, fitsOf(9)).set(3, fitsOf(10));
    const first = await cache.get(1, load(1));
    assert.equal(PNG.sync.read(first).width, 8);
    assert.equal(await cache.get(1, load(1)), first, 'the same buffer: not made again');
    assert.equal(calls.get(1), 1);
    await cache.get(2, load(2));
    await cache.get(1, load(1)); // 1 is now the most recently used
    await cache.get(3, load(3)); // evicts 2
    assert.equal(await cache.get(1, load(1)), first, 'still cached');
    assert.equal(calls.get(1), 1);
    await cache.get(2, load(2));
    assert.equal(calls.get(2), 2, '2 was evicted: fetched again');

    await assert.rejects(cache.get(4, load(4)), /no image 4/);
    files.set(4, fitsOf(5));
    assert.equal(PNG.sync.read(await cache.get(4, load(4))).width, 5, 'the failure was not kept');
    assert.equal(calls.get(4), 2);
  });

  it('shares one fetch between requests for an image being made, and rejects bytes that are not FITS', async () => {
    const cache = new PreviewCache(4);
    const { calls, files, load } = loaders();
    files.set(7, fitsOf(16));
    const [a, b] = await Promise.all([cache.get(7, load(7)), cache.get(7, load(7))]);
    assert.equal(a, b);
    assert.equal(calls.get(7), 1);
    files.set(8, Buffer.from('not a FITS file'));
    await assert.rejects(cache.get(8, load(8)), /^Error: image 8: not a FITS file/);
  });
});
