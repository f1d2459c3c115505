import { readFile } from 'node:fs/promises';
import { CARD_LENGTH, FITS_BLOCK, parseCard } from './fits-card.js';
import type { FitsValue } from './fits-header.js';

/** The primary image of a FITS file, in physical values (BZERO and BSCALE applied). */
export interface FitsData {
  /** Every valued card of the primary header, by keyword (the first one if repeated). */
  readonly header: Readonly<Record<string, FitsValue>>;
  readonly width: number;
  readonly height: number;
  /** Row-major, `data[y * width + x]`. */
  readonly data: Float32Array;
}

/** Reads the primary 2-D image of the FITS file at `path`; throws one line naming the file and the problem. */
export async function readFits(path: string): Promise<FitsData> {
  return decodeFits(await readFile(path), path);
}

/** Decodes the bytes of a FITS file; `where` names it in errors. */
export function decodeFits(bytes: Uint8Array, where: string): FitsData {
  const text = (from: number, length: number): string =>
    Buffer.from(bytes.buffer, bytes.byteOffset + from, length).toString('latin1');
  if (bytes.length < FITS_BLOCK || !/^SIMPLE {2}= +T\b/.test(text(0, CARD_LENGTH))) {
    throw new Error(
      `${where}: not a FITS file (it does not begin with a SIMPLE = T card and a 2880-byte block)`,
    );
  }
  const header: Record<string, FitsValue> = {};
  let offset = 0;
  let ended = false;
  while (!ended) {
    if (offset + CARD_LENGTH > bytes.length) throw new Error(`${where}: truncated FITS header (no END card)`);
    const card = parseCard(text(offset, CARD_LENGTH));
    offset += CARD_LENGTH;
    if (card.keyword === 'END') ended = true;
    else if (card.value !== undefined && !(card.keyword in header)) header[card.keyword] = card.value;
  }
  const dataStart = Math.ceil(offset / FITS_BLOCK) * FITS_BLOCK;
  const bitpix = header.BITPIX;
  if (bitpix !== 8 && bitpix !== 16 && bitpix !== 32 && bitpix !== -32 && bitpix !== -64) {
    throw new Error(`${where}: BITPIX ${String(bitpix)} is not one of 8, 16, 32, -32, -64`);
  }
  if (header.NAXIS !== 2)
    throw new Error(`${where}: NAXIS = ${String(header.NAXIS)}; only 2-D images are read`);
  const width = header.NAXIS1;
  const height = header.NAXIS2;
  if (!isSize(width) || !isSize(height)) {
    throw new Error(`${where}: NAXIS1 × NAXIS2 = ${String(width)} × ${String(height)} is not an image size`);
  }
  const size = Math.abs(bitpix) / 8;
  const count = width * height;
  if (dataStart + count * size > bytes.length) {
    throw new Error(`${where}: truncated FITS data (${count * size} bytes expected after the header)`);
  }
  const zero = numberCard(header, 'BZERO', 0, where);
  const scale = numberCard(header, 'BSCALE', 1, where);
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, count * size);
  const read = reader(view, bitpix);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i += 1) data[i] = zero + scale * read(i);
  return { header, width, height, data };
}

function reader(view: DataView, bitpix: 8 | 16 | 32 | -32 | -64): (i: number) => number {
  switch (bitpix) {
    case 8:
      return (i) => view.getUint8(i);
    case 16:
      return (i) => view.getInt16(i * 2, false);
    case 32:
      return (i) => view.getInt32(i * 4, false);
    case -32:
      return (i) => view.getFloat32(i * 4, false);
    case -64:
      return (i) => view.getFloat64(i * 8, false);
  }
}

function isSize(value: FitsValue | undefined): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function numberCard(
  header: Record<string, FitsValue>,
  keyword: string,
  fallback: number,
  where: string,
): number {
  const value = header[keyword] ?? fallback;
  if (typeof value !== 'number') throw new Error(`${where}: ${keyword} = ${String(value)} is not a number`);
  return value;
}
