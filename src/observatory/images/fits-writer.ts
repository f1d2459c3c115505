import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { invalidPosition } from '../devices/sky.js';
import { CARD_LENGTH, checkKeyword, FITS_BLOCK, formatCard } from './fits-card.js';
import type { FitsCard, FitsImage, ObservationHeader } from './fits-header.js';

/** Keywords this writer sets itself, and commentary keywords that carry no value. */
export const RESERVED_KEYWORDS: ReadonlySet<string> = new Set([
  'SIMPLE',
  'BITPIX',
  'NAXIS',
  'NAXIS1',
  'NAXIS2',
  'EXTEND',
  'BZERO',
  'BSCALE',
  'DATE-OBS',
  'EXPTIME',
  'RA',
  'DEC',
  'FILTER',
  'OBJECT',
  'TELESCOP',
  'INSTRUME',
  'ORIGIN',
  'PIXSCALE',
  'END',
  'COMMENT',
  'HISTORY',
  'CONTINUE',
]);

/**
 * Writes `image` as a single-HDU FITS file: a Uint16Array as BITPIX 16 with BZERO 32768, a
 * Float32Array as BITPIX -32. The file is written under a temporary name, synced, then renamed, so
 * that a crash never leaves half a file under `path`.
 */
export async function writeFits(
  path: string,
  image: FitsImage,
  header: ObservationHeader,
  extra: readonly FitsCard[] = [],
): Promise<void> {
  const bytes = encodeFits(image, header, extra);
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temporary, 'wx');
  try {
    try {
      await file.writeFile(bytes);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (err) {
    await unlink(temporary).catch(() => undefined);
    throw err;
  }
}

/** The bytes of the FITS file {@link writeFits} writes. */
export function encodeFits(
  image: FitsImage,
  header: ObservationHeader,
  extra: readonly FitsCard[] = [],
): Buffer {
  const { pixels, width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`FITS image: size ${width}×${height} is not a positive whole number of pixels`);
  }
  if (pixels.length !== width * height) {
    throw new Error(`FITS image: ${pixels.length} pixels for a ${width}×${height} image`);
  }
  const headerBytes = Buffer.from(headerCards(image, header, extra).join(''), 'ascii');
  const dataLength = pixels.length * pixels.BYTES_PER_ELEMENT;
  const headerLength = padded(headerBytes.length);
  const out = Buffer.alloc(headerLength + padded(dataLength), 0);
  out.fill(' ', 0, headerLength);
  headerBytes.copy(out, 0);
  const view = new DataView(out.buffer, out.byteOffset + headerLength, dataLength);
  if (pixels instanceof Uint16Array) {
    // Stored value = physical - BZERO: flipping the top bit turns 0..65535 into -32768..32767.
    for (let i = 0; i < pixels.length; i += 1) view.setUint16(i * 2, (pixels[i] as number) ^ 0x8000, false);
  } else {
    for (let i = 0; i < pixels.length; i += 1) view.setFloat32(i * 4, pixels[i] as number, false);
  }
  return out;
}

function headerCards(image: FitsImage, header: ObservationHeader, extra: readonly FitsCard[]): string[] {
  checkHeader(header);
  const unsigned = image.pixels instanceof Uint16Array;
  const cards = [
    formatCard('SIMPLE', true, 'conforms to FITS standard'),
    formatCard('BITPIX', unsigned ? 16 : -32, unsigned ? '16-bit integers' : '32-bit IEEE floats'),
    formatCard('NAXIS', 2, 'number of data axes'),
    formatCard('NAXIS1', image.width, 'pixels per row'),
    formatCard('NAXIS2', image.height, 'rows'),
  ];
  if (unsigned) {
    cards.push(
      formatCard('BZERO', 32768, 'unsigned 16-bit data'),
      formatCard('BSCALE', 1, 'physical = BZERO + raw'),
    );
  }
  cards.push(
    formatCard('DATE-OBS', new Date(header.dateObs).toISOString().slice(0, -1), 'exposure start, UTC'),
    formatCard('EXPTIME', header.exposureS, '[s] exposure time'),
    formatCard('RA', header.target.raDeg, '[deg] pointing right ascension, J2000'),
    formatCard('DEC', header.target.decDeg, '[deg] pointing declination, J2000'),
    formatCard('FILTER', header.filter, 'filter in the beam'),
    formatCard('OBJECT', header.objectName, 'target name'),
    formatCard('TELESCOP', header.telescope, 'telescope'),
    formatCard('INSTRUME', header.instrument, 'camera'),
    formatCard('ORIGIN', 'pyros-ts', 'software that wrote this file'),
  );
  if (header.pixelScaleArcsec !== undefined) {
    cards.push(formatCard('PIXSCALE', header.pixelScaleArcsec, '[arcsec/pixel]'));
  }
  const seen = new Set<string>();
  for (const card of extra) {
    checkKeyword(card.keyword);
    if (RESERVED_KEYWORDS.has(card.keyword)) {
      throw new Error(
        `FITS header: extra keyword ${card.keyword} is reserved (written by the writer itself)`,
      );
    }
    if (seen.has(card.keyword)) throw new Error(`FITS header: extra keyword ${card.keyword} given twice`);
    seen.add(card.keyword);
    cards.push(formatCard(card.keyword, card.value, card.comment));
  }
  cards.push('END'.padEnd(CARD_LENGTH));
  return cards;
}

function checkHeader(header: ObservationHeader): void {
  if (!Number.isFinite(header.dateObs))
    throw new Error(`FITS header: DATE-OBS ${header.dateObs} is not a time`);
  if (!(header.exposureS >= 0) || !Number.isFinite(header.exposureS)) {
    throw new Error(`FITS header: EXPTIME ${header.exposureS} is not a duration >= 0 s`);
  }
  const bad = invalidPosition(header.target);
  if (bad !== undefined) throw new Error(`FITS header: pointing ${bad}`);
}

function padded(length: number): number {
  return Math.ceil(length / FITS_BLOCK) * FITS_BLOCK;
}
