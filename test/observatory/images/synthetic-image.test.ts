// The simulated camera's images: a fixed sky, the right background and noise, fast enough.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeImage } from '../../../src/observatory/images/image-analysis.js';
import {
  CAMERA_MODEL,
  renderSkyImage,
  skyElectrons,
} from '../../../src/observatory/images/synthetic-image.js';

const center = { raDeg: 150, decDeg: 20 };
const base = { center, exposureS: 30, filter: 'R', seed: 1 };

test('the same pointing shows the same stars; the noise follows the seed', () => {
  const a = renderSkyImage(base);
  const b = renderSkyImage(base);
  assert.deepEqual(a.pixels, b.pixels, 'same inputs, same pixels');
  const reseeded = renderSkyImage({ ...base, seed: 2 });
  assert.deepEqual(reseeded.stars, a.stars, 'the stars do not depend on the noise seed');
  assert.notDeepEqual(reseeded.pixels, a.pixels);
  const elsewhere = renderSkyImage({ ...base, center: { raDeg: 210, decDeg: -35 } });
  assert.notDeepEqual(
    elsewhere.stars.map((s) => s.magnitude),
    a.stars.map((s) => s.magnitude),
  );
  const inside = a.stars.filter((s) => s.x >= 0 && s.y >= 0 && s.x < 512 && s.y < 512);
  // 2000 stars per square degree on 512″ × 512″ (0.0202 deg²): about 40.
  assert.ok(inside.length > 15 && inside.length < 80, `${inside.length} stars in the field`);
});

test('the stars are fixed on the sky: a pointing 10″ north moves them 10 px down, 10″ east moves them 10 px right', () => {
  const a = renderSkyImage(base).stars;
  const north = renderSkyImage({ ...base, center: { raDeg: 150, decDeg: 20 + 10 / 3600 } }).stars;
  const east = renderSkyImage({
    ...base,
    center: { raDeg: 150 + 10 / 3600 / Math.cos((20 * Math.PI) / 180), decDeg: 20 },
  }).stars;
  const central = a.filter((s) => s.x > 50 && s.x < 460 && s.y > 50 && s.y < 460);
  assert.ok(central.length > 5);
  for (const star of central) {
    const n = north.find((s) => s.magnitude === star.magnitude);
    const e = east.find((s) => s.magnitude === star.magnitude);
    assert.ok(n !== undefined && e !== undefined, 'the same star is in both images');
    assert.ok(Math.abs(n.y - (star.y - 10)) < 0.05 && Math.abs(n.x - star.x) < 0.05, `north: ${n.x}, ${n.y}`);
    assert.ok(Math.abs(e.x - (star.x + 10)) < 0.05 && Math.abs(e.y - star.y) < 0.05, `east: ${e.x}, ${e.y}`);
  }
});

test('background is bias + sky for the filter and exposure; the noise is photon plus read noise', () => {
  for (const [filter, exposureS] of [
    ['R', 30],
    ['B', 120],
    ['L', 5],
  ] as const) {
    const { pixels } = renderSkyImage({ ...base, filter, exposureS, seed: 3 });
    const sky = skyElectrons(filter, exposureS, 1);
    const result = analyzeImage(pixels, 512, 512);
    const expectedNoise = Math.sqrt(sky + CAMERA_MODEL.readNoiseE ** 2);
    assert.ok(
      Math.abs(result.background - (CAMERA_MODEL.biasAdu + sky)) < 1,
      `${filter} background ${result.background}`,
    );
    assert.ok(
      Math.abs(result.noise - expectedNoise) / expectedNoise < 0.02,
      `${filter} noise ${result.noise}`,
    );
  }
  assert.ok(skyElectrons('B', 30, 1) < skyElectrons('R', 30, 1), 'the sky is darker in B');
  assert.equal(
    skyElectrons('R', 60, 2),
    8 * skyElectrons('R', 30, 1),
    'sky per pixel grows with exposure and area',
  );
});

test('the analysis finds the drawn stars; clouds dim them', () => {
  const { pixels, stars } = renderSkyImage({ ...base, exposureS: 60 });
  const result = analyzeImage(pixels, 512, 512, { maxSources: 1000 });
  const bright = stars.filter(
    (s) => s.x > 5 && s.y > 5 && s.x < 506 && s.y < 506 && s.peak > 10 * result.noise,
  );
  assert.ok(bright.length >= 5, `${bright.length} bright stars`);
  const found = bright.filter((s) => result.sources.some((src) => Math.hypot(src.x - s.x, src.y - s.y) < 2));
  assert.ok(found.length >= 0.9 * bright.length, `${found.length} of ${bright.length} found`);
  const cloudy = renderSkyImage({ ...base, exposureS: 60, transmission: 0.5 });
  for (const [i, star] of cloudy.stars.entries()) assert.equal(star.flux, (stars[i]?.flux ?? 0) / 2);
});

test('renders 512×512 in < 50 ms', () => {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run += 1) {
    const start = performance.now();
    renderSkyImage({ ...base, seed: run });
    best = Math.min(best, performance.now() - start);
  }
  assert.ok(best < 50, `${best.toFixed(1)} ms`);
});
