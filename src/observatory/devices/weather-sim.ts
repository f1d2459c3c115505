import type { Clock } from '../clock/clock.js';
import { hashNumbers } from '../images/seeded-random.js';
import { ALWAYS_UP, type DeviceLink } from './device.js';
import { DeviceError } from './device-error.js';
import { skyAt, stationAt, type WeatherScenario } from './weather-scenario.js';
import type { SkyCondition, WeatherReading, WeatherStation } from './weather-station.js';

/** A reading with every value measured: what the simulated station gives. */
export type FullReading = WeatherReading & {
  readonly cloudCoverPct: number;
  readonly rainMmPerH: number;
  readonly windSpeedMps: number;
  readonly humidityPct: number;
  readonly temperatureC: number;
};

/** What each condition reads like, before jitter. */
const TYPICAL: Readonly<Record<SkyCondition, Omit<FullReading, 'time' | 'sky' | 'stationAlerts'>>> = {
  clear: { cloudCoverPct: 5, rainMmPerH: 0, windSpeedMps: 3, humidityPct: 50, temperatureC: 10 },
  clouds: { cloudCoverPct: 85, rainMmPerH: 0, windSpeedMps: 5, humidityPct: 75, temperatureC: 9 },
  rain: { cloudCoverPct: 100, rainMmPerH: 4, windSpeedMps: 6, humidityPct: 97, temperatureC: 7 },
  wind: { cloudCoverPct: 10, rainMmPerH: 0, windSpeedMps: 18, humidityPct: 45, temperatureC: 9 },
};

/** The jitter's knots are a minute apart; between them it is interpolated, so readings vary smoothly. */
const KNOT_MS = 60_000;

/**
 * The reading of `scenario` at `time`: the condition's typical values plus a small jitter that is
 * a pure function of the time, so every thread with the same scenario and clock reads the same
 * weather without talking. Rain always reads > 0 mm/h in rain and 0 otherwise.
 */
export function readingAt(scenario: WeatherScenario, time: number): FullReading {
  const sky = skyAt(scenario, time);
  const t = TYPICAL[sky];
  return {
    time,
    sky,
    cloudCoverPct: clamp(t.cloudCoverPct + 5 * jitter(time, 1), 0, 100),
    rainMmPerH: sky === 'rain' ? t.rainMmPerH * (1 + 0.5 * jitter(time, 2)) : 0,
    windSpeedMps: Math.max(0, t.windSpeedMps + 1.5 * jitter(time, 3)),
    humidityPct: clamp(t.humidityPct + 3 * jitter(time, 4), 0, 100),
    temperatureC: t.temperatureC + 0.5 * jitter(time, 5),
  };
}

/** A smooth pseudo-random value in [-1, 1] for `channel` at `time`. */
function jitter(time: number, channel: number): number {
  const knot = Math.floor(time / KNOT_MS);
  const f = time / KNOT_MS - knot;
  const at = (k: number): number => (hashNumbers(k, channel) / 0xffffffff) * 2 - 1;
  return at(knot) * (1 - f) + at(knot + 1) * f;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/**
 * A weather station that reads a scripted scenario at the clock's time; the scenario can also
 * make the station freeze (its last reading, with that reading's time, again and again) or fail.
 */
export class WeatherSim implements WeatherStation {
  constructor(
    readonly scenario: WeatherScenario,
    readonly clock: Clock,
    readonly name = 'weather',
  ) {}

  link(): DeviceLink {
    return ALWAYS_UP;
  }

  async disconnect(): Promise<void> {}

  async read(): Promise<FullReading> {
    const now = this.clock.now();
    const station = stationAt(this.scenario, now);
    if (station.state === 'failed') throw new DeviceError(this.name, 'the weather station does not answer');
    return readingAt(this.scenario, station.state === 'frozen' ? station.since : now);
  }
}
