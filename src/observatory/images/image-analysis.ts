import { clippedStatistics } from './robust-statistics.js';

/** One detected source; positions are 0-based pixel coordinates (pixel centres at integers). */
export interface DetectedSource {
  /** Centroid, weighted by the signal above background. */
  readonly x: number;
  readonly y: number;
  /** Brightest pixel, above background. */
  readonly peak: number;
  /** Sum of the signal above background over the source's pixels (isophotal flux). */
  readonly flux: number;
  /** Diameter of the disc whose area is that of the pixels above half the peak, pixels. */
  readonly fwhm: number;
  /** Pixels above the detection threshold. */
  readonly area: number;
}

/** What {@link analyzeImage} measured. */
export interface ImageAnalysis {
  /** Sigma-clipped median of all pixels. */
  readonly background: number;
  /** 1.4826 × MAD of the clipped pixels. */
  readonly noise: number;
  /** background + thresholdSigma × noise. */
  readonly threshold: number;
  /** Sources detected (all of them, not only those listed). */
  readonly count: number;
  /** The brightest `maxSources` by flux, brightest first. */
  readonly sources: readonly DetectedSource[];
}

/** How {@link analyzeImage} detects sources. */
export interface AnalysisOptions {
  /** Detection threshold in units of the noise (default 5). */
  readonly thresholdSigma?: number;
  /** Fewest connected pixels above threshold for a source (default 3: rejects lone hot pixels). */
  readonly minPixels?: number;
  /** How many sources to list (default 50). */
  readonly maxSources?: number;
}

/**
 * Measures the background and noise of an image and finds its sources: pixels above
 * background + k·σ grouped into 8-connected components (blended neighbours make one source). A
 * flat background is assumed. Deterministic: the same pixels give the same result.
 */
export function analyzeImage(
  data: ArrayLike<number>,
  width: number,
  height: number,
  options: AnalysisOptions = {},
): ImageAnalysis {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`image analysis: size ${width}×${height} is not a positive whole number of pixels`);
  }
  if (data.length !== width * height) {
    throw new Error(`image analysis: ${data.length} pixels for a ${width}×${height} image`);
  }
  const k = options.thresholdSigma ?? 5;
  const minPixels = options.minPixels ?? 3;
  const { median: background, sigma: noise } = clippedStatistics(data);
  const threshold = background + k * noise;
  const sources: DetectedSource[] = [];
  const seen = new Uint8Array(data.length);
  const queue = new Int32Array(data.length);
  for (let start = 0; start < data.length; start += 1) {
    if (seen[start] === 1 || !((data[start] as number) > threshold)) continue;
    const size = component(data, width, height, threshold, start, seen, queue);
    if (size >= minPixels) sources.push(measure(data, width, background, queue, size));
  }
  sources.sort((a, b) => b.flux - a.flux || a.y - b.y || a.x - b.x);
  return {
    background,
    noise,
    threshold,
    count: sources.length,
    sources: sources.slice(0, options.maxSources ?? 50),
  };
}

/** Breadth-first fill of the pixels above `threshold` connected to `start`; they end in queue[0, size). */
function component(
  data: ArrayLike<number>,
  width: number,
  height: number,
  threshold: number,
  start: number,
  seen: Uint8Array,
  queue: Int32Array,
): number {
  let head = 0;
  let tail = 0;
  queue[tail++] = start;
  seen[start] = 1;
  while (head < tail) {
    const p = queue[head++] as number;
    const px = p % width;
    const py = (p - px) / width;
    for (let dy = -1; dy <= 1; dy += 1) {
      const ny = py + dy;
      if (ny < 0 || ny >= height) continue;
      for (let dx = -1; dx <= 1; dx += 1) {
        const nx = px + dx;
        if (nx < 0 || nx >= width) continue;
        const q = ny * width + nx;
        if (seen[q] === 1 || !((data[q] as number) > threshold)) continue;
        seen[q] = 1;
        queue[tail++] = q;
      }
    }
  }
  return tail;
}

function measure(
  data: ArrayLike<number>,
  width: number,
  background: number,
  members: Int32Array,
  size: number,
): DetectedSource {
  let flux = 0;
  let sx = 0;
  let sy = 0;
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < size; i += 1) {
    const p = members[i] as number;
    const signal = (data[p] as number) - background;
    const x = p % width;
    flux += signal;
    sx += signal * x;
    sy += signal * ((p - x) / width);
    if (signal > peak) peak = signal;
  }
  let halfArea = 0;
  for (let i = 0; i < size; i += 1)
    if ((data[members[i] as number] as number) - background >= peak / 2) halfArea += 1;
  return {
    x: sx / flux,
    y: sy / flux,
    peak,
    flux,
    fwhm: 2 * Math.sqrt(halfArea / Math.PI),
    area: size,
  };
}
