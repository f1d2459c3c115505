import type { Equatorial } from '../astro/coordinates.js';
import { hashNumbers, normalRandom, uniformRandom } from './seeded-random.js';
import { starsAround } from './star-field.js';

/** What the simulated camera sees, and how. */
export interface SkyImageOptions {
  /** The pointing: the image's centre. */
  readonly center: Equatorial;
  readonly exposureS: number;
  /** Sets the sky brightness and the star zero point; unknown names are taken as `Clear`. */
  readonly filter: string;
  /** Seeds the noise: the same seed gives the same pixels (the camera uses the exposure's start time). */
  readonly seed: number;
  /** Default 512 × 512. */
  readonly width?: number;
  readonly height?: number;
  /** Default 1 arcsec per pixel. */
  readonly pixelScaleArcsec?: number;
  /** Star FWHM, arcseconds (default 3). */
  readonly seeingArcsec?: number;
  /** Fraction of the stars' light that gets through the clouds, 0–1 (default 1). */
  readonly transmission?: number;
}

/** A star as drawn on the image: pixel position (0-based, pixel centres at integers) and electrons. */
export interface DrawnStar {
  readonly x: number;
  readonly y: number;
  readonly magnitude: number;
  /** Total electrons in the star's image. */
  readonly flux: number;
  /** Electrons per pixel at the centre of the PSF (before sampling and saturation). */
  readonly peak: number;
}

/** The camera's constants: gain 1 e⁻/ADU, so electrons and ADU are the same numbers. */
export const CAMERA_MODEL = { biasAdu: 1000, readNoiseE: 5, saturationAdu: 65535 } as const;

/** Per filter: sky electrons per second per square arcsecond, and the magnitude giving 1 e⁻/s. */
const CLEAR = { sky: 25, zeroPoint: 22.2 } as const;
const FILTERS: Readonly<Record<string, { readonly sky: number; readonly zeroPoint: number }>> = {
  Clear: CLEAR,
  L: { sky: 20, zeroPoint: 22 },
  R: { sky: 10, zeroPoint: 21.5 },
  V: { sky: 6, zeroPoint: 21.3 },
  B: { sky: 4, zeroPoint: 20.8 },
};

/** Sky electrons per pixel for `filter` over `exposureS` at `pixelScaleArcsec`: the image's background above bias. */
export function skyElectrons(filter: string, exposureS: number, pixelScaleArcsec: number): number {
  return (FILTERS[filter] ?? CLEAR).sky * exposureS * pixelScaleArcsec ** 2;
}

/**
 * A simulated exposure: bias plus sky, the stars of the simulated sky ({@link starsAround}) as
 * Gaussian PSFs at their gnomonic positions (north up, east left), and Gaussian noise with the
 * variance of photon plus read noise, clipped to 16 bits.
 */
export function renderSkyImage(options: SkyImageOptions): { pixels: Uint16Array; stars: DrawnStar[] } {
  const width = options.width ?? 512;
  const height = options.height ?? 512;
  const scale = options.pixelScaleArcsec ?? 1;
  const fwhmPx = (options.seeingArcsec ?? 3) / scale;
  const sigma = fwhmPx / (2 * Math.sqrt(2 * Math.LN2));
  const band = FILTERS[options.filter] ?? CLEAR;
  const transmission = options.transmission ?? 1;
  const mean = new Float32Array(width * height).fill(skyElectrons(options.filter, options.exposureS, scale));
  const stars: DrawnStar[] = [];
  const radiusDeg = (Math.hypot(width, height) / 2 + 4 * sigma) * (scale / 3600);
  for (const star of starsAround(options.center, radiusDeg)) {
    const place = project(options.center, star.position);
    if (place === undefined) continue;
    const x = (width - 1) / 2 - place.xi / (scale / 3600);
    const y = (height - 1) / 2 + place.eta / (scale / 3600);
    if (x < -4 * sigma || y < -4 * sigma || x > width - 1 + 4 * sigma || y > height - 1 + 4 * sigma) continue;
    const flux = options.exposureS * transmission * 10 ** (-0.4 * (star.magnitude - band.zeroPoint));
    stars.push({ x, y, magnitude: star.magnitude, flux, peak: flux / (2 * Math.PI * sigma * sigma) });
    drawGaussian(mean, width, height, x, y, sigma, flux);
  }
  return { pixels: addNoise(mean, options.seed), stars };
}

/** Tangent-plane offsets (degrees) of `p` from `center`; undefined on the far hemisphere. */
function project(center: Equatorial, p: Equatorial): { xi: number; eta: number } | undefined {
  const rad = Math.PI / 180;
  const d0 = center.decDeg * rad;
  const d = p.decDeg * rad;
  const dRa = (p.raDeg - center.raDeg) * rad;
  const cosC = Math.sin(d0) * Math.sin(d) + Math.cos(d0) * Math.cos(d) * Math.cos(dRa);
  if (cosC <= 0) return undefined;
  return {
    xi: (Math.cos(d) * Math.sin(dRa)) / cosC / rad,
    eta: (Math.cos(d0) * Math.sin(d) - Math.sin(d0) * Math.cos(d) * Math.cos(dRa)) / cosC / rad,
  };
}

/** Adds `flux` electrons as a Gaussian of `sigma` px centred at (x, y), sampled at pixel centres. */
function drawGaussian(
  image: Float32Array,
  width: number,
  height: number,
  x: number,
  y: number,
  sigma: number,
  flux: number,
): void {
  const reach = Math.ceil(4 * sigma);
  const x0 = Math.max(0, Math.round(x) - reach);
  const x1 = Math.min(width - 1, Math.round(x) + reach);
  const y0 = Math.max(0, Math.round(y) - reach);
  const y1 = Math.min(height - 1, Math.round(y) + reach);
  if (x0 > x1 || y0 > y1) return;
  const profile = (c: number, from: number, to: number): Float64Array => {
    const out = new Float64Array(to - from + 1);
    for (let i = from; i <= to; i += 1) out[i - from] = Math.exp(-((i - c) ** 2) / (2 * sigma * sigma));
    return out;
  };
  const gx = profile(x, x0, x1);
  const gy = profile(y, y0, y1);
  const norm = flux / (2 * Math.PI * sigma * sigma);
  for (let j = y0; j <= y1; j += 1) {
    const row = j * width;
    const fy = norm * (gy[j - y0] as number);
    for (let i = x0; i <= x1; i += 1)
      image[row + i] = (image[row + i] as number) + fy * (gx[i - x0] as number);
  }
}

/** Bias plus Gaussian noise of variance signal + read noise², rounded and clipped to 16 bits. */
function addNoise(mean: Float32Array, seed: number): Uint16Array {
  const normal = normalRandom(uniformRandom(hashNumbers(seed)));
  const { biasAdu, readNoiseE, saturationAdu } = CAMERA_MODEL;
  const readVariance = readNoiseE * readNoiseE;
  const out = new Uint16Array(mean.length);
  for (let i = 0; i < mean.length; i += 1) {
    const signal = mean[i] as number;
    const value = Math.round(biasAdu + signal + Math.sqrt(signal + readVariance) * normal());
    out[i] = Math.min(Math.max(value, 0), saturationAdu);
  }
  return out;
}
