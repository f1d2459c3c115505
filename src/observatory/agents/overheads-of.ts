import type { Overheads } from '../scheduler/overheads.js';
import type { ObservatorySettings } from '../settings/observatory-settings.js';

/** The overheads the planner counts, from the devices' sections (their speeds, whatever the driver). */
export function overheadsOf(settings: ObservatorySettings): Overheads {
  return {
    slewDegPerS: settings.telescope.slew_rate_deg_s,
    settleS: settings.telescope.settle_s,
    readoutS: settings.camera.readout_s,
    filterChangeS: settings.filter_wheel.change_s,
  };
}

/**
 * How long, in observatory seconds, a `Close dome` may take: the running exposure read out, the
 * dome closed, the telescope parked (given three minutes, a slow mount's way home).
 */
export function closeDomeSeconds(settings: ObservatorySettings): number {
  return settings.camera.readout_s + settings.dome.close_s + 180;
}

/**
 * How long (real ms) the observation manager may take to answer the majordome: it handles its
 * messages one at a time, so a start or an abort may wait behind a close (the exposure read out,
 * the dome closed, the telescope parked: real hardware takes real time). Giving up sooner would
 * leave it doing what it was asked while the majordome believes it refused.
 */
export function observationManagerTimeoutMs(
  settings: ObservatorySettings,
  speed: number,
  baseMs: number,
): number {
  return baseMs + (closeDomeSeconds(settings) * 1000) / speed;
}
