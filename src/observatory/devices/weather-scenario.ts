import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseTime } from '../clock/clock-from-env.js';
import { SKY_CONDITIONS, type SkyCondition } from './weather-station.js';

/**
 * How the simulated station itself behaves: it answers (`ok`), goes on answering its last reading
 * with that reading's old time (`frozen`, a stale reading), or does not answer (`failed`).
 */
export type StationState = 'ok' | 'frozen' | 'failed';

/** From `at` (ms since the epoch) on, the sky is `sky` and the station `station` (until the next segment that sets them). */
export interface WeatherSegment {
  readonly at: number;
  readonly sky?: SkyCondition;
  readonly station?: StationState;
}

/** A scripted night: the sky before the first segment, then each segment's, in time order. */
export interface WeatherScenario {
  readonly name: string;
  readonly sky: SkyCondition;
  readonly segments: readonly WeatherSegment[];
}

/** The named scenarios: one condition all along, or `shower` (clear, rain from +1h to +1h30m). */
export const BUILTIN_SCENARIOS = ['clear', 'clouds', 'rain', 'wind', 'shower'] as const;

/** A built-in scenario's name. */
export type BuiltinScenario = (typeof BUILTIN_SCENARIOS)[number];

const HOUR = 3_600_000;

/** The built-in scenario `name`, its offsets counted from `start` (ms since the epoch). */
export function builtinScenario(name: BuiltinScenario, start: number): WeatherScenario {
  if (name === 'shower') {
    return {
      name,
      sky: 'clear',
      segments: [
        { at: start + HOUR, sky: 'rain' },
        { at: start + 1.5 * HOUR, sky: 'clear' },
      ],
    };
  }
  return { name, sky: name, segments: [] };
}

const skySchema = z.enum(SKY_CONDITIONS as [SkyCondition, ...SkyCondition[]]);
const fileSchema = z
  .object({
    name: z.string().optional(),
    start: z.string().optional(),
    sky: skySchema.optional(),
    segments: z.array(
      z
        .object({
          at: z.string(),
          sky: skySchema.optional(),
          station: z.enum(['ok', 'frozen', 'failed']).optional(),
        })
        .strict()
        .refine((s) => s.sky !== undefined || s.station !== undefined, 'a segment sets sky, station or both'),
    ),
  })
  .strict();

const OFFSET = /^([+-])((?:\d+(?:\.\d+)?[hms])+)$/;

/**
 * A scenario from its JSON form: `{ "start"?: ISO, "sky"?: condition before the first segment
 * (default clear), "segments": [{ "at": "+2h" | "+2h30m" | "+90m" | "+45s" | ISO, "sky"?: …,
 * "station"?: "ok" | "frozen" | "failed" }] }`.
 * Relative `at`s count from `start`, or from `defaultStart` when the file has none. Segments must
 * be in time order; an ISO time without a zone is UTC. Throws one line naming `where`, the field and the problem.
 */
export function parseScenario(input: unknown, where: string, defaultStart?: number): WeatherScenario {
  const parsed = fileSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.length ? issue.path.join('.') : 'scenario';
    throw new Error(`weather scenario ${where}: ${field}: ${issue?.message ?? 'invalid'}`);
  }
  const file = parsed.data;
  const start =
    file.start === undefined ? defaultStart : utcTime(file.start, `weather scenario ${where}: start`);
  const segments: WeatherSegment[] = [];
  file.segments.forEach((segment, i) => {
    const at = segmentTime(segment.at, start, `weather scenario ${where}: segments.${i}.at`);
    const previous = segments[i - 1];
    if (previous !== undefined && at <= previous.at) {
      throw new Error(
        `weather scenario ${where}: segments.${i}.at "${segment.at}" is not after the segment before it`,
      );
    }
    segments.push({
      at,
      ...(segment.sky === undefined ? {} : { sky: segment.sky }),
      ...(segment.station === undefined ? {} : { station: segment.station }),
    });
  });
  return { name: file.name ?? where, sky: file.sky ?? 'clear', segments };
}

/** Reads and parses a scenario file (see {@link parseScenario}). */
export async function loadScenario(path: string, defaultStart?: number): Promise<WeatherScenario> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new Error(`weather scenario ${path}: ${(err as Error).message}`);
  }
  return parseScenario(json, path, defaultStart);
}

/** A built-in scenario by name, or else the scenario file at `nameOrPath`; offsets count from `start`. */
export function resolveScenario(nameOrPath: string, start: number): Promise<WeatherScenario> {
  const builtin = BUILTIN_SCENARIOS.find((name) => name === nameOrPath);
  return builtin !== undefined
    ? Promise.resolve(builtinScenario(builtin, start))
    : loadScenario(nameOrPath, start);
}

/** The scenario's sky at `time` (ms since the epoch). */
export function skyAt(scenario: WeatherScenario, time: number): SkyCondition {
  let sky = scenario.sky;
  for (const segment of scenario.segments) {
    if (segment.at > time) break;
    sky = segment.sky ?? sky;
  }
  return sky;
}

/** The station's state at `time`, and since when it has been in it. */
export function stationAt(scenario: WeatherScenario, time: number): { state: StationState; since: number } {
  let state: StationState = 'ok';
  let since = Number.NEGATIVE_INFINITY;
  for (const segment of scenario.segments) {
    if (segment.at > time) break;
    if (segment.station !== undefined && segment.station !== state) {
      state = segment.station;
      since = segment.at;
    }
  }
  return { state, since };
}

/** `+2h30m` after `start`, or an absolute ISO time. */
function segmentTime(text: string, start: number | undefined, what: string): number {
  const offset = OFFSET.exec(text.trim());
  if (offset === null) {
    if (/^[+-]/.test(text.trim()))
      throw new Error(`${what}: "${text}" is not an offset like +2h, +2h30m, +90m, +45s`);
    return utcTime(text, what);
  }
  if (start === undefined) throw new Error(`${what}: "${text}" is relative but the scenario has no start`);
  const units: Record<string, number> = { h: HOUR, m: 60_000, s: 1000 };
  let ms = 0;
  for (const [, value, unit] of (offset[2] ?? '').matchAll(/(\d+(?:\.\d+)?)([hms])/g)) {
    ms += Number(value) * (units[unit ?? 's'] ?? 0);
  }
  return start + (offset[1] === '-' ? -ms : ms);
}

/** An ISO time (one without a zone is UTC, whatever the machine's zone) or ms since the epoch. */
function utcTime(text: string, what: string): number {
  const zoneless = /T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text.trim());
  return parseTime(zoneless ? `${text.trim()}Z` : text, what);
}
