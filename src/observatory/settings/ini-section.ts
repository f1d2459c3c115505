import { ConfigError, quoteValue } from '../../config/config-error.js';
import type { IniDocument } from '../../config/ini-parser.js';

/** How one key is read: its parser (throws an Error with a sentence) and its value when absent. */
export interface KeySpec<T> {
  readonly parse: (raw: string) => T;
  readonly absent: T;
}

/** The typed values of a section spec. */
export type SectionValues<S> = { readonly [K in keyof S]: S[K] extends KeySpec<infer T> ? T : never };

/**
 * Reads one section of an INI document against a spec: every key known, every value valid, or a
 * ConfigError naming file, line, section and key. A missing section gives the defaults. `moved`
 * names keys that moved elsewhere: the error says where.
 */
export function readSection<S extends Record<string, KeySpec<unknown>>>(
  doc: IniDocument,
  section: string,
  spec: S,
  moved?: Readonly<Record<string, string>>,
): SectionValues<S> {
  const found = doc.sections.get(section);
  const values: Record<string, unknown> = {};
  const raw = found?.values ?? {};
  for (const key of Object.keys(raw)) {
    const now = moved?.[key];
    if (now !== undefined && !(key in spec)) {
      throw new ConfigError(
        { file: doc.file, section, key, line: found?.lines[key] },
        `moved: it is now ${now}`,
      );
    }
    if (!(key in spec)) {
      throw new ConfigError(
        { file: doc.file, section, key, line: found?.lines[key] },
        `unknown key (known keys: ${Object.keys(spec).join(', ')})`,
      );
    }
  }
  for (const [key, field] of Object.entries(spec)) {
    const text = raw[key];
    if (text === undefined || text.trim() === '') {
      values[key] = field.absent;
      continue;
    }
    try {
      values[key] = field.parse(text.trim());
    } catch (error) {
      throw new ConfigError(
        { file: doc.file, section, key, line: found?.lines[key] },
        `${quoteValue(text)}: ${(error as Error).message}`,
      );
    }
  }
  return values as SectionValues<S>;
}

/** A number within [min, max]. */
export function num(
  absent: number,
  min = Number.NEGATIVE_INFINITY,
  max = Number.POSITIVE_INFINITY,
): KeySpec<number> {
  return {
    absent,
    parse: (raw) => {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < min || n > max)
        throw new Error(`expected a number from ${min} to ${max}`);
      return n;
    },
  };
}

/** A string kept as written. */
export function str(absent: string): KeySpec<string> {
  return { absent, parse: (raw) => raw };
}

/** An optional string (absent: undefined). */
export function optionalStr(): KeySpec<string | undefined> {
  return { absent: undefined, parse: (raw) => raw };
}

const BOOLEANS: Readonly<Record<string, boolean>> = {
  '1': true,
  yes: true,
  true: true,
  on: true,
  '0': false,
  no: false,
  false: false,
  off: false,
};

/** A configparser boolean. */
export function bool(absent: boolean): KeySpec<boolean> {
  return {
    absent,
    parse: (raw) => {
      const b = BOOLEANS[raw.toLowerCase()];
      if (b === undefined) throw new Error('expected yes/no, true/false, on/off or 1/0');
      return b;
    },
  };
}
