import { simOrigin } from '../clock/clock-from-env.js';
import type { Camera } from '../devices/camera.js';
import { CameraSim } from '../devices/camera-sim.js';
import type { Dome } from '../devices/dome.js';
import { DomeSim } from '../devices/dome-sim.js';
import type { FilterWheel } from '../devices/filter-wheel.js';
import { FilterWheelSim } from '../devices/filter-wheel-sim.js';
import type { Telescope } from '../devices/telescope.js';
import { TelescopeSim } from '../devices/telescope-sim.js';
import { resolveScenario } from '../devices/weather-scenario.js';
import { WeatherSim } from '../devices/weather-sim.js';
import type { WeatherStation } from '../devices/weather-station.js';
import type { ObservatoryContext } from '../observatory-context.js';

/** The devices the observation manager drives. A real driver implements the same interfaces. */
export interface ObservatoryDevices {
  readonly telescope: Telescope;
  readonly dome: Dome;
  readonly camera: Camera;
  readonly filterWheel: FilterWheel;
  readonly weather: WeatherStation;
}

/**
 * The simulated weather station. Its readings are a pure function of the scenario and the clock,
 * so every station built on any host reads the same weather; the scenario's relative times count
 * from the simulated night's first start (`PYROS_SIM_ORIGIN`, which every host of a simulation is
 * given), else from now.
 */
export async function weatherStationFor(ctx: ObservatoryContext): Promise<WeatherStation> {
  const start = simOrigin() ?? ctx.clock.now();
  const s = ctx.settings;
  const scenario = await resolveScenario(s.paths.weatherFile ?? s.observatory.weather, start);
  return new WeatherSim(scenario, ctx.clock);
}

/** The simulated devices, configured by `[observation_manager]`. */
export async function observatoryDevices(ctx: ObservatoryContext): Promise<ObservatoryDevices> {
  const om = ctx.settings.observation_manager;
  const weather = await weatherStationFor(ctx);
  const { clock, site } = ctx;
  return {
    weather,
    telescope: new TelescopeSim({ site, clock, slewRateDegPerS: om.slew_rate_deg_s, settleS: om.settle_s }),
    dome: new DomeSim({ clock, openS: om.dome_open_s, closeS: om.dome_close_s }),
    filterWheel: new FilterWheelSim({ clock, changeS: om.filter_change_s }),
    camera: new CameraSim({
      clock,
      telescope: ctx.settings.observatory.telescope,
      width: om.image_size,
      height: om.image_size,
      readoutS: om.readout_s,
      weather,
    }),
  };
}
