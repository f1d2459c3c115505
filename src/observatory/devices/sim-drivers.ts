import type { Clock } from '../clock/clock.js';
import { simOrigin } from '../clock/clock-from-env.js';
import type { ObservatorySettings } from '../settings/observatory-settings.js';
import { CameraSim } from './camera-sim.js';
import type { DriverFamily } from './device-registry.js';
import { DomeSim } from './dome-sim.js';
import { FilterWheelSim } from './filter-wheel-sim.js';
import { FocuserSim } from './focuser-sim.js';
import { TelescopeSim } from './telescope-sim.js';
import { resolveScenario } from './weather-scenario.js';
import { WeatherSim } from './weather-sim.js';

/**
 * `sim:`: the simulators, on the observatory's clock, with their section's speeds. The weather
 * station reads `[observatory] weather` (a built-in scenario or a file), whose relative times count
 * from the simulated night's first start (`PYROS_SIM_ORIGIN`, given to every host of a
 * simulation), so every station built on any host reads the same weather.
 */
export const SIM_DRIVERS: DriverFamily = {
  scheme: 'sim:',
  check(url) {
    if (url.href !== 'sim:') throw new Error('a simulator takes no address or options: write sim:');
  },
  devices: {
    telescope: async ({ site, clock, section }) =>
      new TelescopeSim({ site, clock, slewRateDegPerS: section.slew_rate_deg_s, settleS: section.settle_s }),
    dome: async ({ clock, section }) =>
      new DomeSim({ clock, openS: section.open_s, closeS: section.close_s }),
    camera: async ({ clock, section, settings }) =>
      new CameraSim({
        clock,
        width: section.image_size,
        height: section.image_size,
        pixelScaleArcsec: section.pixel_scale_arcsec * section.binning,
        readoutS: section.readout_s,
        // The simulated sky is the simulated weather's: clouds dim the stars.
        ...(settings.weather.driver === 'sim:' ? { weather: await simWeather(clock, settings) } : {}),
      }),
    filter_wheel: async ({ clock, section }) =>
      new FilterWheelSim({
        clock,
        ...(section.filters.length > 0 ? { filters: section.filters } : {}),
        changeS: section.change_s,
      }),
    focuser: async ({ clock, section }) =>
      new FocuserSim({ clock, maxPosition: section.max_position, stepsPerS: section.steps_per_s }),
    weather: async ({ clock, settings }) => simWeather(clock, settings),
  },
};

async function simWeather(clock: Clock, settings: ObservatorySettings): Promise<WeatherSim> {
  const start = simOrigin() ?? clock.now();
  const scenario = await resolveScenario(settings.paths.weatherFile ?? settings.observatory.weather, start);
  return new WeatherSim(scenario, clock);
}
