/**
 * A HEALPix probability sky map (the FITS file an IGWN alert carries) summed up in the numbers a
 * decision needs: the areas holding 50 % and 90 % of the probability and the most probable point.
 * Multi-order maps (ORDERING = NUNIQ: UNIQ and PROBDENSITY columns, as LVK sends them) and
 * single-resolution ones (NESTED or RING: a PROB column of 12·NSIDE² pixels) are read.
 */
import { gunzipSync } from 'node:zlib';
import type { SkyMapSummary } from '../notice.js';
import { NoticeError } from '../notice.js';
import {
  type BinTable,
  columnOf,
  readFirstBinTable,
  readInt64Column,
  readNumberColumn,
} from './fits-table.js';
import {
  centreToRaDec,
  MAX_ORDER,
  nuniqOrder,
  nuniqToNested,
  type PixelCentre,
  pix2angNest,
  pix2angRing,
  pixelAreaSr,
} from './healpix.js';

/** Maps larger than this once decoded (and decompressed) are refused: LVK's are a few MiB at most. */
export const MAX_SKYMAP_BYTES = 64 * 1024 * 1024;

/** Square degrees per steradian. */
const DEG2_PER_SR = (180 / Math.PI) ** 2;

/**
 * How far the map's total probability may be from 1 before it is refused: rounding leaves ~1e-9,
 * while a map read wrongly (densities taken for probabilities, overlapping pixels) is off by far
 * more. Within it, areas are of the fraction of the map's own total.
 */
const TOTAL_TOLERANCE = 0.1;

function fail(what: string): never {
  throw new NoticeError(`sky map: ${what}`);
}

