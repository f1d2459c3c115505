import type { Overheads } from '../scheduler/overheads.js';
import type { ObservatorySettings } from '../settings/observatory-settings.js';

/** The overheads the planner counts, from the devices' settings (`[observation_manager]`). */
export function overheadsOf(settings: ObservatorySettings): Overheads {
  const om = settings.observation_manager;
  return {
    slewDegPerS: om.slew_rate_deg_s,
    settleS: om.settle_s,
    readoutS: om.readout_s,
    filterChangeS: om.filter_change_s,
  };
}
