import type { AgentConfig } from '../../config/agent-config.js';
import { WEATHER_START_KEY } from '../agents/observatory-devices.js';
import { currentNight } from '../agents/planning-window.js';
import type { Site } from '../astro/coordinates.js';
import { loadSite } from '../astro/site-file.js';
import { loadObservatorySettings } from '../settings/observatory-settings.js';
import { getSetting, openObservatoryDb, setSetting } from '../store/observatory-db.js';
import { exportClock, parseTime } from './clock-from-env.js';
import { RealClock } from './real-clock.js';
import { SimClock } from './sim-clock.js';

/** How often the host records the simulated time, so that `--sim-start resume` continues from it (real ms). */
const SAVE_EVERY_MS = 500;
const SAVED_KEY = 'clock.simulated';

/** Less dark time than this left in the night in progress, and `tonight` means the next one. */
const MIN_DARK_LEFT_MS = 2 * 3_600_000;

/**
 * Where `--sim-start tonight` starts: the coming sunset; now, if the night has begun and has at
 * least two dark hours left; else the next night's sunset (a simulation started near dawn would
 * otherwise show a few minutes of observing, then a day of nothing).
 */
export function tonight(site: Site, now: number): number {
  const night = currentNight(site, now);
  if (night.sunset !== undefined && now < night.sunset) return night.sunset;
  const darkEnd = night.dark?.end ?? night.sunrise;
  if (darkEnd !== undefined && darkEnd - now >= MIN_DARK_LEFT_MS) return now;
  const next = currentNight(site, (night.sunrise ?? night.nextNoon) + 1);
  return next.sunset ?? now;
}

/** A simulated clock shared by the host's threads, its time saved in the observatory database. */
export interface SimSession {
  readonly clock: SimClock;
  /** Stops saving (the last time is saved first). */
  stop(): void;
}

/**
 * Starts the simulated clock of `pyros start --sim-start WHEN --speed N` and exports it to the
 * environment (every agent thread and task worker started afterwards reads the same time).
 * WHEN is an ISO time or ms since the epoch, `tonight` (the coming night's sunset at the site, or
 * now if the night has begun), or `resume` (where the last simulated run of this observatory
 * stopped, at its speed unless `speed` is given). One line naming what is wrong otherwise.
 */
export function startSimSession(config: AgentConfig, when: string, speed: number | undefined): SimSession {
  if (config.observatory === undefined) {
    throw new Error(`--sim-start needs the observatory: ${config.file} has no [DEFAULT] observatory key`);
  }
  const settings = loadObservatorySettings(config.observatory);
  const db = openObservatoryDb(settings.paths.database);
  let start: number;
  let rate = speed ?? 1;
  if (when === 'resume') {
    const saved = getSetting(db, SAVED_KEY);
    if (saved === undefined) {
      db.close();
      throw new Error(`--sim-start resume: no simulated run recorded in ${settings.paths.database}`);
    }
    const { now, speed: savedSpeed } = JSON.parse(saved) as { now: number; speed: number };
    start = now;
    rate = speed ?? savedSpeed;
  } else if (when === 'tonight') {
    start = tonight(loadSite(settings.paths.siteFile), new RealClock().now());
  } else {
    start = parseTime(when, '--sim-start');
  }
  if (!(rate > 0) || !Number.isFinite(rate)) {
    db.close();
    throw new Error(`--speed: expected a number > 0, got ${rate}`);
  }
  const clock = new SimClock(start, rate);
  exportClock(clock);
  // A new simulated night: the weather scenario's relative times count from its start.
  if (when !== 'resume') setSetting(db, WEATHER_START_KEY, String(start));
  const save = (): void =>
    setSetting(db, SAVED_KEY, JSON.stringify({ now: clock.now(), speed: clock.speed }));
  save();
  const timer = setInterval(save, SAVE_EVERY_MS);
  timer.unref();
  return {
    clock,
    stop: () => {
      clearInterval(timer);
      save();
      db.close();
    },
  };
}
