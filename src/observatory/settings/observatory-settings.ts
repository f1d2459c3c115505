import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../../config/config-error.js';
import { parseIni } from '../../config/ini-parser.js';
import { WEATHER_PARAMETERS, type WeatherParameter } from '../devices/weather-station.js';
import type { ExposureSpec } from '../scheduler/request.js';
import { ALERT_SOURCE_KEYS } from './alert-keys.js';
import { DEVICE_SPEC, type DeviceSection, MOVED_DEVICE_KEYS } from './device-keys.js';
import { bool, type KeySpec, num, optionalStr, readSection, type SectionValues, str } from './ini-section.js';

/** `FILTER:SECONDSxCOUNT, ...`, e.g. `R:60x3, V:60x3`. */
export function parseExposures(raw: string): ExposureSpec[] {
  return raw.split(',').map((part) => {
    const m = /^\s*([A-Za-z0-9_-]+)\s*:\s*(\d+(?:\.\d+)?)\s*x\s*(\d+)\s*$/.exec(part);
    if (m === null) throw new Error(`"${part.trim()}" is not FILTER:SECONDSxCOUNT (e.g. R:60x3)`);
    const [, filter, seconds, count] = m as unknown as [string, string, string, string];
    if (Number(seconds) <= 0 || Number(count) < 1)
      throw new Error(`"${part.trim()}": seconds and count must be > 0`);
    return { filter, exposureS: Number(seconds), count: Number(count) };
  });
}

function exposures(absent: ExposureSpec[]): KeySpec<ExposureSpec[]> {
  return { absent, parse: parseExposures };
}

/** `HOST:PORT`, or absent. */
function hostPort(): KeySpec<{ host: string; port: number } | undefined> {
  return {
    absent: undefined,
    parse: (raw) => {
      const m = /^(.+):(\d{1,5})$/.exec(raw);
      const port = Number(m?.[2]);
      if (m === null || port < 1 || port > 65535) throw new Error('expected HOST:PORT');
      return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port };
    },
  };
}

/** Comma-separated `http(s)://host[:port]` origins, or none. */
function origins(): KeySpec<string[]> {
  return {
    absent: [],
    parse: (raw) =>
      raw.split(',').map((part) => {
        const text = part.trim();
        let url: URL | undefined;
        try {
          url = new URL(text);
        } catch {
          url = undefined;
        }
        const bare = url !== undefined && (url.pathname === '/' || url.pathname === '') && !url.search;
        if (url === undefined || !/^https?:$/.test(url.protocol) || !bare)
          throw new Error(`"${text}" is not an origin (http://host[:port] or https://host[:port], no path)`);
        return url.origin;
      }),
  };
}

/** `clouds, humidity`: weather parameters by name (`WEATHER_PARAMETERS`). */
function weatherParameters(): KeySpec<WeatherParameter[]> {
  return {
    absent: [],
    parse: (raw) =>
      raw
        .split(/[\s,]+/)
        .filter((p) => p !== '')
        .map((p) => {
          if (!(p in WEATHER_PARAMETERS))
            throw new Error(
              `"${p}" is not a weather parameter (${Object.keys(WEATHER_PARAMETERS).join(', ')})`,
            );
          return p as WeatherParameter;
        }),
  };
}

/** Every agent's section may name its own data folder (its store and files), else `<data_dir>/<agent>`. */
const dataDir = { data_dir: optionalStr() };

