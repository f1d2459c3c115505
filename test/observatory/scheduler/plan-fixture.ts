// Requests and plan inputs on a real Calern night, for the planner's tests.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { SiderealTime } from 'astronomy-engine';
import type { Equatorial } from '../../../src/observatory/astro/coordinates.js';
import { nightOf } from '../../../src/observatory/astro/night.js';
import { loadSite } from '../../../src/observatory/astro/site-file.js';
import type { PlanInput } from '../../../src/observatory/scheduler/planner.js';
import type { ObservationRequest } from '../../../src/observatory/scheduler/request.js';

export const SITE = loadSite(fileURLToPath(new URL('../../../observatory/site.ini', import.meta.url)));
export const NIGHT = nightOf(SITE, '2026-12-01');
export const DARK = NIGHT.dark ?? assert.fail('no dark window at Calern in December');
/** The shipped observatory.ini's device speeds (the settings' defaults). */
export const SHIPPED_OVERHEADS = { slewDegPerS: 3, settleS: 5, readoutS: 5, filterChangeS: 3 };

export function planInput(
  requests: readonly ObservationRequest[],
  extra: Partial<PlanInput> = {},
): PlanInput {
  return {
    site: SITE,
    requests,
    from: DARK.start,
    until: DARK.end,
    overheads: SHIPPED_OVERHEADS,
    now: DARK.start,
    ...extra,
  };
}

export function routine(
  id: string,
  target: Equatorial,
  extra: Partial<ObservationRequest> = {},
): ObservationRequest {
  return {
    id,
    kind: 'routine',
    targetName: id,
    target,
    priority: 5,
    exposures: [{ filter: 'R', exposureS: 60, count: 5 }],
    createdAt: NIGHT.noon,
    state: 'pending',
    ...extra,
  };
}

/** A position at hour angle `haH` (hours, west positive) over Calern at `time`. */
export function atHourAngle(time: number, haH: number, decDeg: number): Equatorial {
  const lstH = SiderealTime(new Date(time)) + SITE.longitudeDeg / 15;
  return { raDeg: ((((lstH - haH) * 15) % 360) + 360) % 360, decDeg };
}
