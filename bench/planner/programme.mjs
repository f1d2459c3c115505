// The shipped programme planned night by night by our planner, and the measures both benchmarks
// report on a plan: fill of the dark time, priority-weighted time, airmass against the best the
// night allowed, blocks near the horizon limit, constraint violations (checked with our astro code).
import { fileURLToPath } from 'node:url';
import { currentNight } from '../../dist/observatory/agents/planning-window.js';
import { airmass } from '../../dist/observatory/astro/positions.js';
import { loadSite } from '../../dist/observatory/astro/site-file.js';
import { SkyStates } from '../../dist/observatory/astro/sky-state.js';
import { bestAltitude } from '../../dist/observatory/scheduler/best-altitude.js';
import { checkConstraints, minAltitudeDeg } from '../../dist/observatory/scheduler/constraints.js';
import { blockDurationMs } from '../../dist/observatory/scheduler/overheads.js';
import { planNight } from '../../dist/observatory/scheduler/planner.js';
import { loadRoutineRequests } from '../../dist/observatory/scheduler/routine-requests.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SITE_FILE = `${ROOT}observatory/site.ini`;
export const PROGRAMME_FILE = `${ROOT}observatory/routine-requests.json`;
/** The shipped observatory.ini's device speeds (the defaults of src/observatory/settings/device-keys.ts). */
export const OVERHEADS = { slewDegPerS: 3, settleS: 5, readoutS: 5, filterChangeS: 3 };
/** The 21st of each month of 2027: solstices, equinoxes and between. */
export const NIGHTS = Array.from({ length: 12 }, (_, m) => `2027-${String(m + 1).padStart(2, '0')}-21`);

/** The site, and the night of `date` with its dark span. */
export function nightAt(date) {
  const site = loadSite(SITE_FILE);
  const night = currentNight(site, Date.parse(`${date}T12:00:00Z`));
  if (!night.dark) throw new Error(`no dark time on ${date}`);
  return { site, night, from: night.dark.start, until: night.dark.end };
}

/** The shipped programme's requests for a night: ids as the scheduler makes them, window noon to noon. */
export function programme(night, { once = false, file = PROGRAMME_FILE } = {}) {
  return loadRoutineRequests(file, night.noon).map(({ everyNights: _, cadenceS, ...r }) => ({
    ...r,
    ...(cadenceS !== undefined && !once && { cadenceS }),
    id: `${r.id}@${night.date}`,
    window: { start: night.noon, end: night.nextNoon },
  }));
}

/** Plans with our planner; returns the blocks and the planning time (ms). */
export function planOurs(site, requests, from, until) {
  const t0 = performance.now();
  const blocks = planNight({ site, requests, from, until, now: from, overheads: OVERHEADS });
  return { blocks, ms: performance.now() - t0 };
}

/**
 * The measures of a plan (`blocks`: requestId, start, end) of `requests` over [from, until]. Each
 * block is checked with our constraints at its start, its end and every minute between, and
 * against the others (overlap) and the dark span.
 */
export function measure(site, requests, blocks, from, until) {
  const byId = new Map(requests.map((r) => [r.id, r]));
  const sky = new SkyStates(site);
  const best = new Map();
  let observed = 0;
  let weighted = 0;
  let sumX = 0;
  let sumBest = 0;
  let nearLimit = 0;
  let violations = 0;
  const reasons = [];
  let previousEnd = -Infinity;
  const sorted = [...blocks].sort((a, b) => a.start - b.start);
  for (const b of sorted) {
    const r = byId.get(b.requestId);
    if (!r) throw new Error(`block of unknown request ${b.requestId}`);
    let broken =
      b.start < previousEnd - 1
        ? 'overlaps the block before'
        : b.start < from || b.end > until
          ? 'outside the dark span'
          : undefined;
    for (let t = b.start; !broken; t = Math.min(t + 60_000, b.end)) {
      const verdict = checkConstraints(r, site, t, sky.at(t));
      if (!verdict.ok) broken = verdict.reason;
      if (t === b.end) break;
    }
    if (broken) {
      violations++;
      reasons.push(`${b.requestId}: ${broken}`);
    }
    previousEnd = b.end;
    // What the request asked for: a planner that rounds blocks up to its time grid (astroplan)
    // does not observe the extra.
    const ms = Math.min(b.end - b.start, blockDurationMs(r, OVERHEADS));
    observed += ms;
    weighted += r.priority * ms;
    const alt = sky.at(b.start).horizontal(r.target).altDeg;
    sumX += airmass(Math.max(alt, 0.01));
    if (!best.has(r.id)) best.set(r.id, bestAltitude(r, site, sky, from, until)(from));
    sumBest += airmass(Math.max(best.get(r.id), 0.01));
    if (alt < minAltitudeDeg(r, site) + 3) nearLimit++;
  }
  const n = sorted.length;
  return {
    blocks: n,
    darkH: (until - from) / 3_600_000,
    fill: observed / (until - from),
    observedH: observed / 3_600_000,
    weightedH: weighted / 3_600_000,
    meanAirmass: n ? sumX / n : Number.NaN,
    meanBestAirmass: n ? sumBest / n : Number.NaN,
    nearLimit: n ? nearLimit / n : 0,
    violations,
    reasons,
  };
}

/** Each request's block duration (ms) with the shipped overheads, for the other planner. */
export const durationOf = (r) => blockDurationMs(r, OVERHEADS);
