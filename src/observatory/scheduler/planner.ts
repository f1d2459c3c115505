/**
 * The night's plan: a greedy walk through time that, at each moment, places the most deserving
 * request that can be observed from there to its end. Pure: the same input gives the same plan.
 *
 * - Time starts at `max(from, now)` (no block in the past) and never passes `until`.
 * - At time t each request not yet placed is tried: its block starts after the slew from the
 *   previous pointing (angular distance / slew speed + settling) and lasts its exposures, readouts
 *   and filter changes ({@link blockDurationMs}). It is a candidate if it ends by `until`, lies
 *   within its window, and the Sun, altitude and Moon constraints hold over the whole block.
 * - The candidate with the highest merit wins: priority first; then alerts before routine
 *   requests and older alerts first; then the higher altitude at its start; then the id.
 * - The winner is placed, time moves to its end and the telescope to its target. If nothing fits,
 *   time moves on by `stepS` (default {@link PLAN_STEP_S}, 5 minutes).
 *
 * "Over the whole block": the Sun's spans below the limit are found once ({@link darkSpans}) and
 * a block must lie within one, a second inside each end (the crossings are found within 0.1 s).
 * Altitude and Moon are checked on the minute grid that covers the block: the whole minutes from
 * the one before its start to the one after its end. A target's altitude has no minimum inside an
 * interval except at its lower transit, so the two outer grid points bound the block's ends and
 * the inner ones catch a target passing its lower transit; the Moon's distance to a target changes
 * by less than 0.01 deg a minute.
 */
import type { Equatorial, Site } from '../astro/coordinates.js';
import { darkSpans } from '../astro/dark-spans.js';
import { airmass, altAz } from '../astro/positions.js';
import { type SkyState, SkyStates } from '../astro/sky-state.js';
import { altitudeConstraint, moonConstraint } from './constraints.js';
import { blockDurationMs, checkOverheads, type Overheads, slewMs } from './overheads.js';
import type { ObservationRequest, PlannedBlock } from './request.js';

/** How far time moves when no request fits (seconds). */
export const PLAN_STEP_S = 300;

const GRID_MS = 60_000;
/** How far inside the Sun's crossings of its limit a block must stay. */
const SUN_MARGIN_MS = 1000;

/** What {@link planNight} plans from. */
export interface PlanInput {
  readonly site: Site;
  /** The requests to place (the pending ones); each is placed at most once. */
  readonly requests: readonly ObservationRequest[];
  /** The night's bounds, ms since the epoch (e.g. the dark window of `nightOf`). */
  readonly from: number;
  readonly until: number;
  readonly overheads: Overheads;
  /** Where the telescope points before the first block; unknown means no slew is counted for it. */
  readonly startPointing?: Equatorial;
  /** The current time: no block starts before it. */
  readonly now: number;
  /** How far time moves when nothing fits (seconds, default {@link PLAN_STEP_S}). */
  readonly stepS?: number;
  /**
   * Sky states to reuse (same site): a scheduler that replans often keeps one, so that a replan
   * computes only the minutes no earlier plan needed (the Sun, the Moon and the frame per minute
   * are most of a plan's cost).
   */
  readonly sky?: SkyStates;
}

interface Candidate {
  readonly request: ObservationRequest;
  readonly start: number;
  readonly end: number;
  readonly altDeg: number;
}

/** The part of the merit that does not depend on time: larger first. */
function staticMerit(a: ObservationRequest, b: ObservationRequest): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.kind !== b.kind) return a.kind === 'alert' ? 1 : -1;
  if (a.kind === 'alert' && a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return 0;
}

/** Whether `a` deserves the slot more than `b`. */
function better(a: Candidate, b: Candidate): boolean {
  const m = staticMerit(a.request, b.request);
  if (m !== 0) return m > 0;
  if (a.altDeg !== b.altDeg) return a.altDeg > b.altDeg;
  return a.request.id < b.request.id;
}

/** The grid instants covering [start, end], the two outer ones first (they refuse most blocks). */
function gridTimes(start: number, end: number): number[] {
  const first = Math.floor(start / GRID_MS) * GRID_MS;
  const last = Math.ceil(end / GRID_MS) * GRID_MS;
  const times = [first, last];
  for (let t = first + GRID_MS; t < last; t += GRID_MS) times.push(t);
  return times;
}

function fitsAt(request: ObservationRequest, site: Site, sky: SkyState): boolean {
  return (
    altitudeConstraint(request, site, sky.time, sky).ok && moonConstraint(request, site, sky.time, sky).ok
  );
}

/**
 * Plans the night (see the module comment). Blocks come out in time order, never overlap, lie
 * within [from, until], and each id is `requestId@start` (ISO time).
 *
 * @throws RangeError on overheads that are not durations or speeds, or a step that is not > 0.
 */
export function planNight(input: PlanInput): PlannedBlock[] {
  const { site, overheads } = input;
  checkOverheads(overheads);
  const stepS = input.stepS ?? PLAN_STEP_S;
  if (!(stepS > 0 && Number.isFinite(stepS))) throw new RangeError(`plan: step ${stepS} s is not > 0`);
  const step = stepS * 1000;
  const sky = input.sky ?? new SkyStates(site);
  const dark = darkSpans(site, input.from, input.until, site.sunLimitDeg);
  // The margin keeps blocks off the Sun's crossings, not off the edges of the planning window: a
  // span cut at `from` (already dark now) starts now, and an alert may start at once.
  const margin = (edge: number, cut: number) => (edge === cut ? 0 : SUN_MARGIN_MS);
  const inTheDark = (start: number, end: number) =>
    dark.some(
      (s) => start >= s.start + margin(s.start, input.from) && end <= s.end - margin(s.end, input.until),
    );
  // Best static merit first, so that the search at each step can stop at the first lower merit.
  const remaining = [...input.requests].sort(
    (a, b) => staticMerit(b, a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const durations = new Map(remaining.map((r) => [r, blockDurationMs(r, overheads)]));
  const blocks: PlannedBlock[] = [];
  let pointing = input.startPointing;
  let t = Math.max(input.from, input.now);

  const tryRequest = (request: ObservationRequest): Candidate | undefined => {
    const start = t + slewMs(pointing, request.target, overheads);
    const end = start + (durations.get(request) ?? 0);
    if (end > input.until) return undefined;
    const w = request.window;
    if (w && (start < w.start || end > w.end)) return undefined;
    if (!inTheDark(start, end)) return undefined;
    for (const g of gridTimes(start, end)) {
      if (!fitsAt(request, site, sky.at(g))) return undefined;
    }
    const altDeg = sky.at(Math.floor(start / GRID_MS) * GRID_MS).horizontal(request.target).altDeg;
    return { request, start, end, altDeg };
  };

  while (t < input.until && remaining.length > 0) {
    let best: Candidate | undefined;
    for (const request of remaining) {
      if (best && staticMerit(request, best.request) < 0) break;
      const candidate = tryRequest(request);
      if (candidate && (!best || better(candidate, best))) best = candidate;
    }
    if (!best) {
      t += step;
      continue;
    }
    const { request, start, end } = best;
    const altDeg = altAz(site, request.target, start).altDeg;
    blocks.push({
      id: `${request.id}@${new Date(start).toISOString()}`,
      requestId: request.id,
      kind: request.kind,
      targetName: request.targetName,
      target: request.target,
      priority: request.priority,
      start,
      end,
      altitudeDeg: altDeg,
      airmass: airmass(altDeg),
      exposures: request.exposures,
    });
    remaining.splice(remaining.indexOf(request), 1);
    pointing = request.target;
    t = end;
  }
  return blocks;
}
