/**
 * Typed reading of the fields of a GCN unified-schema JSON notice, and its position. Every
 * failure is one NoticeError line naming the field: `gcn json notice: ra: "12h" is not a number`.
 */
import { separationDeg } from '../astro/positions.js';
import { type Notice, NoticeError } from './notice.js';
import { parseIsoTime } from './time-scales.js';
import { VoEventError } from './voevent-error.js';

/** A parsed JSON object. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** The error for a bad field: the format, the field, what is wrong. */
export function fieldError(field: string, message: string): NoticeError {
  return new NoticeError(`gcn json notice: ${field}: ${message}`);
}

/** A value as a message shows it: its JSON, cut at 60 characters (a message stays one short line). */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** A plain object, as JSON.parse makes them (not an array, a class instance or null). */
export function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** An own field; `null` reads as absent (producers written in Python send None for a value they lack). */
export function fieldOf(o: JsonObject, key: string): unknown {
  return Object.hasOwn(o, key) ? (o[key] ?? undefined) : undefined;
}

/** A string field, trimmed; absent or blank: undefined. */
export function optString(o: JsonObject, key: string): string | undefined {
  const v = fieldOf(o, key);
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw fieldError(key, `${show(v)} is not a string`);
  const text = v.trim();
  return text === '' ? undefined : text;
}

function numberValue(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw fieldError(where, `${show(v)} is not a number`);
  return v;
}

/** A number field; absent: undefined. */
export function optNumber(o: JsonObject, key: string): number | undefined {
  const v = fieldOf(o, key);
  return v === undefined ? undefined : numberValue(v, key);
}

/**
 * A date-time field as UTC ms. The schema asks for ISO 8601 (`…T02:14:40.43Z`) but real notices
 * also write it without a zone (GBM, SVOM: UTC, as the schema's times are) or with a space for
 * the `T` (CHIME); any number of decimals.
 */
export function optTime(o: JsonObject, key: string): number | undefined {
  const text = optString(o, key);
  if (text === undefined) return undefined;
  const iso = text.replace(/^(\d{4}-\d\d-\d\d)[ t](?=\d)/, '$1T').replace(/z$/, 'Z');
  try {
    return parseIsoTime(iso, key);
  } catch (err) {
    if (!(err instanceof VoEventError)) throw err;
    const why = /not a valid date-time/.test(err.message)
      ? 'is not a valid date-time'
      : 'is not an ISO 8601 date-time (YYYY-MM-DDThh:mm:ss[.s][Z])';
    throw fieldError(key, `${show(text)} ${why}`);
  }
}

type PositionResult = Pick<Notice, 'position' | 'positionNote'>;

function checkRa(ra: number, where: string): number {
  if (ra < 0 || ra > 360) throw fieldError(where, `${ra} is outside 0..360 degrees`);
  return ra;
}

function checkDec(dec: number, where: string): number {
  if (dec < -90 || dec > 90) throw fieldError(where, `${dec} is outside -90..90 degrees`);
  return dec;
}

/** A radius of the error region, degrees: over 180 is no circle on the sphere. */
function checkRadius(r: number, where: string): number {
  if (r > 180) throw fieldError(where, `${r} degrees is more than the whole sky`);
  return r;
}

/** MAXI's `rectangular_error_corners`: [ra, dec] pairs, degrees, checked; absent: undefined. */
function readCorners(o: JsonObject): { raDeg: number; decDeg: number }[] | undefined {
  const key = 'rectangular_error_corners';
  const v = fieldOf(o, key);
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length < 3)
    throw fieldError(key, `${show(v)} is not a list of [ra, dec] corners`);
  return v.map((pair: unknown, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw fieldError(`${key}[${i}]`, `${show(pair)} is not an [ra, dec] pair`);
    }
    return {
      raDeg: checkRa(numberValue(pair[0], `${key}[${i}][0]`), `${key}[${i}][0]`),
      decDeg: checkDec(numberValue(pair[1], `${key}[${i}][1]`), `${key}[${i}][1]`),
    };
  });
}

