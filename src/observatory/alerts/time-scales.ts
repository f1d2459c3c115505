import { VoEventError } from './voevent-error.js';

/** Time scales a VOEvent coordinate system may name (the first part of e.g. `UTC-FK5-GEO`). */
export type TimeScale = 'UTC' | 'TT' | 'TDB' | 'TAI' | 'GPS';

/** TAI − UTC (s) from each UTC date on which it changed (IERS Bulletin C); 10 s before 1972 is an approximation. */
const LEAP_SECONDS: ReadonlyArray<readonly [number, number]> = (
  [
    ['1972-07-01', 11],
    ['1973-01-01', 12],
    ['1974-01-01', 13],
    ['1975-01-01', 14],
    ['1976-01-01', 15],
    ['1977-01-01', 16],
    ['1978-01-01', 17],
    ['1979-01-01', 18],
    ['1980-01-01', 19],
    ['1981-07-01', 20],
    ['1982-07-01', 21],
    ['1983-07-01', 22],
    ['1985-07-01', 23],
    ['1988-01-01', 24],
    ['1990-01-01', 25],
    ['1991-01-01', 26],
    ['1992-07-01', 27],
    ['1993-07-01', 28],
    ['1994-07-01', 29],
    ['1996-01-01', 30],
    ['1997-07-01', 31],
    ['1999-01-01', 32],
    ['2006-01-01', 33],
    ['2009-01-01', 34],
    ['2012-07-01', 35],
    ['2015-07-01', 36],
    ['2017-01-01', 37],
  ] as const
).map(([date, s]) => [Date.parse(`${date}T00:00:00Z`), s] as const);

/** TAI − UTC in seconds at `utcMs`. */
export function taiMinusUtc(utcMs: number): number {
  let s = 10;
  for (const [from, value] of LEAP_SECONDS) {
    if (utcMs < from) break;
    s = value;
  }
  return s;
}

const ISO = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/;

/**
 * An ISO 8601 date-time as ms since the epoch, read in the scale it is written in. VOEvent times
 * carry no zone (the scale comes from the coordinate system), so none means UTC; `Z` and offsets
 * are honoured. Any number of decimals; rounded to the ms.
 */
export function parseIsoTime(text: string, where: string): number {
  const m = ISO.exec(text.trim());
  if (!m)
    throw new VoEventError(`${where}: "${text}" is not an ISO 8601 date-time (YYYY-MM-DDThh:mm:ss[.s])`);
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  if (
    check.getUTCMonth() !== Number(mo) - 1 ||
    check.getUTCDate() !== Number(d) ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 60
  ) {
    throw new VoEventError(`${where}: "${text}" is not a valid date-time`);
  }
  let offsetMs = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMs = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms + Math.round(Number(frac ?? 0) * 1000) - offsetMs;
}

/**
 * Converts a time read in `scale` to UTC (ms). TDB is taken as TT (they differ by under 2 ms);
 * GPS = TAI − 19 s; TT = TAI + 32.184 s.
 */
export function toUtc(ms: number, scale: TimeScale): number {
  const taiOffsetMs = (tai: number) => taiMinusUtc(tai - 37_000) * 1000;
  switch (scale) {
    case 'UTC':
      return ms;
    case 'TAI':
      return ms - taiOffsetMs(ms);
    case 'GPS':
      return ms + 19_000 - taiOffsetMs(ms + 19_000);
    case 'TT':
    case 'TDB':
      return ms - 32_184 - taiOffsetMs(ms - 32_184);
  }
}
