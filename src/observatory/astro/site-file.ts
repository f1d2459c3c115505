/**
 * The observatory's site file (`observatory/site.ini`): where the telescope stands and its
 * observing limits. Read with the configparser-compatible parser of `pyros_agent_config.ini`, so
 * that the Python side can read the same file.
 *
 * ```ini
 * [site]
 * name = TAROT Calern
 * latitude = 43.7523        ; decimal degrees, north positive
 * longitude = 6.9219        ; decimal degrees, east positive
 * height_m = 1270
 * horizon_limit_deg = 20    ; optional, default 20
 * sun_limit_deg = -12       ; optional, default -12
 * moon_separation_deg = 15  ; optional, default 15
 * ```
 * (configparser keeps inline comments as part of the value: write comments on their own lines.)
 */
import { readFileSync } from 'node:fs';
import { ConfigError, quoteValue } from '../../config/config-error.js';
import { effectiveValues, parseIni } from '../../config/ini-parser.js';
import type { Site } from './coordinates.js';

/** The section of the site file. */
export const SITE_SECTION = 'site';

/** The limits a site gets when its file (or `--site`) does not give them, in degrees. */
export const SITE_LIMIT_DEFAULTS = {
  horizonLimitDeg: 20,
  sunLimitDeg: -12,
  moonSeparationDeg: 15,
} as const;

interface NumberKey {
  readonly min: number;
  readonly max: number;
  readonly what: string;
}

const NUMBER_KEYS: Readonly<Record<string, NumberKey>> = {
  latitude: { min: -90, max: 90, what: 'a latitude (decimal degrees, -90 to 90)' },
  longitude: {
    min: -180,
    max: 180,
    what: 'a longitude (decimal degrees east, -180 to 180)',
  },
  height_m: { min: -500, max: 9000, what: 'a height in metres (-500 to 9000)' },
  horizon_limit_deg: { min: 0, max: 89, what: 'an altitude limit (0 to 89 deg)' },
  sun_limit_deg: { min: -90, max: 0, what: 'a Sun altitude limit (-90 to 0 deg)' },
  moon_separation_deg: {
    min: 0,
    max: 180,
    what: 'an angle (0 to 180 deg)',
  },
};

// Decimal numbers only: Number() would also take '', ' ', '0x10' and 'Infinity'.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal number within [min, max], or undefined. */
function decimalIn(text: string, min: number, max: number): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
}

/**
 * Reads a site file.
 *
 * @throws ConfigError (one line naming the file, section and key) when the file cannot be read,
 *   has no `[site]` section, another section, an unknown key, a missing required key or a bad value.
 */
export function loadSite(path: string): Site {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      { file: path },
      `cannot read the site file (${(err as NodeJS.ErrnoException).code})`,
    );
  }
  return parseSite(text, path);
}

/** Parses the text of a site file; `file` names it in errors. See {@link loadSite}. */
export function parseSite(text: string, file: string): Site {
  const doc = parseIni(text, file);
  for (const name of doc.sections.keys()) {
    if (name !== SITE_SECTION) {
      throw new ConfigError(
        { file, section: name, line: doc.sections.get(name)?.line },
        `unknown section (a site file has only [${SITE_SECTION}])`,
      );
    }
  }
  const section = doc.sections.get(SITE_SECTION);
  const values = effectiveValues(doc, SITE_SECTION);
  const where = (key: string) => ({
    file,
    section: SITE_SECTION,
    key,
    line: section?.lines[key] ?? doc.defaultLines[key] ?? section?.line,
  });
  for (const key of Object.keys(values)) {
    if (key !== 'name' && !NUMBER_KEYS[key]) {
      const known = ['name', ...Object.keys(NUMBER_KEYS)].join(', ');
      throw new ConfigError(where(key), `unknown key (known: ${known})`);
    }
  }
  const number = (key: string, fallback?: number): number => {
    const raw = values[key];
    const spec = NUMBER_KEYS[key];
    if (raw === undefined || !spec) {
      if (fallback === undefined) throw new ConfigError(where(key), 'is required');
      return fallback;
    }
    const n = decimalIn(raw, spec.min, spec.max);
    if (n === undefined) throw new ConfigError(where(key), `${quoteValue(raw)} is not ${spec.what}`);
    return n;
  };
  const name = values.name ?? '';
  if (name.trim() === '') throw new ConfigError(where('name'), 'is required');
  return {
    name,
    latitudeDeg: number('latitude'),
    longitudeDeg: number('longitude'),
    heightM: number('height_m'),
    horizonLimitDeg: number('horizon_limit_deg', SITE_LIMIT_DEFAULTS.horizonLimitDeg),
    sunLimitDeg: number('sun_limit_deg', SITE_LIMIT_DEFAULTS.sunLimitDeg),
    moonSeparationDeg: number('moon_separation_deg', SITE_LIMIT_DEFAULTS.moonSeparationDeg),
  };
}

/**
 * A site from the CLI's `--site LAT,LON,HEIGHT_M` (decimal degrees north and east, metres), with
 * the default limits.
 *
 * @throws Error (one line) when the text is not three numbers in range.
 */
export function parseSiteOption(text: string): Site {
  const parts = text.split(',').map((p) => p.trim());
  const [lat, lon, height] = parts.map((p, i) => {
    const spec = [NUMBER_KEYS.latitude, NUMBER_KEYS.longitude, NUMBER_KEYS.height_m][i];
    return spec ? decimalIn(p, spec.min, spec.max) : undefined;
  });
  if (parts.length !== 3 || lat === undefined || lon === undefined || height === undefined) {
    throw new Error(
      `--site: ${quoteValue(text)} is not LAT,LON,HEIGHT_M (degrees north -90..90, degrees east -180..180, metres)`,
    );
  }
  return {
    name: `${lat},${lon}`,
    latitudeDeg: lat,
    longitudeDeg: lon,
    heightM: height,
    ...SITE_LIMIT_DEFAULTS,
  };
}
