import { defineTask } from '../../tasks/define-task.js';
import { decodeFits } from '../images/fits-reader.js';
import { analyzeImage } from '../images/image-analysis.js';
import { fetchImage } from '../images/image-fetch.js';

/** Sources kept per image in the result (the count covers them all). */
const KEPT_SOURCES = 50;
/**
 * The analyzer's task: fetches an image's FITS file from the observation manager, measures
 * background, noise and sources, and returns them (the analyzer keeps the result). Runs in any
 * task worker that can reach the observation manager (the analyzer's own, or `pyros worker
 * --tasks <this module>` with the agents' config). Deterministic: run twice, the same result.
 */
export const analyzeImageTask = defineTask(
  'observatory.analyze_image',
  async (imageId: number) => {
    const fits = decodeFits(await fetchImage(imageId), `image ${imageId}`);
    const result = analyzeImage(fits.data, fits.width, fits.height);
    return {
      imageId,
      background: result.background,
      noise: result.noise,
      sourceCount: result.sources.length,
      sources: result.sources.slice(0, KEPT_SOURCES),
    };
  },
  { retries: 2, queue: 'analysis' },
);
