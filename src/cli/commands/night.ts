import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AgentConfig, resolveConfigPath } from '../../config/agent-config.js';
import { currentNight } from '../../observatory/agents/planning-window.js';
import type { Site } from '../../observatory/astro/coordinates.js';
import { moonInNight } from '../../observatory/astro/moon-in-night.js';
import { type Night, nightOf, parseNightDate } from '../../observatory/astro/night.js';
import { loadSite, parseSiteOption } from '../../observatory/astro/site-file.js';
import type { Clock } from '../../observatory/clock/clock.js';
import { RealClock } from '../../observatory/clock/real-clock.js';
import type { PlannedBlock } from '../../observatory/scheduler/request.js';
import {
  loadObservatorySettings,
  type ObservatorySettings,
} from '../../observatory/settings/observatory-settings.js';
import { askLivePlan, choosePlan, isoSecond, type LivePlan, type PlanSource } from '../night-plan.js';

import { applyObservatoryOptions } from '../observatory-options.js';
import { positiveInt, UsageError } from '../run-cli.js';
import { textTable } from '../text-table.js';

/** Where `pyros night` looks for the site when not told (relative to the working directory). */
export const DEFAULT_SITE_FILE = './observatory/site.ini';
/** The routine requests `pyros night` plans when not told, if the file exists. */
export const DEFAULT_REQUESTS_FILE = './observatory/routine-requests.json';

/** What `pyros night` reads from outside: the clock for "tonight", the scheduler, and where it prints. */
export interface NightCommandDeps {
  readonly clock?: Clock;
  readonly write?: (text: string) => void;
  /** The running scheduler's plan (default: asked by message, {@link askLivePlan}). */
  readonly livePlan?: (timeoutMs: number) => Promise<LivePlan>;
}

interface NightOptions {
  date?: string;
  site?: string;
  siteFile?: string;
  requests?: string;
  json?: boolean;
  plan?: string;
  config?: string;
  observatory?: string;
  timeout: string;
}

/** What `pyros night --json` prints: times are ISO strings to the second, null when they do not happen. */
export interface NightReport {
  readonly site: Site;
  readonly date: string;
  readonly sunset: string | null;
  readonly civilDusk: string | null;
  readonly nauticalDusk: string | null;
  readonly astronomicalDusk: string | null;
  readonly astronomicalDawn: string | null;
  readonly nauticalDawn: string | null;
  readonly civilDawn: string | null;
  readonly sunrise: string | null;
  /** Moonrise and moonset between sunset and sunrise only (null: not in the night shown). */
  readonly moon: {
    readonly rise: string | null;
    readonly set: string | null;
    readonly upAtSunset: boolean;
    readonly illuminationPercent: number;
  };
  readonly dark: { readonly start: string; readonly end: string } | null;
  readonly requestsFile: string | null;
  readonly plan: PlanSource;
  readonly blocks: readonly {
    readonly id: string;
    readonly requestId: string;
    readonly targetName: string;
    readonly raDeg: number;
    readonly decDeg: number;
    readonly priority: number;
    readonly start: string;
    readonly end: string;
    readonly altitudeDeg: number;
    readonly airmass: number;
  }[];
}

const iso = (t: number | undefined) => (t === undefined ? null : isoSecond(t));

/** The observatory's settings, found as `pyros start` finds them, or undefined when no config names one. */
function observatorySettings(): ObservatorySettings | undefined {
  let path: string;
  try {
    path = resolveConfigPath();
  } catch {
    return undefined;
  }
  const observatory = AgentConfig.load(path).observatory;
  return observatory === undefined ? undefined : loadObservatorySettings(observatory);
}

function siteFrom(opts: NightOptions, settings: ObservatorySettings | undefined): Site {
  if (opts.site !== undefined && opts.siteFile !== undefined) {
    throw new UsageError('--site and --site-file: give one or the other');
  }
  if (opts.site !== undefined) return parseSiteOption(opts.site);
  if (opts.siteFile === undefined && settings !== undefined) return loadSite(settings.paths.siteFile);
  if (opts.siteFile === undefined && !existsSync(DEFAULT_SITE_FILE)) {
    throw new Error(
      `no site: ${DEFAULT_SITE_FILE} not found (give --site-file PATH or --site LAT,LON,HEIGHT_M)`,
    );
  }
  return loadSite(opts.siteFile ?? DEFAULT_SITE_FILE);
}

/** The night, its Moon and its plan, as `--json` prints them. */
export function nightReport(
  site: Site,
  night: Night,
  blocks: readonly PlannedBlock[],
  requestsFile: string | undefined,
  plan: PlanSource,
): NightReport {
  const moon = moonInNight(site, night);
  return {
    site,
    date: night.date,
    sunset: iso(night.sunset),
    civilDusk: iso(night.civilDusk),
    nauticalDusk: iso(night.nauticalDusk),
    astronomicalDusk: iso(night.astronomicalDusk),
    astronomicalDawn: iso(night.astronomicalDawn),
    nauticalDawn: iso(night.nauticalDawn),
    civilDawn: iso(night.civilDawn),
    sunrise: iso(night.sunrise),
    moon: {
      rise: iso(moon.rise),
      set: iso(moon.set),
      upAtSunset: moon.upAtSunset,
      illuminationPercent: Math.round(night.moonIllumination * 1000) / 10,
    },
    dark: night.dark ? { start: isoSecond(night.dark.start), end: isoSecond(night.dark.end) } : null,
    requestsFile: requestsFile ?? null,
    plan,
    blocks: blocks.map((b) => ({
      id: b.id,
      requestId: b.requestId,
      targetName: b.targetName,
      raDeg: b.target.raDeg,
      decDeg: b.target.decDeg,
      priority: b.priority,
      start: isoSecond(b.start),
      end: isoSecond(b.end),
      altitudeDeg: Math.round(b.altitudeDeg * 100) / 100,
      airmass: Math.round(b.airmass * 1000) / 1000,
    })),
  };
}

