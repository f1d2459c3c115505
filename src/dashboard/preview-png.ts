import { PNG } from 'pngjs';
import { decodeFits, type FitsData } from '../observatory/images/fits-reader.js';

/** The stretch's low and high cuts, as fractions of the pixels below them. */
export const STRETCH_CUTS = { low: 0.005, high: 0.995 } as const;
/** The asinh stretch's softening: faint sky lifted, bright stars not saturated. */
const ASINH_SOFTENING = 10;
/** Pixels sorted to find the cuts, at most (an evenly spaced sample of larger images). */
const PERCENTILE_SAMPLE = 1 << 20;

/** The value below which `fraction` of the (sampled) pixels lie. */
function percentiles(data: Float32Array, fractions: readonly number[]): number[] {
  const step = Math.max(1, Math.ceil(data.length / PERCENTILE_SAMPLE));
  const sample = new Float32Array(Math.ceil(data.length / step));
  let n = 0;
  for (let i = 0; i < data.length; i += step) {
    const v = data[i] as number;
    if (Number.isFinite(v)) sample[n++] = v;
  }
  const sorted = sample.subarray(0, n).sort();
  return fractions.map((f) => (n === 0 ? 0 : (sorted[Math.min(n - 1, Math.floor(f * n))] as number)));
}

/**
 * An image as an 8-bit grey PNG: an asinh stretch between the 0.5th and 99.5th percentiles, rows
 * flipped because FITS row 0 is the bottom of the picture and a PNG's is the top.
 */
export function previewPng(image: FitsData): Buffer {
  const { width, height, data } = image;
  const [low, high] = percentiles(data, [STRETCH_CUTS.low, STRETCH_CUTS.high]) as [number, number];
  const range = high > low ? high - low : 1;
  const norm = Math.asinh(ASINH_SOFTENING);
  const grey = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    const from = y * width;
    const to = (height - 1 - y) * width;
    for (let x = 0; x < width; x++) {
      const v = ((data[from + x] as number) - low) / range;
      const clipped = Number.isNaN(v) ? 0 : Math.min(1, Math.max(0, v));
      grey[to + x] = Math.round((255 * Math.asinh(ASINH_SOFTENING * clipped)) / norm);
    }
  }
  const png = new PNG({ width, height });
  png.data = grey;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
}

/**
 * The latest previews, by image id (an image never changes once written, so a preview is made
 * once). A request for an image being rendered waits for that rendering.
 */
export class PreviewCache {
  readonly #entries = new Map<number, Promise<Buffer>>();

  constructor(private readonly size = 64) {}

  /** The preview of image `id`, whose FITS file `load` fetches; rejects with its error or the decoder's. */
  get(id: number, load: () => Promise<Uint8Array>): Promise<Buffer> {
    let entry = this.#entries.get(id);
    if (entry !== undefined) {
      // Moved to the end: the map's order is the least recently used first.
      this.#entries.delete(id);
    } else {
      const made = load().then((bytes) => previewPng(decodeFits(bytes, `image ${id}`)));
      // Only a preview made takes a place (a failure must not push a good one out), and a failure
      // is not kept: the file may appear, or be repaired, later.
      made.then(
        () => this.#trim(),
        () => {
          if (this.#entries.get(id) === made) this.#entries.delete(id);
        },
      );
      entry = made;
    }
    this.#entries.set(id, entry);
    return entry;
  }

  #trim(): void {
    while (this.#entries.size > this.size) this.#entries.delete(this.#entries.keys().next().value as number);
  }
}
