import type { Site } from '../observatory/astro/coordinates.js';
import type { Night } from '../observatory/astro/night.js';
import { horizonRotation, horizontalIn } from '../observatory/astro/positions.js';
import type { PlannedBlock } from '../observatory/scheduler/request.js';
import type { AltitudesView, NightView } from './dashboard-views.js';

/** The altitude curves' step: fine enough for a chart, 72 points in a 12-hour night. */
export const ALTITUDE_STEP_MS = 10 * 60_000;

/** The night's events for the page, null for those that do not happen. */
export function nightView(night: Night): NightView {
  return {
    date: night.date,
    sunset: night.sunset ?? null,
    civilDusk: night.civilDusk ?? null,
    nauticalDusk: night.nauticalDusk ?? null,
    astronomicalDusk: night.astronomicalDusk ?? null,
    astronomicalDawn: night.astronomicalDawn ?? null,
    nauticalDawn: night.nauticalDawn ?? null,
    civilDawn: night.civilDawn ?? null,
    sunrise: night.sunrise ?? null,
    dark: night.dark === undefined ? null : { start: night.dark.start, end: night.dark.end },
  };
}

/**
 * Each planned target's altitude (degrees, 0.01 deg) every {@link ALTITUDE_STEP_MS} from the
 * night's sunset to its sunrise (noon to noon where the Sun does not set or rise). Targets are
 * told apart by name, the first block's position for each.
 */
export function nightAltitudes(site: Site, night: Night, blocks: readonly PlannedBlock[]): AltitudesView {
  const from = night.sunset ?? night.noon;
  const until = night.sunrise ?? night.nextNoon;
  const times: number[] = [];
  for (let t = from; t <= until; t += ALTITUDE_STEP_MS) times.push(t);
  const targets = new Map<string, PlannedBlock['target']>();
  for (const b of blocks) if (!targets.has(b.targetName)) targets.set(b.targetName, b.target);
  const series = [...targets].map(([target]) => ({ target, altitudes: [] as number[] }));
  // One rotation per instant serves every target (it is the costly part of altAz).
  for (const t of times) {
    const rotation = horizonRotation(site, t);
    let i = 0;
    for (const position of targets.values()) {
      const alt = horizontalIn(rotation, position).altDeg;
      (series[i++] as { altitudes: number[] }).altitudes.push(Math.round(alt * 100) / 100);
    }
  }
  return { times, series, horizonLimitDeg: site.horizonLimitDeg };
}
