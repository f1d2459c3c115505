import { Sender } from '../../sender/sender.js';
import { AGENTS } from '../contracts/agents.js';
import { IMAGE_CHUNK_BYTES, IMAGE_DATA } from '../contracts/observation-messages.js';

/** The largest FITS file a task fetches (a 8192² 16-bit frame is 128 MiB). */
const MAX_IMAGE_BYTES = 256 * 1024 * 1024;

/**
 * An image's FITS file, from its owner (the observation manager) in pieces of `Image data`: the
 * task may run on any computer, and no one reads another agent's disk.
 */
export async function fetchImage(imageId: number, options: { timeout?: number } = {}): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const piece = await Sender.request(
      AGENTS.observationManager,
      IMAGE_DATA,
      { imageId, offset, length: IMAGE_CHUNK_BYTES },
      options.timeout === undefined ? undefined : { timeout: options.timeout },
    );
    if (piece.size > MAX_IMAGE_BYTES)
      throw new Error(`image ${imageId} is ${piece.size} bytes, over ${MAX_IMAGE_BYTES}`);
    const data = Buffer.from(piece.data, 'base64');
    chunks.push(data);
    offset += data.length;
    if (offset >= piece.size || data.length === 0) {
      if (offset !== piece.size) throw new Error(`image ${imageId}: got ${offset} of ${piece.size} bytes`);
      return Buffer.concat(chunks, offset);
    }
  }
}
