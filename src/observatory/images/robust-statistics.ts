/** The level and spread of a sample, insensitive to outliers. */
export interface ClippedStatistics {
  /** Median of the values kept. */
  readonly median: number;
  /** 1.4826 × the median absolute deviation of the values kept: the standard deviation for Gaussian noise. */
  readonly sigma: number;
  /** How many values were kept. */
  readonly kept: number;
}

/** MAD → standard deviation for a normal distribution. */
const MAD_TO_SIGMA = 1.4826;

/**
 * Sigma-clipped median and MAD: values further than `kappa`·σ from the median are dropped and both
 * recomputed, until nothing changes (at most `iterations` times). The values are sorted once, so a
 * clipped set is a contiguous range of the sorted array and each pass is linear. NaNs are ignored.
 * Whole-number data (camera ADU) are taken as spread evenly over each unit bin: without that the
 * median and MAD snap to whole numbers, and σ is off by up to 0.5 × 1.48 ADU (6 % at σ = 11).
 */
export function clippedStatistics(values: ArrayLike<number>, kappa = 3, iterations = 10): ClippedStatistics {
  const sorted = Float32Array.from(values).sort();
  let lo = 0;
  let hi = sorted.length;
  while (hi > lo && Number.isNaN(sorted[hi - 1] as number)) hi -= 1;
  if (hi === lo) return { median: Number.NaN, sigma: Number.NaN, kept: 0 };
  const binned = isWholeNumbers(sorted, lo, hi);
  const level = binned ? binnedMedian : medianOf;
  const spread = binned ? binnedMad : madOf;
  let median = level(sorted, lo, hi);
  let sigma = MAD_TO_SIGMA * spread(sorted, lo, hi, median);
  for (let pass = 0; pass < iterations && sigma > 0; pass += 1) {
    const nextLo = lowerBound(sorted, lo, hi, median - kappa * sigma);
    const nextHi = upperBound(sorted, lo, hi, median + kappa * sigma);
    if (nextLo === lo && nextHi === hi) break;
    lo = nextLo;
    hi = nextHi;
    median = level(sorted, lo, hi);
    sigma = MAD_TO_SIGMA * spread(sorted, lo, hi, median);
  }
  return { median, sigma, kept: hi - lo };
}

function medianOf(sorted: Float32Array, lo: number, hi: number): number {
  const n = hi - lo;
  const a = sorted[lo + ((n - 1) >> 1)] as number;
  const b = sorted[lo + (n >> 1)] as number;
  return (a + b) / 2;
}

/** Median of |x − center| over sorted[lo, hi): merges the two sides walking outward from the centre. */
function madOf(sorted: Float32Array, lo: number, hi: number, center: number): number {
  const n = hi - lo;
  const wanted = n >> 1;
  let left = lowerBound(sorted, lo, hi, center) - 1;
  let right = left + 1;
  let previous = 0;
  let current = 0;
  for (let rank = 0; rank <= wanted; rank += 1) {
    const dl = left >= lo ? center - (sorted[left] as number) : Number.POSITIVE_INFINITY;
    const dr = right < hi ? (sorted[right] as number) - center : Number.POSITIVE_INFINITY;
    previous = current;
    if (dl <= dr) {
      current = dl;
      left -= 1;
    } else {
      current = dr;
      right += 1;
    }
  }
  return n % 2 === 1 ? current : (previous + current) / 2;
}

function isWholeNumbers(sorted: Float32Array, lo: number, hi: number): boolean {
  for (let i = lo; i < hi; i += 1) if (!Number.isInteger(sorted[i])) return false;
  return true;
}

/** How many of sorted[lo, hi) lie below `x`, each whole value k spread evenly over [k − ½, k + ½). */
function binnedCount(sorted: Float32Array, lo: number, hi: number, x: number): number {
  const k = Math.floor(x + 0.5);
  const first = lowerBound(sorted, lo, hi, k);
  const inBin = upperBound(sorted, first, hi, k) - first;
  return first - lo + inBin * (x - (k - 0.5));
}

/** The median of whole-number data, interpolated within its unit bin. */
function binnedMedian(sorted: Float32Array, lo: number, hi: number): number {
  const half = (hi - lo) / 2;
  const v = sorted[lo + Math.min(hi - lo - 1, Math.floor(half))] as number;
  const first = lowerBound(sorted, lo, hi, v);
  const inBin = upperBound(sorted, first, hi, v) - first;
  return v - 0.5 + (half - (first - lo)) / inBin;
}

/** The MAD of whole-number data: the half-width around `center` holding half of them, by bisection. */
function binnedMad(sorted: Float32Array, lo: number, hi: number, center: number): number {
  const half = (hi - lo) / 2;
  let a = 0;
  let b = (sorted[hi - 1] as number) - (sorted[lo] as number) + 1;
  for (let step = 0; step < 50; step += 1) {
    const d = (a + b) / 2;
    if (binnedCount(sorted, lo, hi, center + d) - binnedCount(sorted, lo, hi, center - d) < half) a = d;
    else b = d;
  }
  return (a + b) / 2;
}

/** First index in [lo, hi) whose value is >= `value`. */
function lowerBound(sorted: Float32Array, lo: number, hi: number, value: number): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const m = (a + b) >> 1;
    if ((sorted[m] as number) < value) a = m + 1;
    else b = m;
  }
  return a;
}

/** First index in [lo, hi) whose value is > `value`. */
function upperBound(sorted: Float32Array, lo: number, hi: number, value: number): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const m = (a + b) >> 1;
    if ((sorted[m] as number) <= value) a = m + 1;
    else b = m;
  }
  return a;
}