const SPEC = {
  observatory: {
    name: str('pyros-ts observatory'),
    telescope: str('pyros-sim'),
    site_file: str('site.ini'),
    data_dir: str('pyros-data'),
    routine_requests: optionalStr(),
    weather: str('clear'),
    /** The camera's field on the sky (degrees, the width of one image): what an alert's error is held to. */
    field_of_view_deg: num(0.3, 0.001, 90),
  },
  alert_manager: {
    vtp_port: num(0, 0, 65535),
    vtp_host: str('127.0.0.1'),
    vtp_subscribe: hostPort(),
    max_age_s: num(86_400, 0),
    observe_test: bool(false),
    priority: num(100, 0),
    exposures: exposures([{ filter: 'R', exposureS: 60, count: 5 }]),
    window_h: num(12, 0.1),
    ...ALERT_SOURCE_KEYS,
    ...dataDir,
  },
  scheduler: {
    replan_every_s: num(1800, 10),
    step_s: num(300, 10),
    ...dataDir,
  },
  majordome: {
    preempt: bool(true),
    /** Nothing planned for longer than this: park and close until the next block (seconds). */
    close_gap_s: num(1800, 0),
    ...dataDir,
  },
  observation_manager: {
    safety_check_s: num(10, 0.1),
    ...dataDir,
  },
  monitoring: {
    poll_s: num(60, 0.1),
    good_after_s: num(1200, 0),
    max_wind_mps: num(15, 0),
    max_cloud_pct: num(80, 0, 100),
    max_humidity_pct: num(90, 0, 100),
    /** A reading older than this is no reading: unsafe (seconds). */
    max_reading_age_s: num(300, 1),
    /** How long a verdict holds: no newer one by then, and monitoring's silence is unsafe (seconds). */
    verdict_valid_s: num(180, 1),
    /** Parameters the station has no sensor for, judged without (else unknown is unsafe). */
    not_measured: weatherParameters(),
    ...dataDir,
  },
  analyzer: {
    workers: num(1, 0, 16),
    ...dataDir,
  },
  dashboard: {
    host: str('127.0.0.1'),
    port: num(8080, 0, 65535),
    /** Actions need it (docs/dashboard.md); else $PYROS_DASHBOARD_TOKEN; none: actions refused. */
    token: optionalStr(),
    /** Origins besides its own whose pages may act, comma-separated (a proxy in front: `https://dome.example.org`). */
    allowed_origins: origins(),
    ...dataDir,
  },
  ...DEVICE_SPEC,
} as const;

/** The sections of the observatory's agents (each may set `data_dir`). */
export type AgentSection = Exclude<keyof typeof SPEC, 'observatory' | DeviceSection>;

/** Overrides `[observatory] data_dir` for this host (`pyros start --data-dir`). */
export const DATA_DIR_ENV = 'PYROS_DATA_DIR';

type Spec = typeof SPEC;

/** The observatory's settings file (`observatory.ini`), typed, paths made absolute. */
export type ObservatorySettings = { readonly [S in keyof Spec]: SectionValues<Spec[S]> } & {
  /** The file the settings came from (absolute), or undefined for the defaults. */
  readonly file: string | undefined;
  readonly paths: {
    readonly siteFile: string;
    /** This host's data folder: `$PYROS_DATA_DIR`, else `[observatory] data_dir`. */
    readonly dataDir: string;
    readonly routineRequests: string | undefined;
    /** A scenario file, or undefined when `weather` names a built-in scenario. */
    readonly weatherFile: string | undefined;
  };
};

const BUILTIN_WEATHER = new Set(['clear', 'clouds', 'rain', 'wind', 'shower']);

/**
 * An agent's own data folder (its store, its files): its section's `data_dir`, else
 * `<data folder>/<agent>`.
 */
export function agentDataDir(settings: ObservatorySettings, agent: string): string {
  const own = (settings as unknown as Record<string, { data_dir?: string } | undefined>)[agent]?.data_dir;
  if (own === undefined) return resolve(settings.paths.dataDir, agent);
  const base = settings.file === undefined ? process.cwd() : dirname(settings.file);
  return isAbsolute(own) ? own : resolve(base, own);
}

/**
 * Reads `observatory.ini`: one section per agent plus `[observatory]`; relative paths are
 * relative to the file's folder. Throws a ConfigError naming file, line, section and key.
 * `env` gives `PYROS_DATA_DIR` (this host's data folder, relative to the current folder).
 */
export function loadObservatorySettings(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): ObservatorySettings {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      { file: path },
      `cannot read the observatory settings: ${(error as Error).message}`,
    );
  }
  const doc = parseIni(text, path);
  for (const section of doc.sections.keys()) {
    if (!(section in SPEC)) {
      throw new ConfigError(
        { file: path, section, line: doc.sections.get(section)?.line },
        `unknown section (known: ${Object.keys(SPEC).join(', ')})`,
      );
    }
  }
  const values = Object.fromEntries(
    Object.entries(SPEC).map(([name, spec]) => [
      name,
      readSection(doc, name, spec, name === 'observation_manager' ? MOVED_DEVICE_KEYS : undefined),
    ]),
  ) as { [S in keyof Spec]: SectionValues<Spec[S]> };
  const base = dirname(path);
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  const hostDir = env[DATA_DIR_ENV];
  const dataDir =
    hostDir !== undefined && hostDir !== '' ? resolve(hostDir) : abs(values.observatory.data_dir);
  const routine = values.observatory.routine_requests;
  const weather = values.observatory.weather;
  return {
    ...values,
    file: path,
    paths: {
      siteFile: abs(values.observatory.site_file),
      dataDir,
      routineRequests: routine === undefined ? undefined : abs(routine),
      weatherFile: BUILTIN_WEATHER.has(weather) ? undefined : abs(weather),
    },
  };
}
