/**
 * The night's plan: a greedy walk through time that, at each moment, places the most deserving
 * request that can be observed from there to its end. Pure: the same input gives the same plan.
 *
 * - Time starts at `max(from, now)` (no block in the past) and never passes `until`.
 * - At time t each request still to place is tried: its block starts after the slew from the
 *   previous pointing (angular distance / slew speed + settling) and lasts its exposures, readouts
 *   and filter changes ({@link blockDurationMs}). It is a candidate if it ends by `until`, lies
 *   within its window, and the Sun, altitude and Moon constraints hold over the whole block.
 * - Alerts come first, as soon as they can be observed: higher priority, then older, then the
 *   higher altitude. Among routine requests the merit is `priority × (X_best / X)²`, X the
 *   airmass at the block's start and X_best the lowest airmass the target reaches in what is left
 *   of the night ({@link bestAltitude}): a target at its best (a setting one, or one near its
 *   meridian) keeps its whole priority, a rising one is worth less now than later, so the slot goes
 *   to another and the rising target is observed higher up. Nothing waits while something fits,
 *   so the fill is kept: a low target is still taken when it is all there is, unless the rest of
 *   the programme leaves room to spare in the night (then a winner far below its best, weight
 *   under {@link WAIT_BELOW}, waits a step). Ties go to the higher altitude, then the id.
 * - The winner is placed, time moves to its end and the telescope to its target. A request with a
 *   `cadenceS` stays to be placed again, no earlier than `cadenceS` after its block ends (and after
 *   `lastVisitEnd + cadenceS` for its last visit already made); one without is placed once. If
 *   nothing fits, time moves on by `stepS` (default {@link PLAN_STEP_S}, 5 minutes).
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
import { SkyStates } from '../astro/sky-state.js';
import { type BestAltitude, bestAltitude } from './best-altitude.js';
import { altitudeWithin, moonWithin, type SkyLimits, skyLimits, timeWithin } from './constraints.js';
import { blockDurationMs, checkOverheads, type Overheads, slewMs } from './overheads.js';
import type { ObservationRequest, PlannedBlock } from './request.js';

/** How far time moves when no request fits (seconds). */
export const PLAN_STEP_S = 300;

/** How strongly a routine request's merit falls with airmass above its best: `(X_best / X) ** AIRMASS_POWER`. */
export const AIRMASS_POWER = 2;

/**
 * A routine winner whose airmass weight is below this may be left for later when the night has
 * room to spare (see `waitable`): it will be observed higher up without taking anyone's slot.
 */
export const WAIT_BELOW = 0.6;
/** The slew and settling counted per visit when judging whether the night has room to spare (ms). */
const WAIT_SLEW_MS = 30_000;

const GRID_MS = 60_000;
/** How far inside the Sun's crossings of its limit a block must stay. */
const SUN_MARGIN_MS = 1000;

/** What {@link planNight} plans from. */
export interface PlanInput {
  readonly site: Site;
  /**
   * The requests to place (the open ones): each once, or, with a `cadenceS`, as often as its
   * cadence and window allow.
   */
  readonly requests: readonly ObservationRequest[];
  /**
   * The end of the last visit already made of a request with a cadence, by request id (ms since
   * the epoch): its next visit starts no earlier than this plus its cadence.
   */
  readonly lastVisitEnd?: ReadonlyMap<string, number>;
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
  /** The routine merit (priority weighted by airmass); the priority for an alert. */
  readonly merit: number;
}

/** Alerts before routine requests; among alerts, higher priority then older first. Larger first. */
function staticMerit(a: ObservationRequest, b: ObservationRequest): number {
  if (a.kind !== b.kind) return a.kind === 'alert' ? 1 : -1;
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.kind === 'alert' && a.createdAt !== b.createdAt) return b.createdAt - a.createdAt;
  return 0;
}

