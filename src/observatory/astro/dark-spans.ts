import { Body, SearchAltitude } from 'astronomy-engine';
import type { Site } from './coordinates.js';
import { observerOf, sunAltitudeDeg } from './positions.js';

/** A span of time, ms since the epoch, `start` < `end`. */
export interface TimeSpan {
  readonly start: number;
  readonly end: number;
}

const DAY_MS = 86_400_000;

/**
 * The spans of [from, until] when the Sun's centre is at or below `limitDeg` (geometric altitude),
 * in time order. Their ends are the Sun's crossings of the limit as astronomy-engine's
 * `SearchAltitude` finds them, within 0.1 s; `from` and `until` bound the first and last spans.
 */
export function darkSpans(site: Site, from: number, until: number, limitDeg: number): TimeSpan[] {
  const observer = observerOf(site);
  const spans: TimeSpan[] = [];
  let below = sunAltitudeDeg(site, from) <= limitDeg;
  let spanStart = from;
  let t = from;
  while (t < until) {
    const crossing = SearchAltitude(
      Body.Sun,
      observer,
      below ? +1 : -1,
      new Date(t),
      (until - t) / DAY_MS,
      limitDeg,
    );
    if (!crossing) break;
    const at = crossing.date.getTime();
    if (below && at > spanStart) spans.push({ start: spanStart, end: at });
    spanStart = at;
    below = !below;
    // Past the crossing just found, so that the next search does not find it again.
    t = at + 1000;
  }
  if (below && until > spanStart) spans.push({ start: spanStart, end: until });
  return spans;
}