/** Gunzips `bytes` when they start with gzip's magic (0x1f 0x8b), refusing output over the bound. */
function decompressed(bytes: Uint8Array): Uint8Array {
  if (bytes.length > MAX_SKYMAP_BYTES) fail(`${bytes.length} bytes (more than ${MAX_SKYMAP_BYTES})`);
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_SKYMAP_BYTES });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') fail(`more than ${MAX_SKYMAP_BYTES} bytes once decompressed`);
    fail(`bad gzip data (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
  }
}

/** Pixels of one HEALPix order: their densities (per sr), sorted ascending, and their area. */
interface OrderGroup {
  readonly densities: Float64Array;
  readonly areaSr: number;
}

/** What every scheme hands to the summary: the pixels grouped by order, and the peak's centre. */
interface Pixels {
  readonly groups: readonly OrderGroup[];
  readonly peak: PixelCentre;
  readonly count: number;
}

function checkDensity(d: number, row: number, name: string): void {
  if (!Number.isFinite(d) || d < 0) fail(`${name} of row ${row + 1} is ${d}, not a probability`);
}

/** ORDERING = NUNIQ: one row per pixel of any order, UNIQ = 4·nside² + nested index. */
function multiOrderPixels(table: BinTable): Pixels {
  const uniq = readInt64Column(table, columnOf(table, 'UNIQ'));
  const density = readNumberColumn(table, columnOf(table, 'PROBDENSITY'));
  if (uniq.length !== density.length) fail('UNIQ and PROBDENSITY have different repeat counts');
  const orders = new Uint8Array(uniq.length);
  const counts = new Array<number>(MAX_ORDER + 1).fill(0);
  let peak = -1;
  for (let i = 0; i < uniq.length; i++) {
    const u = uniq[i] ?? 0n;
    let order: number;
    try {
      order = nuniqOrder(u);
    } catch {
      fail(`UNIQ of row ${i + 1} is ${u}, not a NUNIQ index`);
    }
    const d = density[i] ?? 0;
    checkDensity(d, i, 'PROBDENSITY');
    orders[i] = order;
    counts[order] = (counts[order] ?? 0) + 1;
    if (peak < 0 || d > (density[peak] ?? 0)) peak = i;
  }
  if (peak < 0) fail('no pixels');
  // One typed array per order, sorted natively: far cheaper than sorting row indices by density.
  const groups: OrderGroup[] = [];
  for (let order = 0; order <= MAX_ORDER; order++) {
    const n = counts[order] ?? 0;
    if (n === 0) continue;
    const densities = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < uniq.length; i++) if (orders[i] === order) densities[k++] = density[i] ?? 0;
    groups.push({ densities: densities.sort(), areaSr: pixelAreaSr(2 ** order) });
  }
  const { order, ipix } = nuniqToNested(uniq[peak] ?? 0n);
  return { groups, peak: pix2angNest(2 ** order, ipix), count: uniq.length };
}

/** ORDERING = NESTED or RING: every pixel of one resolution, in order, PROB its probability. */
function singleOrderPixels(table: BinTable, ordering: 'NESTED' | 'RING'): Pixels {
  if (table.header.get('INDXSCHM') === 'EXPLICIT')
    fail(`explicitly indexed ${ordering} maps are not supported`);
  const nside = table.header.get('NSIDE');
  const maxNside = 2 ** 13;
  if (typeof nside !== 'number' || !Number.isInteger(nside) || nside < 1 || nside > maxNside) {
    fail(`NSIDE = ${String(nside)} is not a whole number in 1..${maxNside}`);
  }
  if (ordering === 'NESTED' && (nside & (nside - 1)) !== 0) fail(`NSIDE = ${nside} is not a power of two`);
  const prob = readNumberColumn(table, columnOf(table, 'PROB'));
  if (prob.length !== 12 * nside * nside)
    fail(`${prob.length} pixels, NSIDE ${nside} needs ${12 * nside * nside}`);
  const areaSr = pixelAreaSr(nside);
  let peak = 0;
  for (let i = 0; i < prob.length; i++) {
    const p = prob[i] ?? 0;
    checkDensity(p, i, 'PROB');
    if (p > (prob[peak] ?? 0)) peak = i;
  }
  const densities = prob.map((p) => p / areaSr).sort();
  const centre = ordering === 'NESTED' ? pix2angNest(nside, peak) : pix2angRing(nside, peak);
  return { groups: [{ densities, areaSr }], peak: centre, count: prob.length };
}

/**
 * The areas (sr) of the densest pixels holding `levels` of the probability: pixels are taken by
 * density, descending, merging the per-order sorted groups; the pixel that crosses a level counts
 * for the part of it needed, so that ties and rounding do not add a whole pixel.
 */
function credibleAreas(groups: readonly OrderGroup[], levels: readonly number[]): number[] {
  let total = 0;
  for (const g of groups) for (const d of g.densities) total += d * g.areaSr;
  if (!(total > 0)) fail('it holds no probability');
  if (Math.abs(total - 1) > TOTAL_TOLERANCE)
    fail(`its probabilities add up to ${Number(total.toPrecision(6))}, not 1`);
  // Each group read from its densest end; `head` is the next density, -1 once the group is spent.
  const cursors = groups.map((g) => ({ ...g, i: g.densities.length - 1, head: g.densities.at(-1) ?? -1 }));
  const areas: number[] = [];
  let prob = 0;
  let area = 0;
  for (const level of levels) {
    let reached: number | undefined;
    while (reached === undefined) {
      let best: (typeof cursors)[number] | undefined;
      for (const c of cursors) if (c.head >= 0 && (best === undefined || c.head > best.head)) best = c;
      // Rounding may leave a level a hair above the total: all the pixels then hold it.
      if (best === undefined) {
        reached = area;
        break;
      }
      const p = (best.head * best.areaSr) / total;
      // The crossing pixel is left for the next level, which starts from the same point.
      if (prob + p >= level) {
        reached = area + ((level - prob) / p) * best.areaSr;
        break;
      }
      prob += p;
      area += best.areaSr;
      best.i--;
      best.head = best.i >= 0 ? (best.densities[best.i] ?? -1) : -1;
    }
    areas.push(reached);
  }
  return areas;
}

/** The equatorial frame is the only one read: a galactic or ecliptic map would need rotating. */
function checkFrame(table: BinTable): void {
  const frame = table.header.get('COORDSYS');
  if (frame !== undefined && frame !== null && !(typeof frame === 'string' && /^C/i.test(frame.trim()))) {
    fail(`COORDSYS = ${String(frame)}: only celestial (equatorial, C) maps are supported`);
  }
}

/**
 * Reads a HEALPix probability sky map, FITS, gzip-compressed or not, and sums it up. Throws a
 * one-line {@link NoticeError} for a file that is not such a map, is truncated, is larger than
 * {@link MAX_SKYMAP_BYTES} once decompressed, or whose probabilities do not add up to 1.
 */
export function readSkyMap(bytes: Uint8Array): SkyMapSummary {
  const table = readFirstBinTable(decompressed(bytes));
  checkFrame(table);
  const ordering = table.header.get('ORDERING');
  if (ordering === undefined) fail('no ORDERING keyword (NUNIQ, NESTED or RING expected)');
  const scheme = typeof ordering === 'string' ? ordering.trim().toUpperCase() : String(ordering);
  let pixels: Pixels;
  if (scheme === 'NUNIQ') pixels = multiOrderPixels(table);
  else if (scheme === 'NESTED' || scheme === 'RING') pixels = singleOrderPixels(table, scheme);
  else fail(`ordering ${scheme} not supported (NUNIQ, NESTED or RING)`);
  const [area90, area50] = credibleAreas(pixels.groups, [0.5, 0.9]).reverse();
  const { raDeg, decDeg } = centreToRaDec(pixels.peak);
  return {
    area90Deg2: (area90 ?? 0) * DEG2_PER_SR,
    area50Deg2: (area50 ?? 0) * DEG2_PER_SR,
    peakRaDeg: raDeg,
    peakDecDeg: decDeg,
    pixels: pixels.count,
  };
}
