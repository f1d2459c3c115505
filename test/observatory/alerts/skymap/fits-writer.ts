// A tiny FITS writer for the sky-map tests: a primary HDU with no data and one BINTABLE extension,
// written from the FITS standard (4.0) independently of the reader under test.

/** A header value as FITS writes it: strings quoted, logicals T/F, numbers as they are. */
export type CardValue = string | number | boolean;

/** One table column: name, TFORM type (repeat 1 unless `repeat`), and its values row by row. */
export interface TestColumn {
  readonly name: string;
  readonly form: 'B' | 'I' | 'J' | 'K' | 'E' | 'D';
  readonly values: ReadonlyArray<number | bigint>;
  readonly repeat?: number;
}

const BYTES = { B: 1, I: 2, J: 4, K: 8, E: 4, D: 8 } as const;

/** One 80-character card: `KEYWORD = value`, strings from column 11, other values right-aligned to column 30. */
export function card(keyword: string, value?: CardValue): string {
  if (value === undefined) return keyword.padEnd(80);
  const text =
    typeof value === 'string'
      ? `'${value.replace(/'/g, "''").padEnd(8)}'`
      : typeof value === 'boolean'
        ? (value ? 'T' : 'F').padStart(20)
        : String(value).padStart(20);
  return `${keyword.padEnd(8)}= ${text}`.padEnd(80).slice(0, 80);
}

/** Cards and END, padded with spaces to a whole number of 2880-byte blocks. */
export function headerBlock(cards: readonly string[]): Uint8Array {
  const text = [...cards, 'END'.padEnd(80)].join('');
  const size = Math.ceil(text.length / 2880) * 2880;
  return new TextEncoder().encode(text.padEnd(size));
}

export interface TestTable {
  readonly columns: readonly TestColumn[];
  /** Extra cards of the BINTABLE header (ORDERING, NSIDE, COORDSYS…), written after the mandatory ones. */
  readonly keywords?: Readonly<Record<string, CardValue>>;
  /** Cards written as they are, after the keywords (80 characters each). */
  readonly rawCards?: readonly string[];
  /** Mandatory cards to overwrite (e.g. a wrong NAXIS2). */
  readonly override?: Readonly<Record<string, CardValue>>;
}

/** A whole FITS file: an empty primary HDU, then the table, big-endian, padded with zeros. */
export function fitsFile(table: TestTable): Uint8Array {
  const cols = table.columns;
  const repeats = cols.map((c) => c.repeat ?? 1);
  const rowBytes = cols.reduce((n, c, i) => n + BYTES[c.form] * (repeats[i] ?? 1), 0);
  const rows = cols.length === 0 ? 0 : (cols[0]?.values.length ?? 0) / (repeats[0] ?? 1);
  const mandatory: Record<string, CardValue> = {
    XTENSION: 'BINTABLE',
    BITPIX: 8,
    NAXIS: 2,
    NAXIS1: rowBytes,
    NAXIS2: rows,
    PCOUNT: 0,
    GCOUNT: 1,
    TFIELDS: cols.length,
    ...table.override,
  };
  const cards = Object.entries(mandatory).map(([k, v]) => card(k, v));
  cols.forEach((c, i) => {
    cards.push(card(`TTYPE${i + 1}`, c.name), card(`TFORM${i + 1}`, `${repeats[i] ?? 1}${c.form}`));
  });
  for (const [k, v] of Object.entries(table.keywords ?? {})) cards.push(card(k, v));
  cards.push(...(table.rawCards ?? []));
  const primary = headerBlock([
    card('SIMPLE', true),
    card('BITPIX', 8),
    card('NAXIS', 0),
    card('EXTEND', true),
  ]);
  const header = headerBlock(cards);
  const dataSize = Math.ceil((rows * rowBytes) / 2880) * 2880;
  const out = new Uint8Array(primary.length + header.length + dataSize);
  out.set(primary, 0);
  out.set(header, primary.length);
  const view = new DataView(out.buffer, primary.length + header.length);
  for (let r = 0; r < rows; r++) {
    let at = r * rowBytes;
    cols.forEach((c, i) => {
      const repeat = repeats[i] ?? 1;
      for (let j = 0; j < repeat; j++, at += BYTES[c.form]) {
        const v = c.values[r * repeat + j] ?? 0;
        if (c.form === 'K') view.setBigInt64(at, BigInt(v), false);
        else if (c.form === 'D') view.setFloat64(at, Number(v), false);
        else if (c.form === 'E') view.setFloat32(at, Number(v), false);
        else if (c.form === 'J') view.setInt32(at, Number(v), false);
        else if (c.form === 'I') view.setInt16(at, Number(v), false);
        else view.setUint8(at, Number(v));
      }
    });
  }
  return out;
}
