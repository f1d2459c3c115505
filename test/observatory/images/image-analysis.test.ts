// Background, noise and source detection on images built here with known truth.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeImage } from '../../../src/observatory/images/image-analysis.js';
import { normalRandom, uniformRandom } from '../../../src/observatory/images/seeded-random.js';

const W = 512;
const H = 512;
const B = 1000;
const SIGMA = 20;
const FWHM = 3;

interface Injected {
  readonly x: number;
  readonly y: number;
  /** Peak amplitude above background, in units of the noise. */
  readonly peakSigma: number;
}

/** Background B, Gaussian noise σ, and Gaussian stars of FWHM 3 px at least 20 px apart. */
function testImage(seed: number, stars: number): { data: Float32Array; injected: Injected[] } {
  const uniform = uniformRandom(seed);
  const normal = normalRandom(uniform);
  const data = new Float32Array(W * H);
  for (let i = 0; i < data.length; i += 1) data[i] = B + SIGMA * normal();
  const injected: Injected[] = [];
  const s = FWHM / 2.3548;
  while (injected.length < stars) {
    const x = 10 + uniform() * (W - 20);
    const y = 10 + uniform() * (H - 20);
    if (injected.some((o) => Math.hypot(o.x - x, o.y - y) < 20)) continue;
    // Log-uniform from 3σ (mostly below detection) to 300σ.
    const peakSigma = 3 * 100 ** uniform();
    injected.push({ x, y, peakSigma });
    for (let j = Math.floor(y) - 8; j <= Math.floor(y) + 8; j += 1) {
      for (let i = Math.floor(x) - 8; i <= Math.floor(x) + 8; i += 1) {
        const r2 = (i - x) ** 2 + (j - y) ** 2;
        data[j * W + i] = (data[j * W + i] as number) + peakSigma * SIGMA * Math.exp(-r2 / (2 * s * s));
      }
    }
  }
  return { data, injected };
}

test('recovers background and noise within 1 % and 3 %, detects ≥ 90 % of stars above 10σ, at most 3 false', () => {
  const { data, injected } = testImage(7, 60);
  for (let k = 0; k < 5; k += 1) data[(100 + 60 * k) * W + 300] = B + 100 * SIGMA; // hot pixels: not stars
  const result = analyzeImage(data, W, H, { maxSources: 1000 });
  assert.ok(Math.abs(result.background - B) / B < 0.01, `background ${result.background} vs ${B}`);
  assert.ok(Math.abs(result.noise - SIGMA) / SIGMA < 0.03, `noise ${result.noise} vs ${SIGMA}`);
  assert.equal(result.count, result.sources.length);
  const near = (src: { x: number; y: number }, star: Injected) =>
    Math.hypot(src.x - star.x, src.y - star.y) < 2;
  const bright = injected.filter((s) => s.peakSigma > 10);
  assert.ok(bright.length >= 20, `${bright.length} bright stars injected`);
  const found = bright.filter((star) => result.sources.some((src) => near(src, star)));
  assert.ok(found.length >= 0.9 * bright.length, `${found.length} of ${bright.length} stars above 10σ found`);
  const spurious = result.sources.filter((src) => !injected.some((star) => near(src, star)));
  assert.ok(spurious.length <= 3, `${spurious.length} detections match no star: ${JSON.stringify(spurious)}`);
  for (const star of bright.filter((s) => s.peakSigma > 30)) {
    const src = result.sources.find((s) => near(s, star));
    assert.ok(src !== undefined);
    assert.ok(
      Math.hypot(src.x - star.x, src.y - star.y) < 0.3,
      `centroid within 0.3 px of (${star.x}, ${star.y})`,
    );
    assert.ok(Math.abs(src.peak / SIGMA - star.peakSigma) / star.peakSigma < 0.3, 'peak within 30 %');
    assert.ok(src.fwhm > 0.7 * FWHM && src.fwhm < 1.4 * FWHM, `fwhm ${src.fwhm} for ${FWHM}`);
  }
  for (let i = 1; i < result.sources.length; i += 1) {
    assert.ok((result.sources[i - 1]?.flux ?? 0) >= (result.sources[i]?.flux ?? 0), 'brightest first');
  }
});

test('finds no sources in pure noise, and lists only the brightest N', () => {
  const noise = testImage(11, 0).data;
  const empty = analyzeImage(noise, W, H);
  assert.ok(empty.count <= 1, `${empty.count} sources in pure noise`);
  const { data } = testImage(12, 40);
  const all = analyzeImage(data, W, H, { maxSources: 1000 });
  const top = analyzeImage(data, W, H, { maxSources: 5 });
  assert.equal(top.count, all.count, 'count covers every detection');
  assert.deepEqual(top.sources, all.sources.slice(0, 5));
});

test('is deterministic, takes 16-bit camera data, and runs in < 200 ms for 512×512', () => {
  const { data } = testImage(13, 40);
  const asUint16 = Uint16Array.from(data, (v) => Math.round(v));
  assert.deepEqual(analyzeImage(asUint16, W, H), analyzeImage(asUint16, W, H));
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run += 1) {
    const start = performance.now();
    analyzeImage(data, W, H);
    best = Math.min(best, performance.now() - start);
  }
  assert.ok(best < 200, `${best.toFixed(0)} ms`);
  assert.throws(() => analyzeImage(data, 100, 100), /262144 pixels for a 100×100 image/);
});
