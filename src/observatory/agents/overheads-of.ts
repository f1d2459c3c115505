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
