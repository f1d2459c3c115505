/**
 * Just enough FITS (Pence et al. 2010, FITS standard 4.0) to read a sky map: the headers of a
 * file's HDUs and the columns of its first binary table (BINTABLE) extension. Anything malformed or
 * truncated is refused with a one-line {@link NoticeError} naming what, since the bytes come from
 * an alert anyone on the broker could send.
 */
import { NoticeError } from '../notice.js';

/** FITS headers and data come in blocks of 2880 bytes: 36 cards of 80 ASCII characters. */
const BLOCK = 2880;
const CARD = 80;
const COMMENTARY = new Set(['', 'COMMENT', 'HISTORY']);

/** Tables of more rows are refused: no sky map has them, and each row costs work. */
export const MAX_TABLE_ROWS = 50_000_000;

/** A header value: a string (quotes removed), a number, a logical, or null for one we cannot read. */
export type FitsValue = string | number | boolean | null;

/** One HDU's header: keyword → value, the first card of a keyword winning. */
export type FitsHeader = ReadonlyMap<string, FitsValue>;

/** A column of a binary table, from its TTYPEn / TFORMn (and TSCALn / TZEROn) cards. */
export interface FitsColumn {
  /** TTYPEn, e.g. `UNIQ`, `PROBDENSITY`; `COLn` when the header names none. */
  readonly name: string;
  /** The TFORMn type letter: L X B I J K A E D C M P Q. */
  readonly type: string;
  /** Values per row (the TFORMn repeat count). */
  readonly repeat: number;
  /** Where the column starts in a row, bytes. */
  readonly offset: number;
  readonly scale: number;
  readonly zero: number;
}

/** The first BINTABLE extension of a FITS file. */
export interface BinTable {
  readonly header: FitsHeader;
  readonly rows: number;
  /** NAXIS1: bytes per row. */
  readonly rowBytes: number;
  readonly columns: readonly FitsColumn[];
  /** The table's rows, exactly `rows × rowBytes` bytes (the heap after them is not read). */
  readonly data: DataView;
}

/** Bytes per value of each TFORM type letter (X counts bits; P and Q are heap descriptors). */
const TYPE_BYTES: Readonly<Record<string, number>> = {
  L: 1,
  X: 0,
  B: 1,
  I: 2,
  J: 4,
  K: 8,
  A: 1,
  E: 4,
  D: 8,
  C: 8,
  M: 16,
  P: 8,
  Q: 16,
};

function fail(what: string): never {
  throw new NoticeError(`sky map: ${what}`);
}

/** A header value as written after `= `: a quoted string, T/F, a number, or null (complex, blank…). */
function parseValue(text: string, keyword: string): FitsValue {
  const s = text.trimStart();
  if (s.startsWith("'")) {
    let out = '';
    for (let i = 1; i < s.length; i++) {
      if (s[i] !== "'") out += s[i];
      else if (s[i + 1] === "'") out += s[i++];
      // Trailing spaces of a FITS string are not part of it; leading ones are.
      else return out.trimEnd();
    }
    fail(`header card ${keyword}: unterminated string`);
  }
  const v = (s.split('/')[0] ?? '').trim();
  if (v === 'T') return true;
  if (v === 'F') return false;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([EeDd][+-]?\d+)?$/.test(v)) return Number(v.replace(/[Dd]/, 'E'));
  return null;
}

/** The header starting at `start`: its cards and where its data begin (the block after END). */
function readHeader(
  bytes: Uint8Array,
  start: number,
  what: string,
): { header: FitsHeader; dataStart: number } {
  const header = new Map<string, FitsValue>();
  for (let block = start; ; block += BLOCK) {
    if (block + BLOCK > bytes.length) fail(`truncated ${what} header (no END card)`);
    for (let at = block; at < block + BLOCK; at += CARD) {
      let card = '';
      for (let i = at; i < at + CARD; i++) {
        const c = bytes[i] ?? 0;
        if (c < 0x20 || c > 0x7e) fail(`${what} header: card ${(at - start) / CARD + 1} is not ASCII text`);
        card += String.fromCharCode(c);
      }
      const keyword = card.slice(0, 8).trimEnd();
      if (keyword === 'END') return { header, dataStart: block + BLOCK };
      if (!/^[A-Z0-9_-]*$/.test(keyword)) fail(`${what} header: bad keyword "${keyword}"`);
      // Commentary keywords have no value even with "= " in columns 9-10 (FITS 4.0 §4.4.2.4).
      if (COMMENTARY.has(keyword) || card.slice(8, 10) !== '= ' || header.has(keyword)) continue;
      header.set(keyword, parseValue(card.slice(10), keyword));
    }
  }
}