/** The report as a person reads it: the events, then the planned blocks. */
export function formatNight(r: NightReport): string {
  const s = r.site;
  const where = `${Math.abs(s.latitudeDeg)} ${s.latitudeDeg >= 0 ? 'N' : 'S'}, ${Math.abs(s.longitudeDeg)} ${
    s.longitudeDeg >= 0 ? 'E' : 'W'
  }, ${s.heightM} m`;
  const events = textTable([
    ['EVENT', 'UTC'],
    ['sunset', r.sunset ?? '-'],
    ['civil dusk', r.civilDusk ?? '-'],
    ['nautical dusk', r.nauticalDusk ?? '-'],
    ['astronomical dusk', r.astronomicalDusk ?? '-'],
    ['astronomical dawn', r.astronomicalDawn ?? '-'],
    ['nautical dawn', r.nauticalDawn ?? '-'],
    ['civil dawn', r.civilDawn ?? '-'],
    ['sunrise', r.sunrise ?? '-'],
    ['moon at sunset', r.moon.upAtSunset ? 'up' : 'down'],
    [
      'moonrise',
      r.moon.rise ?? (r.moon.set === null ? `- (${r.moon.upAtSunset ? 'up' : 'down'} all night)` : '-'),
    ],
    ['moonset', r.moon.set ?? '-'],
    ['moon illumination', `${r.moon.illuminationPercent.toFixed(0)} %`],
    [`dark (Sun < ${s.sunLimitDeg} deg)`, r.dark ? `${r.dark.start} to ${r.dark.end}` : 'none'],
  ]);
  let plan: string;
  if (r.plan.source === 'routine-requests' && r.requestsFile === null)
    plan = `no routine requests (${DEFAULT_REQUESTS_FILE} not found)`;
  else if (r.blocks.length === 0) plan = 'no block planned';
  else {
    plan = textTable([
      ['START', 'END', 'TARGET', 'PRIORITY', 'ALT', 'AIRMASS'],
      ...r.blocks.map((b) => [
        b.start,
        b.end,
        b.targetName,
        String(b.priority),
        `${b.altitudeDeg.toFixed(1)} deg`,
        b.airmass.toFixed(2),
      ]),
    ]);
  }
  return `Night of ${r.date} at ${s.name} (${where})\n\n${events}\n\nPlan: ${r.plan.note}\n${plan}\n`;
}

/** Adds `pyros night`. */
export function registerNight(program: Command, deps: NightCommandDeps = {}): void {
  program
    .command('night')
    .description(
      "the night at the site: sunset, twilights, sunrise, the Moon, and the plan: the scheduler's live plan when the observatory runs, else the plan of the routine requests (times UTC)",
    )
    .option(
      '--date <YYYY-MM-DD>',
      "the night starting on the evening of this local date (default: tonight, the observatory's if it runs)",
    )
    .option('--site <LAT,LON,HEIGHT_M>', 'the site: degrees north, degrees east, metres')
    .option('--site-file <path>', `the site file (default: the observatory's, else ${DEFAULT_SITE_FILE})`)
    .option(
      '--requests <path>',
      `routine requests to plan (default: the observatory's, else ${DEFAULT_REQUESTS_FILE} if present)`,
    )
    .option('--plan <path>', 'also write the planned blocks to this file, as JSON')
    .option('--json', 'print one JSON object instead of tables')
    .option(
      '-c, --config <file>',
      'config file (default: $PYROS_AGENT_CONFIG, then ./pyros_agent_config.ini)',
    )
    .option(
      '--observatory <file>',
      "the observatory settings file, instead of the config's [DEFAULT] observatory",
    )
    .option('-t, --timeout <ms>', 'how long to wait for the scheduler', '2000')
    .action(async (opts: NightOptions) => {
      const clock = deps.clock ?? new RealClock();
      const write = deps.write ?? ((text: string) => process.stdout.write(text));
      if (opts.date !== undefined) {
        try {
          parseNightDate(opts.date);
        } catch (err) {
          throw new UsageError(`--date: ${(err as Error).message}`);
        }
      }
      const timeout = positiveInt('--timeout', opts.timeout);
      applyObservatoryOptions(opts);
      const settings = observatorySettings();
      const site = siteFrom(opts, settings);
      const requestsFile =
        opts.requests ??
        settings?.paths.routineRequests ??
        (existsSync(DEFAULT_REQUESTS_FILE) ? DEFAULT_REQUESTS_FILE : undefined);
      const live = await (deps.livePlan ?? askLivePlan)(timeout);
      // "Tonight" is the observatory's (a simulated run's clock is not the wall clock's).
      const now = 'plan' in live && live.plan.madeAt > 0 ? live.plan.madeAt : clock.now();
      const night = opts.date !== undefined ? nightOf(site, opts.date) : currentNight(site, now);
      const { blocks, plan } = choosePlan(live, site, night, requestsFile, now);
      const report = nightReport(site, night, blocks, requestsFile, plan);
      if (opts.plan !== undefined) writeFileSync(opts.plan, `${JSON.stringify(report.blocks, null, 2)}\n`);
      write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatNight(report));
    });
}
