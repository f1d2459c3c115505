import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from '../../config/agent-config.js';
import { currentNight } from '../agents/planning-window.js';
import type { Site } from '../astro/coordinates.js';
import { loadSite } from '../astro/site-file.js';
import { loadObservatorySettings } from '../settings/observatory-settings.js';
import { exportClock, parseTime, SIM_ENV } from './clock-from-env.js';
import { SimClock } from './sim-clock.js';

/** How often the host records the simulated time, so that `--sim-start resume` continues from it (real ms). */
const SAVE_EVERY_MS = 500;
/** This host's record of its simulated clock, in its data folder. */
export const SIM_SESSION_FILE = 'sim-session.json';

/** Less dark time than this left in the night in progress, and `tonight` means the next one. */
const MIN_DARK_LEFT_MS = 2 * 3_600_000;

/**
 * Where `--sim-start tonight` starts, seen from `now`: the coming sunset; `now` itself, if the
 * night has begun and has at least two dark hours left; else the next night's sunset (a
 * simulation started near dawn would otherwise show a few minutes of observing, then a day).
 */
export function tonight(site: Site, now: number): number {
  const night = currentNight(site, now);
  if (night.sunset !== undefined && now < night.sunset) return night.sunset;
  const darkEnd = night.dark?.end ?? night.sunrise;
  if (darkEnd !== undefined && darkEnd - now >= MIN_DARK_LEFT_MS) return now;
  const next = currentNight(site, (night.sunrise ?? night.nextNoon) + 1);
  return next.sunset ?? now;
}

/** What the host records of its simulated clock. */
interface SavedSession {
  readonly start: number;
  readonly speed: number;
  readonly anchor: number;
  /** Given with --sim-anchor: the clock is shared with other hosts, and resumes with the same time as theirs. */
  readonly shared: boolean;
  /** The simulated night's first start (where the weather scenario's times count from). */
  readonly origin: number;
  /** The simulated time when last saved. */
  readonly now: number;
}

/** A simulated clock shared by the host's threads, its time saved in the host's data folder. */
export interface SimSession {
  readonly clock: SimClock;
  /** What was decided, in one line (e.g. "continuing the simulated night from …"). */
  readonly note: string;
  /** Stops saving (the last time is saved first). */
  stop(): void;
}

/** Options of `pyros start` for the simulated clock. */
export interface SimOptions {
  /** An ISO time, ms since the epoch, `tonight` or `resume`. */
  readonly when: string;
  readonly speed?: number;
  /** The real time at which the clock reads its start (ISO or ms): the same on every host of one simulation. */
  readonly anchor?: string;
}

function readSaved(file: string): SavedSession | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SavedSession;
  } catch {
    return undefined;
  }
}

/**
 * Starts the simulated clock of `pyros start --sim-start WHEN [--speed N] [--sim-anchor T]` and
 * exports it to the environment (every agent thread and task worker started afterwards reads the
 * same time). `resume` continues where this host's last simulated run stopped; with a shared clock
 * (one started with `--sim-anchor`), it finds the time the other hosts have. `tonight` goes on
 * with the simulated night a previous run left unfinished, else starts at the coming sunset.
 * One line naming what is wrong otherwise.
 */
export function startSimSession(config: AgentConfig, options: SimOptions): SimSession {
  if (config.observatory === undefined) {
    throw new Error(`--sim-start needs the observatory: ${config.file} has no [DEFAULT] observatory key`);
  }
  const settings = loadObservatorySettings(config.observatory);
  const file = join(settings.paths.dataDir, SIM_SESSION_FILE);
  const saved = readSaved(file);
  const realNow = Date.now();
  const speed = options.speed;
  if (speed !== undefined && (!(speed > 0) || !Number.isFinite(speed))) {
    throw new Error(`--speed: expected a number > 0, got ${speed}`);
  }
  let clock: SimClock;
  let origin: number;
  let shared = options.anchor !== undefined;
  let note: string;
  if (options.when === 'resume') {
    if (saved === undefined) throw new Error(`--sim-start resume: no simulated run recorded in ${file}`);
    if (saved.shared) {
      if (speed !== undefined && speed !== saved.speed) {
        throw new Error(
          `--speed ${speed}: the shared clock runs at ${saved.speed}x on every host; resume it as it is`,
        );
      }
      clock = new SimClock(saved.start, saved.speed, saved.anchor);
      shared = true;
      note = 'resuming the shared simulated clock';
    } else {
      clock = new SimClock(saved.now, speed ?? saved.speed);
      note = 'resuming where the last simulated run stopped';
    }
    origin = saved.origin;
  } else {
    const anchor = options.anchor === undefined ? realNow : parseTime(options.anchor, '--sim-anchor');
    let start: number;
    if (options.when === 'tonight') {
      const site = loadSite(settings.paths.siteFile);
      const from = Math.max(realNow, saved?.now ?? 0);
      start = tonight(site, from);
      const goesOn = saved !== undefined && start === saved.now;
      note = goesOn
        ? 'going on with the simulated night where the last run stopped (give --sim-start an ISO time to start over)'
        : 'from the coming sunset';
      origin = goesOn ? saved.origin : start;
    } else {
      start = parseTime(options.when, '--sim-start');
      origin = start;
      note = 'from the given time';
    }
    clock = new SimClock(start, speed ?? 1, anchor);
  }
  exportClock(clock);
  process.env[SIM_ENV.origin] = String(origin);
  const save = (): void => {
    const record: SavedSession = {
      start: clock.start,
      speed: clock.speed,
      anchor: clock.anchor,
      shared,
      origin,
      now: clock.now(),
    };
    mkdirSync(settings.paths.dataDir, { recursive: true });
    // Written aside then renamed: a host killed mid-write leaves the previous record whole.
    writeFileSync(`${file}.tmp`, JSON.stringify(record));
    renameSync(`${file}.tmp`, file);
  };
  save();
  const timer = setInterval(save, SAVE_EVERY_MS);
  timer.unref();
  return {
    clock,
    note,
    stop: () => {
      clearInterval(timer);
      save();
    },
  };
}