/** A whole-number keyword in `min..max`. */
function intCard(header: FitsHeader, keyword: string, what: string, min: number, max: number): number {
  const v = header.get(keyword);
  if (v === undefined) fail(`${what} header: ${keyword} missing`);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    fail(`${what} header: ${keyword} = ${String(v)} is not a whole number in ${min}..${max}`);
  }
  return v;
}

/** Bytes of an HDU's data, unpadded: |BITPIX|/8 · GCOUNT · (PCOUNT + NAXIS1 · … · NAXISn). */
function dataBytes(header: FitsHeader, what: string, extension: boolean): number {
  const bitpix = intCard(header, 'BITPIX', what, -64, 64);
  if (![8, 16, 32, 64, -32, -64].includes(bitpix)) fail(`${what} header: BITPIX = ${bitpix}`);
  const naxis = intCard(header, 'NAXIS', what, 0, 999);
  if (naxis === 0) return 0;
  if (header.get('GROUPS') === true) fail(`${what}: random groups are not supported`);
  let n = 1;
  for (let i = 1; i <= naxis; i++) n *= intCard(header, `NAXIS${i}`, what, 0, Number.MAX_SAFE_INTEGER);
  const pcount = extension ? intCard(header, 'PCOUNT', what, 0, Number.MAX_SAFE_INTEGER) : 0;
  const gcount = extension ? intCard(header, 'GCOUNT', what, 1, Number.MAX_SAFE_INTEGER) : 1;
  return (Math.abs(bitpix) / 8) * gcount * (pcount + n);
}

function readColumns(header: FitsHeader, rowBytes: number): FitsColumn[] {
  const fields = intCard(header, 'TFIELDS', 'BINTABLE', 0, 999);
  const columns: FitsColumn[] = [];
  let offset = 0;
  for (let i = 1; i <= fields; i++) {
    const form = header.get(`TFORM${i}`);
    if (typeof form !== 'string') fail(`BINTABLE header: TFORM${i} missing`);
    const m = /^\s*(\d*)([LXBIJKAEDCMPQ])/.exec(form);
    if (m === null) fail(`BINTABLE header: TFORM${i} = '${form}' is not a FITS binary table format`);
    const repeat = m[1] === '' ? 1 : Number(m[1]);
    const type = m[2] ?? '';
    const width =
      type === 'X'
        ? Math.ceil(repeat / 8)
        : type === 'P' || type === 'Q'
          ? Math.min(repeat, 1) * (TYPE_BYTES[type] ?? 0)
          : repeat * (TYPE_BYTES[type] ?? 0);
    const name = header.get(`TTYPE${i}`);
    const scale = header.get(`TSCAL${i}`) ?? 1;
    const zero = header.get(`TZERO${i}`) ?? 0;
    if (typeof scale !== 'number' || typeof zero !== 'number')
      fail(`BINTABLE header: TSCAL${i} or TZERO${i} not a number`);
    columns.push({
      name: typeof name === 'string' && name !== '' ? name : `COL${i}`,
      type,
      repeat,
      offset,
      scale,
      zero,
    });
    offset += width;
  }
  if (offset > rowBytes) fail(`BINTABLE columns take ${offset} bytes a row, NAXIS1 says ${rowBytes}`);
  return columns;
}

/**
 * The first BINTABLE extension of FITS file `bytes`, HDUs before it skipped. Throws a one-line
 * NoticeError when the file is not FITS, a header is malformed or truncated, there is no BINTABLE,
 * it has more than `maxRows` rows, or its rows are cut short.
 */
