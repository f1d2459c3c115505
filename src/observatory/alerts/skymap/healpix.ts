/**
 * The bits of HEALPix (Górski et al. 2005, ApJ 622, 759) a sky map summary needs: the centre of a
 * pixel in the nested and ring schemes, a multi-order (NUNIQ) index as order and nested pixel, and
 * the pixel area. Angles are radians: θ the colatitude (0 at the north pole), φ the longitude.
 */

/** The deepest order whose NUNIQ index fits an int64 (nside 2^29), as HEALPix allows. */
export const MAX_ORDER = 29;

/** A pixel centre: colatitude θ in [0, π] and longitude φ in [0, 2π), radians. */
export interface PixelCentre {
  readonly theta: number;
  readonly phi: number;
}

// Where the 12 base pixels (faces) lie: jrll is the ring of each face's centre counted from the
// north pole, in units of nside; jpll the longitude of that centre in units of π/4.
const JRLL = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4] as const;
const JPLL = [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7] as const;

const TWO_PI = 2 * Math.PI;

/** The even bits of a 32-bit word, packed into its low 16 bits (de-interleaving a Morton code). */
function evenBits(word: number): number {
  let x = word & 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** log2 of a power of two up to 2^29, or -1 when `nside` is not one. */
function orderOf(nside: number): number {
  if (!Number.isInteger(nside) || nside < 1 || nside > 2 ** MAX_ORDER) return -1;
  const order = 31 - Math.clz32(nside);
  return 2 ** order === nside ? order : -1;
}

function checkedIndex(nside: number, ipix: number | bigint): bigint {
  const index = typeof ipix === 'bigint' ? ipix : Number.isSafeInteger(ipix) ? BigInt(ipix) : -1n;
  const npix = 12n * BigInt(nside) * BigInt(nside);
  if (index < 0n || index >= npix) throw new RangeError(`pixel ${ipix} is not in 0..${npix - 1n}`);
  return index;
}

/**
 * The centre of nested-scheme pixel `ipix` at resolution `nside` (a power of two up to 2^29; a
 * bigint index for the deep orders whose indices pass 2^53). As HEALPix's `pix2ang_nest`: the index
 * is a base face and a Morton code of the (x, y) position within it; x and y give the ring and the
 * position along it. Throws a RangeError for an nside or index out of range.
 */
export function pix2angNest(nside: number, ipix: number | bigint): PixelCentre {
  const order = orderOf(nside);
  if (order < 0) throw new RangeError(`nside ${nside} is not a power of two up to 2^${MAX_ORDER}`);
  const index = checkedIndex(nside, ipix);
  const faceBits = BigInt(2 * order);
  const face = Number(index >> faceBits);
  const inFace = index & ((1n << faceBits) - 1n);
  // Up to 58 bits of Morton code: de-interleave each 32-bit half, x from the even bits, y the odd.
  const lo = Number(inFace & 0xffffffffn);
  const hi = Number(inFace >> 32n);
  const ix = evenBits(lo) + evenBits(hi) * 65536;
  const iy = evenBits(lo >>> 1) + evenBits(hi >>> 1) * 65536;
  return faceCentre(nside, face, ix, iy);
}

function faceCentre(nside: number, face: number, ix: number, iy: number): PixelCentre {
  const jrll = JRLL[face] ?? 0;
  const jpll = JPLL[face] ?? 0;
  // The ring index counted from the north pole, 1 .. 4·nside − 1.
  const jr = jrll * nside - ix - iy - 1;
  let nr: number;
  let theta: number;
  if (jr < nside || jr > 3 * nside) {
    // Polar caps: z = ±(1 − nr²/(3·nside²)); θ from atan2 keeps its precision near the poles.
    nr = jr < nside ? jr : 4 * nside - jr;
    const tmp = (nr * nr) / (3 * nside * nside);
    const sinTheta = Math.sqrt(tmp * (2 - tmp));
    theta = Math.atan2(sinTheta, jr < nside ? 1 - tmp : tmp - 1);
  } else {
    nr = nside;
    theta = Math.acos(((2 * nside - jr) * 2) / (3 * nside));
  }
  // Along the ring: 4·nr pixels; the face's first column is at jpll·π/4.
  let t = jpll * nr + ix - iy;
  if (t < 0) t += 8 * nr;
  let phi = (Math.PI / 4) * (t / nr);
  if (phi >= TWO_PI) phi -= TWO_PI;
  return { theta, phi };
}

/**
 * The centre of ring-scheme pixel `ipix` at resolution `nside` (any whole number up to 2^13, which
 * is past what a 64 MiB map holds): pixels are numbered along iso-latitude rings from the north, as
 * HEALPix's `pix2ang_ring`. Throws a RangeError for an nside or index out of range.
 */
export function pix2angRing(nside: number, ipix: number): PixelCentre {
  if (!Number.isInteger(nside) || nside < 1 || nside > 2 ** 13) {
    throw new RangeError(`nside ${nside} is not a whole number in 1..8192`);
  }
  const npix = 12 * nside * nside;
  if (!Number.isInteger(ipix) || ipix < 0 || ipix >= npix) {
    throw new RangeError(`pixel ${ipix} is not in 0..${npix - 1}`);
  }
  const ncap = 2 * nside * (nside - 1);
  if (ipix < ncap || ipix >= npix - ncap) {
    // Polar caps: ring i (from the pole) holds 4·i pixels.
    const north = ipix < ncap;
    const ip = north ? ipix : npix - 1 - ipix;
    const ring = ringOfCap(ip);
    const inRing = ip - 2 * ring * (ring - 1);
    const tmp = (ring * ring) / (3 * nside * nside);
    const sinTheta = Math.sqrt(tmp * (2 - tmp));
    const theta = Math.atan2(sinTheta, north ? 1 - tmp : tmp - 1);
    const step = Math.PI / (2 * ring);
    // The south cap counts backwards from the last pixel: mirror the position along the ring.
    const k = north ? inRing : 4 * ring - 1 - inRing;
    return { theta, phi: (k + 0.5) * step };
  }
  // Equatorial belt: rings of 4·nside pixels, every other one shifted by half a pixel.
  const ip = ipix - ncap;
  const ring = Math.floor(ip / (4 * nside)) + nside;
  const inRing = ip % (4 * nside);
  const shift = (ring - nside) % 2 === 0 ? 0.5 : 0;
  const theta = Math.acos(((2 * nside - ring) * 2) / (3 * nside));
  return { theta, phi: (inRing + shift) * (Math.PI / (2 * nside)) };
}

/** The ring (from the pole, 1-based) of cap pixel `ip`: the largest i with 2·i·(i − 1) ≤ ip. */
function ringOfCap(ip: number): number {
  let ring = Math.floor((1 + Math.sqrt(1 + 2 * ip)) / 2);
  // Square roots of large values may round across a ring boundary: settle it exactly.
  while (2 * ring * (ring - 1) > ip) ring--;
  while (2 * (ring + 1) * ring <= ip) ring++;
  return ring;
}

/** A multi-order index as HEALPix order and nested pixel: uniq = 4·nside² + ipix, nside = 2^order. */
export interface NestedPixel {
  readonly order: number;
  readonly ipix: bigint;
}

/**
 * The order of NUNIQ index `uniq`: ⌊log₂(uniq / 4) / 2⌋, from the index's bit length (exact where
 * a floating-point log₂ rounds up near powers of two). Throws a RangeError below 4 or past order 29.
 */
export function nuniqOrder(uniq: bigint): number {
  if (uniq < 4n || uniq >= 1n << BigInt(2 * MAX_ORDER + 4)) {
    throw new RangeError(`NUNIQ index ${uniq} is not in 4..2^${2 * MAX_ORDER + 4} − 1`);
  }
  const hi = Number(uniq >> 32n);
  const bits = hi === 0 ? 32 - Math.clz32(Number(uniq)) : 64 - Math.clz32(hi);
  // uniq lies in [4^(order+1), 16·4^order): its bit length is 2·order + 3 or 2·order + 4.
  return (bits - 3) >> 1;
}

/** A NUNIQ index as order and nested pixel. Throws a RangeError for an index that is not one. */
export function nuniqToNested(uniq: bigint): NestedPixel {
  const order = nuniqOrder(uniq);
  return { order, ipix: uniq - (4n << BigInt(2 * order)) };
}

/** The solid angle of one pixel at resolution `nside`: 4π / (12·nside²) steradians. */
export function pixelAreaSr(nside: number): number {
  return (4 * Math.PI) / (12 * nside * nside);
}

/** A pixel centre as right ascension (φ) and declination (90° − θ), degrees. */
export function centreToRaDec(centre: PixelCentre): { raDeg: number; decDeg: number } {
  return { raDeg: (centre.phi * 180) / Math.PI, decDeg: 90 - (centre.theta * 180) / Math.PI };
}
