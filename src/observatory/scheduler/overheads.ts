import type { Equatorial } from '../astro/coordinates.js';
import { separationDeg } from '../astro/positions.js';
import type { ObservationRequest } from './request.js';

/** What the telescope and camera spend besides exposing. */
export interface Overheads {
  /** Slew speed, degrees of arc per second (taken along the great circle). */
  readonly slewDegPerS: number;
  /** Settling after a slew, seconds. */
  readonly settleS: number;
  /** Reading the camera out after each exposure, seconds. */
  readonly readoutS: number;
  /** Turning the filter wheel, seconds. */
  readonly filterChangeS: number;
}

/**
 * Overheads when nothing better is known: a modest mount (3 deg/s) and a CCD that reads out in
 * 10 s. Not measured on any telescope; the observatory's config should give its own.
 */
export const DEFAULT_OVERHEADS: Overheads = { slewDegPerS: 3, settleS: 10, readoutS: 10, filterChangeS: 5 };

/** @throws RangeError when a figure is not a finite number (> 0 for the slew speed, >= 0 otherwise). */
export function checkOverheads(o: Overheads): void {
  if (!(o.slewDegPerS > 0 && Number.isFinite(o.slewDegPerS))) {
    throw new RangeError(`overheads: slewDegPerS ${o.slewDegPerS} is not a speed > 0`);
  }
  for (const key of ['settleS', 'readoutS', 'filterChangeS'] as const) {
    if (!(o[key] >= 0 && Number.isFinite(o[key]))) {
      throw new RangeError(`overheads: ${key} ${o[key]} is not a duration >= 0 s`);
    }
  }
}

/**
 * How long the telescope is busy with a request once pointed, ms: every exposure and its readout,
 * and a filter change before each set whose filter differs from the previous set's. The first set
 * counts a change too, since the wheel may be anywhere when the block starts.
 */
export function blockDurationMs(request: ObservationRequest, o: Overheads): number {
  let seconds = 0;
  let filter: string | undefined;
  for (const e of request.exposures) {
    if (e.filter !== filter) seconds += o.filterChangeS;
    filter = e.filter;
    seconds += e.count * (e.exposureS + o.readoutS);
  }
  return Math.round(seconds * 1000);
}

/**
 * The slew from `from` to `to` and the settling after it, ms. With no previous pointing (the first
 * block, position unknown) only the settling counts.
 */
export function slewMs(from: Equatorial | undefined, to: Equatorial, o: Overheads): number {
  const travel = from ? separationDeg(from, to) / o.slewDegPerS : 0;
  return Math.round((travel + o.settleS) * 1000);
}
