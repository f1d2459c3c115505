import { defineTask } from '../../tasks/define-task.js';
import { clockFromEnv } from '../clock/clock-from-env.js';
import { readFits } from '../images/fits-reader.js';
import { analyzeImage } from '../images/image-analysis.js';
import { ObservationsRepo } from '../store/observations-repo.js';
import { openObservatoryDb } from '../store/observatory-db.js';

/** Sources kept per image in the stored result (the count covers them all). */
const KEPT_SOURCES = 50;

/**
 * The analyzer's task: reads an image's FITS file, measures background, noise and sources, and
 * stores the result with the image. Runs in any task worker (the analyzer's own, or
 * `pyros worker --tasks <this module>`), which opens the observatory database named in the call.
 * Running it twice for one image stores the same result (the analysis is deterministic).
 */
export const analyzeImageTask = defineTask(
  'observatory.analyze_image',
  async (imageId: number, database: string) => {
    const db = openObservatoryDb(database);
    try {
      const images = new ObservationsRepo(db);
      const image = images.image(imageId);
      if (image === undefined) throw new Error(`image ${imageId} is not in ${database}`);
      const fits = await readFits(image.path);
      const result = analyzeImage(fits.data, fits.width, fits.height);
      const stored = {
        background: result.background,
        noise: result.noise,
        sourceCount: result.sources.length,
        sources: result.sources.slice(0, KEPT_SOURCES),
      };
      images.setAnalysis(imageId, stored, clockFromEnv().now());
      return { imageId, background: stored.background, noise: stored.noise, sourceCount: stored.sourceCount };
    } finally {
      db.close();
    }
  },
  { retries: 2, queue: 'analysis' },
);
