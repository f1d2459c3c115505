// The device conformance suites against the simulators, on a fast simulated clock.
import type { Site } from '../../../src/observatory/astro/coordinates.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { CameraSim } from '../../../src/observatory/devices/camera-sim.js';
import { DomeSim } from '../../../src/observatory/devices/dome-sim.js';
import { FilterWheelSim } from '../../../src/observatory/devices/filter-wheel-sim.js';
import { FocuserSim } from '../../../src/observatory/devices/focuser-sim.js';
import { TelescopeSim } from '../../../src/observatory/devices/telescope-sim.js';
import { builtinScenario } from '../../../src/observatory/devices/weather-scenario.js';
import { WeatherSim } from '../../../src/observatory/devices/weather-sim.js';
import type { DeviceHarness } from './conformance/harness.js';
import {
  cameraConformance,
  filterWheelConformance,
  focuserConformance,
  weatherConformance,
} from './conformance/instrument-conformance.js';
import { domeConformance, telescopeConformance } from './conformance/mount-conformance.js';
import { calern } from './sites.js';

const NIGHT = Date.parse('2026-03-01T21:00:00Z');

/** A harness for a simulator on a 100x clock: an observatory minute is 0.6 real s. */
function sim<D extends { disconnect(): Promise<void> }>(
  name: string,
  make: (clock: SimClock, site: Site) => D,
): DeviceHarness<D> {
  return {
    name,
    timeoutMs: 5000,
    async open() {
      const clock = new SimClock(NIGHT, 100);
      return { device: make(clock, calern), clock, site: calern };
    },
    close: (o) => o.device.disconnect(),
  };
}

telescopeConformance(
  sim('TelescopeSim', (clock, site) => new TelescopeSim({ clock, site, slewRateDegPerS: 30, settleS: 1 })),
);
domeConformance(sim('DomeSim', (clock) => new DomeSim({ clock, openS: 20, closeS: 20 })));
cameraConformance(sim('CameraSim', (clock) => new CameraSim({ clock, width: 64, height: 64, readoutS: 1 })));
filterWheelConformance(sim('FilterWheelSim', (clock) => new FilterWheelSim({ clock, changeS: 2 })));
focuserConformance(
  sim('FocuserSim', (clock) => new FocuserSim({ clock, stepsPerS: 2000, maxPosition: 10_000 })),
);
weatherConformance(
  sim('WeatherSim', (clock) => new WeatherSim(builtinScenario('clear', NIGHT), clock)),
  60_000,
);