export function readFirstBinTable(bytes: Uint8Array, maxRows: number = MAX_TABLE_ROWS): BinTable {
  const magic = String.fromCharCode(...bytes.subarray(0, 9));
  if (magic !== 'SIMPLE  =') fail('not a FITS file (it does not start with a SIMPLE card)');
  let start = 0;
  for (let hdu = 0; ; hdu++) {
    if (start >= bytes.length) fail('no BINTABLE extension');
    const what = hdu === 0 ? 'primary' : `extension ${hdu}`;
    const { header, dataStart } = readHeader(bytes, start, what);
    if (hdu > 0 && header.get('XTENSION') === 'BINTABLE') return binTable(bytes, header, dataStart, maxRows);
    if (hdu === 0 && header.get('SIMPLE') !== true) fail('primary header: SIMPLE is not T');
    if (hdu > 0 && typeof header.get('XTENSION') !== 'string') fail(`${what} header: XTENSION missing`);
    const size = dataBytes(header, what, hdu > 0);
    const got = bytes.length - dataStart;
    if (size > got) fail(`truncated ${what} data (expected ${size} bytes, got ${got})`);
    start = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
}

function binTable(bytes: Uint8Array, header: FitsHeader, dataStart: number, maxRows: number): BinTable {
  const what = 'BINTABLE';
  if (intCard(header, 'BITPIX', what, -64, 64) !== 8) fail('BINTABLE header: BITPIX is not 8');
  if (intCard(header, 'NAXIS', what, 0, 999) !== 2) fail('BINTABLE header: NAXIS is not 2');
  if (intCard(header, 'GCOUNT', what, 0, Number.MAX_SAFE_INTEGER) !== 1)
    fail('BINTABLE header: GCOUNT is not 1');
  intCard(header, 'PCOUNT', what, 0, Number.MAX_SAFE_INTEGER);
  const rowBytes = intCard(header, 'NAXIS1', what, 0, Number.MAX_SAFE_INTEGER);
  const rows = intCard(header, 'NAXIS2', what, 0, Number.MAX_SAFE_INTEGER);
  if (rows > maxRows) fail(`BINTABLE of ${rows} rows (more than ${maxRows})`);
  const columns = readColumns(header, rowBytes);
  const expected = rows * rowBytes;
  const got = Math.max(0, bytes.length - dataStart);
  if (got < expected) fail(`truncated BINTABLE (expected ${expected} bytes, got ${got})`);
  const data = new DataView(bytes.buffer, bytes.byteOffset + dataStart, expected);
  return { header, rows, rowBytes, columns, data };
}

/** The column named `name` (case-insensitive, as FITS readers match TTYPE), or a NoticeError. */
export function columnOf(table: BinTable, name: string): FitsColumn {
  const col = table.columns.find((c) => c.name.trim().toUpperCase() === name.toUpperCase());
  if (col === undefined)
    fail(`BINTABLE has no ${name} column (it has ${table.columns.map((c) => c.name).join(', ')})`);
  return col;
}

/**
 * A numeric column (types B, I, J, K, E, D) as doubles, TSCALn and TZEROn applied; a column of
 * repeat r gives r values a row, row after row. 64-bit integers past 2^53 lose their low bits:
 * read them with {@link readInt64Column}.
 */
export function readNumberColumn(table: BinTable, col: FitsColumn): Float64Array {
  const { data, rows, rowBytes } = table;
  const size = TYPE_BYTES[col.type] ?? 0;
  const get = numberReader(data, col.type);
  if (get === undefined) fail(`column ${col.name}: TFORM type ${col.type} is not numeric (B I J K E D)`);
  const out = new Float64Array(rows * col.repeat);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    for (let j = 0, at = r * rowBytes + col.offset; j < col.repeat; j++, at += size) {
      out[k++] = get(at) * col.scale + col.zero;
    }
  }
  return out;
}

// FITS is big-endian: every DataView read says so (the `false`).
function numberReader(data: DataView, type: string): ((at: number) => number) | undefined {
  switch (type) {
    case 'B':
      return (at) => data.getUint8(at);
    case 'I':
      return (at) => data.getInt16(at, false);
    case 'J':
      return (at) => data.getInt32(at, false);
    case 'K':
      return (at) => Number(data.getBigInt64(at, false));
    case 'E':
      return (at) => data.getFloat32(at, false);
    case 'D':
      return (at) => data.getFloat64(at, false);
    default:
      return undefined;
  }
}

/** A 64-bit integer column (type K, unscaled), exactly, as bigints; r values a row for repeat r. */
export function readInt64Column(table: BinTable, col: FitsColumn): BigInt64Array {
  if (col.type !== 'K') fail(`column ${col.name}: TFORM type ${col.type} is not K (64-bit integer)`);
  if (col.scale !== 1 || col.zero !== 0) fail(`column ${col.name}: scaled 64-bit integers are not supported`);
  const { data, rows, rowBytes } = table;
  const out = new BigInt64Array(rows * col.repeat);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    for (let j = 0, at = r * rowBytes + col.offset; j < col.repeat; j++, at += 8) {
      out[k++] = data.getBigInt64(at, false);
    }
  }
  return out;
}
