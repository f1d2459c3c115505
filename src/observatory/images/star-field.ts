import type { Equatorial } from '../astro/coordinates.js';
import { hashNumbers, poissonCount, uniformRandom } from './seeded-random.js';

/** A star of the simulated sky. */
export interface SkyStar {
  readonly position: Equatorial;
  /** Magnitude in the camera's band (the same in every filter: the sky is grey). */
  readonly magnitude: number;
}

/** The simulated sky is cut into cells of this height (degrees of declination). */
const CELL_DEG = 0.1;
/** Stars per square degree between the magnitude limits (a mid-galactic-latitude field). */
const STARS_PER_SQ_DEG = 2000;
const BRIGHTEST = 9;
const FAINTEST = 19;
/** Slope of log N(<m): counts grow by 10^0.3 per magnitude. */
const SLOPE = 0.3;

/**
 * Every star within `radiusDeg` of `center` (a little more: whole cells). The sky is cut into
 * cells of fixed RA/Dec boundaries and each cell's stars come from a generator seeded by the
 * cell's indices, so the same piece of sky always holds the same stars, whatever the pointing.
 */
export function starsAround(center: Equatorial, radiusDeg: number): SkyStar[] {
  const bands = Math.round(180 / CELL_DEG);
  const first = Math.max(0, Math.floor((center.decDeg - radiusDeg + 90) / CELL_DEG));
  const last = Math.min(bands - 1, Math.floor((center.decDeg + radiusDeg + 90) / CELL_DEG));
  const stars: SkyStar[] = [];
  for (let band = first; band <= last; band += 1) {
    const decLow = band * CELL_DEG - 90;
    const cells = cellsInBand(decLow);
    const cellRa = 360 / cells;
    const poleward = Math.max(Math.abs(decLow), Math.abs(decLow + CELL_DEG));
    const cosine = Math.cos((Math.min(89.999, poleward + radiusDeg) * Math.PI) / 180);
    const spanDeg = radiusDeg / cosine + cellRa;
    const indices =
      spanDeg >= 180
        ? Array.from({ length: cells }, (_, i) => i)
        : range(
            Math.floor((center.raDeg - spanDeg) / cellRa),
            Math.floor((center.raDeg + spanDeg) / cellRa),
            cells,
          );
    for (const index of indices) stars.push(...cellStars(band, index, decLow, cellRa));
  }
  return stars;
}

/** Cells of about equal area: fewer in RA toward the poles. */
function cellsInBand(decLow: number): number {
  const middle = ((decLow + CELL_DEG / 2) * Math.PI) / 180;
  return Math.max(1, Math.floor((360 * Math.cos(middle)) / CELL_DEG));
}

/** Indices from `from` to `to` (inclusive) wrapped modulo `cells`, each once. */
function range(from: number, to: number, cells: number): number[] {
  const seen = new Set<number>();
  for (let i = from; i <= to; i += 1) seen.add(((i % cells) + cells) % cells);
  return [...seen];
}

function cellStars(band: number, index: number, decLow: number, cellRa: number): SkyStar[] {
  const random = uniformRandom(hashNumbers(band, index));
  const sinLow = Math.sin((decLow * Math.PI) / 180);
  const sinHigh = Math.sin(((decLow + CELL_DEG) * Math.PI) / 180);
  const areaSqDeg = (cellRa * (sinHigh - sinLow) * 180) / Math.PI;
  const count = poissonCount(STARS_PER_SQ_DEG * areaSqDeg, random);
  const low = 10 ** (SLOPE * BRIGHTEST);
  const high = 10 ** (SLOPE * FAINTEST);
  const stars: SkyStar[] = [];
  for (let i = 0; i < count; i += 1) {
    // Uniform on the sphere: uniform in RA and in sin(dec).
    const raDeg = (index + random()) * cellRa;
    const decDeg = (Math.asin(sinLow + random() * (sinHigh - sinLow)) * 180) / Math.PI;
    const magnitude = Math.log10(low + random() * (high - low)) / SLOPE;
    stars.push({ position: { raDeg, decDeg }, magnitude });
  }
  return stars;
}
