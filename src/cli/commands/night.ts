import { existsSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Site } from '../../observatory/astro/coordinates.js';
import { type Night, nightOf, parseNightDate } from '../../observatory/astro/night.js';
import { loadSite, parseSiteOption } from '../../observatory/astro/site-file.js';
import type { Clock } from '../../observatory/clock/clock.js';
import { RealClock } from '../../observatory/clock/real-clock.js';
import { DEFAULT_OVERHEADS } from '../../observatory/scheduler/overheads.js';
import { planNight } from '../../observatory/scheduler/planner.js';
import type { PlannedBlock } from '../../observatory/scheduler/request.js';
import { loadRoutineRequests } from '../../observatory/scheduler/routine-requests.js';
import { textTable } from '../text-table.js';

/** Where `pyros night` looks for the site when not told (relative to the working directory). */
export const DEFAULT_SITE_FILE = './observatory/site.ini';
/** The routine requests `pyros night` plans when not told, if the file exists. */
export const DEFAULT_REQUESTS_FILE = './observatory/routine-requests.json';

/** What `pyros night` reads from outside: the clock for "tonight", and where it prints. */
export interface NightCommandDeps {
  readonly clock?: Clock;
  readonly write?: (text: string) => void;
}

interface NightOptions {
  date?: string;
  site?: string;
  siteFile?: string;
  requests?: string;
  json?: boolean;
  plan?: string;
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
  readonly moon: {
    readonly rise: string | null;
    readonly set: string | null;
    readonly illuminationPercent: number;
  };
  readonly dark: { readonly start: string; readonly end: string } | null;
  readonly requestsFile: string | null;
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

/** `YYYY-MM-DDTHH:MM:SSZ`, rounded to the second. */
export function isoSecond(t: number): string {
  return new Date(Math.round(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const iso = (t: number | undefined) => (t === undefined ? null : isoSecond(t));

function siteFrom(opts: NightOptions): Site {
  if (opts.site !== undefined && opts.siteFile !== undefined) {
    throw new Error('--site and --site-file: give one or the other');
  }
  if (opts.site !== undefined) return parseSiteOption(opts.site);
  if (opts.siteFile === undefined && !existsSync(DEFAULT_SITE_FILE)) {
    throw new Error(
      `no site: ${DEFAULT_SITE_FILE} not found (give --site-file PATH or --site LAT,LON,HEIGHT_M)`,
    );
  }
  return loadSite(opts.siteFile ?? DEFAULT_SITE_FILE);
}

function blocksFor(site: Site, night: Night, file: string | undefined, now: number): PlannedBlock[] {
  if (file === undefined || !night.dark) return [];
  const requests = loadRoutineRequests(file, now);
  // The whole dark window, as a preview of the night: not only what is left of it.
  return planNight({
    site,
    requests,
    from: night.dark.start,
    until: night.dark.end,
    overheads: DEFAULT_OVERHEADS,
    now: night.dark.start,
  });
}

/** The night, its Moon and its plan, as `--json` prints them. */
export function nightReport(
  site: Site,
  night: Night,
  blocks: readonly PlannedBlock[],
  requestsFile: string | undefined,
): NightReport {
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
      rise: iso(night.moonrise),
      set: iso(night.moonset),
      illuminationPercent: Math.round(night.moonIllumination * 1000) / 10,
    },
    dark: night.dark ? { start: isoSecond(night.dark.start), end: isoSecond(night.dark.end) } : null,
    requestsFile: requestsFile ?? null,
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
    ['moonrise', r.moon.rise ?? '-'],
    ['moonset', r.moon.set ?? '-'],
    ['moon illumination', `${r.moon.illuminationPercent.toFixed(0)} %`],
    [`dark (Sun < ${s.sunLimitDeg} deg)`, r.dark ? `${r.dark.start} to ${r.dark.end}` : 'none'],
  ]);
  let plan: string;
  if (r.requestsFile === null) plan = `no routine requests (${DEFAULT_REQUESTS_FILE} not found)`;
  else if (r.blocks.length === 0) plan = `no block planned from ${r.requestsFile}`;
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
  return `Night of ${r.date} at ${s.name} (${where})\n\n${events}\n\n${plan}\n`;
}

/** Adds `pyros night`. */
export function registerNight(program: Command, deps: NightCommandDeps = {}): void {
  program
    .command('night')
    .description(
      'the night at the site: sunset, twilights, sunrise, the Moon, and the plan of the routine requests (times UTC)',
    )
    .option('--date <YYYY-MM-DD>', 'the night starting on the evening of this local date (default: tonight)')
    .option('--site <LAT,LON,HEIGHT_M>', 'the site: degrees north, degrees east, metres')
    .option('--site-file <path>', `the site file (default: ${DEFAULT_SITE_FILE})`)
    .option('--requests <path>', `routine requests to plan (default: ${DEFAULT_REQUESTS_FILE} if present)`)
    .option('--plan <path>', 'also write the planned blocks to this file, as JSON')
    .option('--json', 'print one JSON object instead of tables')
    .action((opts: NightOptions) => {
      const clock = deps.clock ?? new RealClock();
      const write = deps.write ?? ((text: string) => process.stdout.write(text));
      if (opts.date !== undefined) {
        try {
          parseNightDate(opts.date);
        } catch (err) {
          throw new Error(`--date: ${(err as Error).message}`);
        }
      }
      const site = siteFrom(opts);
      const night = nightOf(site, opts.date ?? clock.now());
      const requestsFile =
        opts.requests ?? (existsSync(DEFAULT_REQUESTS_FILE) ? DEFAULT_REQUESTS_FILE : undefined);
      const blocks = blocksFor(site, night, requestsFile, clock.now());
      const report = nightReport(site, night, blocks, requestsFile);
      if (opts.plan !== undefined) writeFileSync(opts.plan, `${JSON.stringify(report.blocks, null, 2)}\n`);
      write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatNight(report));
    });
}
