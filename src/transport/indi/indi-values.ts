// Values as INDI writes them in XML, both ways: numbers (plain or sexagesimal), switch states,
// light states, perms, rules. The parser reads with these; the writer formats numbers with these.
import type { IndiPerm, IndiState, IndiSwitchRule } from './indi-types.js';

const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// libindi's f_scansexa takes up to three fields separated by anything that is not a digit; in
// practice drivers write ':' (and a few ';' or ' '). A sign applies to the whole value.
const SEXAGESIMAL = /^([+-])?(\d+(?:\.\d*)?)[:; ]+(\d+(?:\.\d*)?)(?:[:; ]+(\d+(?:\.\d*)?))?$/;
const NON_FINITE: Readonly<Record<string, number>> = {
  nan: Number.NaN,
  '-nan': Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  '+inf': Number.POSITIVE_INFINITY,
  infinity: Number.POSITIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
  '-infinity': Number.NEGATIVE_INFINITY,
};

/**
 * Reads an INDI number: plain decimal ("21.958", "1e-06"), sexagesimal ("12:30:00" is 12.5,
 * "-0:30" is -0.5, "12 30", "12;30;15.5"), or what C's %g prints for non-finite values ("nan",
 * "inf"), which drivers do send for sensors with no reading. Undefined when it is none of these.
 */
export function parseIndiNumber(text: string): number | undefined {
  const t = text.trim();
  if (PLAIN_NUMBER.test(t)) return Number(t);
  const m = SEXAGESIMAL.exec(t);
  if (m !== null) {
    const value = Number(m[2]) + Number(m[3]) / 60 + Number(m[4] ?? 0) / 3600;
    return m[1] === '-' ? -value : value;
  }
  return NON_FINITE[t.toLowerCase()];
}

/**
 * Formats a number as plain decimal with the shortest digits that read back to exactly the same
 * double (JavaScript's own round-trip digits): never exponent notation, because not every INDI
 * reader takes it, and never fewer digits, so a driver gets the value the caller gave.
 */
export function formatIndiNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`INDI number ${value} is not finite`);
  if (value === 0) return '0'; // -0 too
  const s = String(value);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const sign = s.startsWith('-') ? '-' : '';
  const mantissa = s.slice(sign.length, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const point = (dot < 0 ? mantissa.length : dot) + exponent;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

export function parseIndiState(text: string | undefined): IndiState | undefined {
  return text === 'Idle' || text === 'Ok' || text === 'Busy' || text === 'Alert' ? text : undefined;
}

/** 'On' → true, 'Off' → false (trimmed, as libindi trims content). */
export function parseIndiSwitch(text: string): boolean | undefined {
  const t = text.trim();
  return t === 'On' ? true : t === 'Off' ? false : undefined;
}

export function parseIndiPerm(text: string | undefined): IndiPerm | undefined {
  return text === 'ro' || text === 'wo' || text === 'rw' ? text : undefined;
}

export function parseIndiRule(text: string | undefined): IndiSwitchRule | undefined {
  return text === 'OneOfMany' || text === 'AtMostOne' || text === 'AnyOfMany' ? text : undefined;
}

/** A UTC timestamp as INDI writes them: ISO 8601 to the second, no zone ("2026-12-01T23:14:00"). */
export function indiTimestamp(ms: number = Date.now()): string {
  return new Date(ms).toISOString().slice(0, 19);
}
