import type { FitsValue } from './fits-header.js';

/** FITS files are made of 2880-byte blocks. */
export const FITS_BLOCK = 2880;

/** A FITS header card is 80 ASCII characters; a header block holds 36 of them. */
export const CARD_LENGTH = 80;

const KEYWORD = /^[A-Z0-9_-]{1,8}$/;
const PRINTABLE = /^[\x20-\x7E]*$/;
/** Columns 11–80 hold the value; a quoted string keeps 2 of them for its quotes. */
const MAX_STRING = CARD_LENGTH - 10 - 2;

/** Throws unless `keyword` is a legal FITS keyword (up to 8 of A–Z, 0–9, `-`, `_`). */
export function checkKeyword(keyword: string): void {
  if (!KEYWORD.test(keyword)) {
    throw new Error(`FITS header: keyword "${keyword}" is not legal (1–8 characters of A–Z, 0–9, "-", "_")`);
  }
}

/**
 * One 80-character card `KEYWORD = value / comment`, in the fixed format (numbers and logicals
 * right-justified in columns 11–30, strings quoted from column 11 with `'` doubled). A comment too
 * long for the card is cut; a value that does not fit, or is not printable ASCII, throws.
 */
export function formatCard(keyword: string, value: FitsValue, comment?: string): string {
  checkKeyword(keyword);
  let card = `${keyword.padEnd(8)}= ${formatValue(keyword, value)}`;
  if (comment !== undefined && comment !== '') {
    if (!PRINTABLE.test(comment))
      throw new Error(`FITS header: comment of ${keyword} is not printable ASCII`);
    card += ` / ${comment}`;
  }
  return card.slice(0, CARD_LENGTH).padEnd(CARD_LENGTH);
}

function formatValue(keyword: string, value: FitsValue): string {
  if (typeof value === 'boolean') return (value ? 'T' : 'F').padStart(20);
  if (typeof value === 'number') return formatNumber(keyword, value).padStart(20);
  if (!PRINTABLE.test(value)) throw new Error(`FITS header: value of ${keyword} is not printable ASCII`);
  const escaped = value.replace(/'/g, "''");
  if (escaped.length > MAX_STRING) {
    throw new Error(
      `FITS header: value of ${keyword} is ${escaped.length} characters, more than ${MAX_STRING}`,
    );
  }
  return `'${escaped.padEnd(8)}'`;
}

/** Integers as integers; reals with a decimal point and an upper-case exponent, at most 20 characters. */
function formatNumber(keyword: string, value: number): string {
  if (!Number.isFinite(value))
    throw new Error(`FITS header: value of ${keyword} is ${value}, not a finite number`);
  if (Number.isSafeInteger(value)) return String(value);
  let text = String(value).toUpperCase();
  if (text.length > 20) text = value.toExponential(12).toUpperCase();
  if (!text.includes('.')) text = text.replace('E', '.0E');
  return text;
}

/** A card's keyword and value; `value` is undefined for commentary cards and undefined values. */
export interface ParsedCard {
  readonly keyword: string;
  readonly value: FitsValue | undefined;
}

/** Reads one card (the inverse of {@link formatCard}, and lenient with free-format values). */
export function parseCard(card: string): ParsedCard {
  const keyword = card.slice(0, 8).trimEnd();
  if (card.slice(8, 10) !== '= ') return { keyword, value: undefined };
  const field = card.slice(10).trimStart();
  if (field.startsWith("'")) return { keyword, value: parseString(field) };
  const slash = field.indexOf('/');
  const token = (slash < 0 ? field : field.slice(0, slash)).trim();
  if (token === '') return { keyword, value: undefined };
  if (token === 'T' || token === 'F') return { keyword, value: token === 'T' };
  const number = Number(token.replace(/D/g, 'E'));
  return { keyword, value: Number.isNaN(number) ? token : number };
}

/** A quoted string from its opening quote: `''` is a quote; trailing spaces are not significant. */
function parseString(field: string): string {
  let text = '';
  for (let i = 1; i < field.length; i += 1) {
    const c = field[i];
    if (c === "'") {
      if (field[i + 1] !== "'") break;
      i += 1;
    }
    text += c;
  }
  return text.trimEnd();
}