/** The direction of the mean of the corners' unit vectors: the middle of a small region, RA wrap or not. */
function middleOf(corners: readonly { raDeg: number; decDeg: number }[]): { raDeg: number; decDeg: number } {
  const rad = Math.PI / 180;
  let x = 0;
  let y = 0;
  let z = 0;
  for (const c of corners) {
    x += Math.cos(c.decDeg * rad) * Math.cos(c.raDeg * rad);
    y += Math.cos(c.decDeg * rad) * Math.sin(c.raDeg * rad);
    z += Math.sin(c.decDeg * rad);
  }
  const raDeg = (((Math.atan2(y, x) / rad) % 360) + 360) % 360;
  return { raDeg, decDeg: Math.atan2(z, Math.hypot(x, y)) / rad };
}

/**
 * The error radius `ra_dec_error` gives: a number is a circle's radius; an array is an ellipse
 * [semi-major, semi-minor (default: the semi-major), position angle]. A notice position is one
 * circle, so an ellipse becomes the smallest circle about its centre that holds it: radius = the
 * larger semi-axis. A radius that is not positive is returned as is (the caller says "unknown").
 */
function readErrorRadius(o: JsonObject): number | undefined {
  const key = 'ra_dec_error';
  const v = fieldOf(o, key);
  if (v === undefined) return undefined;
  if (typeof v === 'number') return checkRadius(numberValue(v, key), key);
  if (!Array.isArray(v) || v.length < 1 || v.length > 3) {
    throw fieldError(key, `${show(v)} is not a number or an array of 1 to 3 numbers`);
  }
  const [a, b] = v.map((x: unknown, i) => numberValue(x, `${key}[${i}]`));
  const semiMajor = checkRadius(a as number, `${key}[0]`);
  const semiMinor = b === undefined ? semiMajor : checkRadius(b, `${key}[1]`);
  if (semiMajor <= 0 || semiMinor <= 0) return Math.min(semiMajor, semiMinor);
  return Math.max(semiMajor, semiMinor);
}

/** What the notice says of a sky map, when it has one (not fetched nor read here). */
function skyMapOf(o: JsonObject): string | undefined {
  const url = optString(o, 'healpix_url');
  if (url !== undefined) return `a sky map only (${url.slice(0, 200)}), not fetched`;
  if (optString(o, 'healpix_file') !== undefined) return 'a sky map only (healpix_file, inline), not read';
  return undefined;
}

/**
 * The position: `ra`, `dec` (ICRS, degrees) and the error region: `ra_dec_error` (circle or
 * ellipse), else MAXI's `rectangular_error_corners` as the smallest circle about the position
 * that holds the four corners (the farthest corner; the middle of the corners when there is no
 * ra/dec). `containment` from `containment_probability` only when the notice gives it. No
 * position, or an error that is missing or not positive: no position, and `positionNote` says why.
 * Coordinates outside the sky, an absurd radius or containment: NoticeError.
 */
export function readPosition(o: JsonObject): PositionResult {
  const ra = optNumber(o, 'ra');
  const dec = optNumber(o, 'dec');
  if (ra !== undefined) checkRa(ra, 'ra');
  if (dec !== undefined) checkDec(dec, 'dec');
  const containment = optNumber(o, 'containment_probability');
  if (containment !== undefined && !(containment > 0 && containment <= 1)) {
    throw fieldError('containment_probability', `${containment} is not a probability (0 < p ≤ 1)`);
  }
  const corners = readCorners(o);
  const radius = readErrorRadius(o);
  const map = skyMapOf(o);
  if ((ra === undefined) !== (dec === undefined)) {
    return { positionNote: `${ra === undefined ? 'dec without ra' : 'ra without dec'}: no position` };
  }
  const centre =
    ra !== undefined && dec !== undefined
      ? { raDeg: ra, decDeg: dec }
      : corners === undefined
        ? undefined
        : middleOf(corners);
  if (centre === undefined) return { positionNote: `no ra/dec: ${map ?? 'the notice carries no position'}` };
  const boxRadius =
    corners === undefined ? undefined : Math.max(...corners.map((c) => separationDeg(centre, c)));
  const errorDeg = radius !== undefined && radius > 0 ? radius : (boxRadius ?? radius);
  if (errorDeg === undefined || errorDeg <= 0) {
    const what =
      errorDeg === undefined ? 'no ra_dec_error' : `ra_dec_error ${show(fieldOf(o, 'ra_dec_error'))}`;
    return { positionNote: `${what}: error unknown, no position${map === undefined ? '' : `; ${map}`}` };
  }
  return {
    position: {
      raDeg: centre.raDeg % 360,
      decDeg: centre.decDeg,
      errorDeg,
      ...(containment === undefined ? {} : { containment }),
    },
  };
}
