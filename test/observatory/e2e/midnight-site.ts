// Where it is night whatever the time a test runs: the longitude of local midnight now. The INDI
// tests run on the real clock, so they choose their site instead of their time.
import { Body, Equator, Observer, SiderealTime } from 'astronomy-engine';

/** The six device simulators of Debian's indi-bin, as the INDI observatory uses them. */
export const OBSERVATORY_SIMULATORS = [
  'indi_simulator_telescope',
  'indi_simulator_ccd',
  'indi_simulator_dome',
  'indi_simulator_wheel',
  'indi_simulator_focus',
  'indi_simulator_weather',
];

/** The longitude (degrees east) where it is local midnight at `now`: the Sun at its lowest (at 30° N, below −36°). */
export function midnightLongitude(now: number): number {
  const sun = Equator(Body.Sun, new Date(now), new Observer(0, 0, 0), true, true);
  const greenwichHa = (((SiderealTime(new Date(now)) - sun.ra) % 24) + 24) % 24;
  return (((12 - greenwichHa) * 15 + 540) % 360) - 180;
}