/** Whether `a` deserves the slot more than `b`. */
function better(a: Candidate, b: Candidate): boolean {
  if (a.request.kind !== b.request.kind) return a.request.kind === 'alert';
  if (a.request.kind === 'alert') {
    const m = staticMerit(a.request, b.request);
    if (m !== 0) return m > 0;
  } else if (a.merit !== b.merit) return a.merit > b.merit;
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

/** The altitude and Moon constraints (constraints.ts) at one grid instant, as numbers: no refusal text to build. */
function fitsAt(target: Equatorial, limits: SkyLimits, sky: SkyStates, time: number): boolean {
  return (
    altitudeWithin(sky.altitudeDeg(target, time), limits) &&
    moonWithin(sky.moonSeparationDeg(target, time), limits)
  );
}

/** `(X_best / X) ** AIRMASS_POWER`: 1 at the target's best airmass left in the night, less below it. */
export function airmassWeight(altDeg: number, bestAltDeg: number): number {
  if (!(bestAltDeg > altDeg)) return 1;
  return (airmass(bestAltDeg) / airmass(altDeg)) ** AIRMASS_POWER;
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
  let t = Math.max(input.from, input.now);
  // Best static merit first, so that the search at each step can stop where no later request can
  // win: after the alerts, a routine request's merit is at most its priority.
  const remaining = [...input.requests].sort(
    (a, b) => staticMerit(b, a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const durations = new Map(remaining.map((r) => [r, blockDurationMs(r, overheads)]));
  const best = new Map<ObservationRequest, BestAltitude>();
  const bestOf = (r: ObservationRequest) => {
    let b = best.get(r);
    if (b === undefined) {
      // Up to the last start that still ends the block by `until`.
      b = bestAltitude(r, site, sky, t, input.until - (durations.get(r) ?? 0));
      best.set(r, b);
    }
    return b;
  };
  /** The earliest start of each request's next visit. */
  const notBefore = new Map<ObservationRequest, number>();
  for (const r of remaining) {
    const last = input.lastVisitEnd?.get(r.id);
    if (r.cadenceS !== undefined && last !== undefined) notBefore.set(r, last + r.cadenceS * 1000);
  }
  const blocks: PlannedBlock[] = [];
  let pointing = input.startPointing;

  const limits = new Map(remaining.map((r) => [r, skyLimits(r, site)]));

  /**
   * The request's block from t, if it fits and deserves the slot more than `winner`: the cheap
   * tests first, then its merit (one altitude), and the minute-by-minute checks only for a
   * candidate that would win.
   */
  const tryRequest = (request: ObservationRequest, winner: Candidate | undefined): Candidate | undefined => {
    const start = t + slewMs(pointing, request.target, overheads);
    const end = start + (durations.get(request) ?? 0);
    if (end > input.until) return undefined;
    if (start < (notBefore.get(request) ?? start)) return undefined;
    if (!timeWithin(start, request.window) || !timeWithin(end, request.window)) return undefined;
    if (!inTheDark(start, end)) return undefined;
    const limit = limits.get(request) as SkyLimits;
    const altDeg = sky.altitudeDeg(request.target, Math.floor(start / GRID_MS) * GRID_MS);
    if (!altitudeWithin(altDeg, limit)) return undefined;
    const merit =
      request.kind === 'alert'
        ? request.priority
        : request.priority * airmassWeight(altDeg, bestOf(request)(start));
    const candidate = { request, start, end, altDeg, merit };
    if (winner && !better(candidate, winner)) return undefined;
    for (const g of gridTimes(start, end)) {
      if (!fitsAt(request.target, limit, sky, g)) return undefined;
    }
    return candidate;
  };

  /**
   * Whether the slot can be left empty for a target that will be much higher later: only when what
   * is still to observe (each request's visits that fit in the rest of the night, a slew each)
   * leaves more idle time than one step, so that waiting costs no observation.
   */
  const waitable = (c: Candidate): boolean => {
    if (c.merit >= c.request.priority * WAIT_BELOW) return false;
    let demand = 0;
    const left = input.until - t;
    for (const r of remaining) {
      if (bestOf(r)(t) === Number.NEGATIVE_INFINITY) continue;
      const d = (durations.get(r) ?? 0) + WAIT_SLEW_MS;
      const visits = r.cadenceS === undefined ? 1 : 1 + Math.floor(left / (d + r.cadenceS * 1000));
      demand += d * visits;
      if (demand > left - step) return false;
    }
    return true;
  };

  while (t < input.until && remaining.length > 0) {
    let winner: Candidate | undefined;
    for (const request of remaining) {
      if (winner) {
        if (winner.request.kind === 'alert' && staticMerit(request, winner.request) < 0) break;
        if (winner.request.kind === 'routine' && request.priority < winner.merit) break;
      }
      winner = tryRequest(request, winner) ?? winner;
    }
    if (!winner || (winner.request.kind === 'routine' && waitable(winner))) {
      t += step;
      continue;
    }
    const { request, start, end } = winner;
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
    if (request.cadenceS === undefined) remaining.splice(remaining.indexOf(request), 1);
    else notBefore.set(request, end + request.cadenceS * 1000);
    pointing = request.target;
    t = end;
  }
  return blocks;
}
