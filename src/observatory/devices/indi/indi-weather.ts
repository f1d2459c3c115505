import type { IndiNumberElement } from '../../../transport/indi/indi-types.js';
import type { Clock } from '../../clock/clock.js';
import type { DeviceLink } from '../device.js';
import { DeviceError } from '../device-error.js';
import type { SkyCondition, WeatherReading, WeatherStation } from '../weather-station.js';
import type { IndiDevice } from './indi-device.js';

const PARAMETERS = 'WEATHER_PARAMETERS';

/** A reading's value from one element of WEATHER_PARAMETERS, converted by its label's unit; undefined: not this quantity. */
type Convert = (value: number, label: string) => number | undefined;

/** The label names a unit other than these (e.g. "Cloud (corrected infrared sky temperature °C)"). */
const unitless = (label: string, ok: RegExp): boolean => !/\(.+\)/.test(label) || ok.test(label);

/** Wind speed factors to m/s, by the unit the label names. */
const WIND_UNITS: readonly [RegExp, number][] = [
  [/m\/s/i, 1],
  [/\bmph\b/i, 0.44704],
  [/\b(knots?|kn|kts?)\b/i, 0.514444],
  [/\b(kph|km\/h|kmh|kmph)\b/i, 1 / 3.6],
];

/**
 * Where each value comes from, first element found wins. libindi leaves names and units to each
 * driver (`addParameter(name, label, …)`); these are the ones its weather drivers use. Units
 * are read from the label: wind without a unit is taken as km/h, INDI's convention (the weather
 * simulator, Vantage, the WunderGround and AAG drivers); clouds only as a percentage (AAG's
 * WEATHER_CLOUD and Weather Watcher's WEATHER_CLOUDS can be sky temperatures in °C); rain only
 * as mm (AAG's WEATHER_RAIN counts sensor cycles).
 */
const SOURCES: { readonly [K in keyof Values]: readonly [string, Convert][] } = {
  temperatureC: [
    ['WEATHER_TEMPERATURE', fromCelsius],
    ['WEATHER_AMBIENT_TEMPERATURE', fromCelsius],
    ['AMBIENT_TEMPERATURE', fromCelsius],
  ],
  humidityPct: [
    ['WEATHER_HUMIDITY', (v, l) => (unitless(l, /%/) ? v : undefined)],
    ['HUMIDITY', (v, l) => (unitless(l, /%/) ? v : undefined)],
  ],
  windSpeedMps: [
    ['WEATHER_WIND_SPEED', (v, l) => v * (WIND_UNITS.find(([re]) => re.test(l))?.[1] ?? 1 / 3.6)],
  ],
  rainMmPerH: [
    ['WEATHER_RAIN_RATE', fromMm],
    ['WEATHER_RAIN_HOUR', fromMm],
    ['WEATHER_RAIN', (v, l) => (/mm/i.test(l) ? v : undefined)],
  ],
  cloudCoverPct: [
    ['WEATHER_CLOUD_COVER', (v, l) => (unitless(l, /%/) ? v : undefined)],
    ['WEATHER_CLOUDS', (v, l) => (/%/.test(l) ? v : undefined)],
    ['WEATHER_CLOUD', (v, l) => (/%/.test(l) ? v : undefined)],
  ],
};

type Values = Pick<
  WeatherReading,
  'temperatureC' | 'humidityPct' | 'windSpeedMps' | 'rainMmPerH' | 'cloudCoverPct'
>;

function fromCelsius(v: number, label: string): number {
  return /°\s*F|\(\s*F\s*\)|fahrenheit/i.test(label) ? ((v - 32) * 5) / 9 : v;
}

function fromMm(v: number, label: string): number | undefined {
  if (/\(\s*in(ch(es)?)?\b/i.test(label)) return v * 25.4;
  return unitless(label, /mm/i) ? v : undefined;
}

/** How long read() waits for the update a WEATHER_REFRESH asks for, at most. */
const REFRESH_WAIT_MS = 10_000;

/**
 * An INDI weather station (libindi's `INDI::WeatherInterface`) as a {@link WeatherStation}:
 * `WEATHER_PARAMETERS` read by element (see {@link SOURCES}), `WEATHER_STATUS` lights in Alert
 * as the station's alerts. A reading is as old as the driver's last update of its parameters
 * (a redefinition, which every client's getProperties causes, says nothing of their age); an old
 * one is refreshed first (`WEATHER_REFRESH`). `name` is the driver's device name.
 */
export class IndiWeather implements WeatherStation {
  readonly name: string;
  readonly #d: IndiDevice;
  readonly #clock: Clock;
  /** Clock time of the driver's last update of WEATHER_PARAMETERS in state Ok, on this connection. */
  #measuredAt: number | undefined;
  /** How many such updates: what a refresh waits to see grow. */
  #updates = 0;

  constructor(device: IndiDevice, clock: Clock) {
    this.#d = device;
    this.#clock = clock;
    this.name = device.device;
    device.client.on('update', ({ vector }) => {
      if (vector.device === device.device && vector.name === PARAMETERS && vector.state === 'Ok') {
        this.#measuredAt = clock.now();
        this.#updates += 1;
      }
    });
    device.client.on('disconnected', () => {
      this.#measuredAt = undefined;
    });
  }

  link(): DeviceLink {
    return this.#d.link();
  }

  disconnect(): Promise<void> {
    return this.#d.disconnect();
  }

  async read(): Promise<WeatherReading> {
    const d = this.#d;
    d.assertUp();
    const period = d.number('WEATHER_UPDATE', 'PERIOD') ?? 0;
    const maxAgeMs = period > 0 ? 2 * period * 1000 : 60_000;
    const at = this.#measuredAt;
    if ((at === undefined || this.#clock.now() - at > maxAgeMs) && d.has('WEATHER_REFRESH'))
      await this.#refresh();
    const v = d.vector(PARAMETERS);
    if (v.type !== 'Number') throw d.error(`${PARAMETERS} is a ${v.type} vector, not Number`);
    const values = {} as { -readonly [K in keyof Values]: number | null };
    for (const [key, sources] of Object.entries(SOURCES) as [keyof Values, [string, Convert][]][]) {
      values[key] = pick(v.elements, sources);
    }
    return {
      // Never updated since we connected (and no refresh): the time we heard of the values, no better.
      time: this.#measuredAt ?? v.updatedAt,
      ...values,
      sky: skyOf(values),
      stationAlerts: this.#alerts(),
    };
  }

  /** Asks for an update now; waits a little for it. A station that does not answer in time gives its older values. */
  async #refresh(): Promise<void> {
    const d = this.#d;
    const before = this.#updates;
    const waitMs = REFRESH_WAIT_MS;
    try {
      const updated = d.client.waitFor(d.device, PARAMETERS, () => this.#updates > before, {
        timeoutMs: waitMs,
      });
      updated.catch(() => undefined);
      await d.request('WEATHER_REFRESH', ['REFRESH'], { timeoutMs: waitMs });
      await updated;
    } catch (err) {
      // Link down meanwhile: no reading. A slow or failing station: its older values, with their time.
      if (d.link().state !== 'up') throw err instanceof DeviceError ? err : d.error((err as Error).message);
    }
  }

  #alerts(): string[] {
    const status = this.#d.has('WEATHER_STATUS') ? this.#d.vector('WEATHER_STATUS') : undefined;
    if (status?.type !== 'Light') return [];
    return [...status.elements.values()].filter((l) => l.value === 'Alert').map((l) => `${l.name} Alert`);
  }
}

function pick(
  elements: ReadonlyMap<string, IndiNumberElement>,
  sources: readonly [string, Convert][],
): number | null {
  for (const [name, convert] of sources) {
    const e = elements.get(name);
    if (e === undefined) continue;
    const value = convert(e.value, e.label ?? '');
    if (value !== undefined && Number.isFinite(value)) return value;
  }
  return null;
}

/** The weather in one word: rain, then wind (15 m/s), then clouds (80 %); what is unknown does not count. */
function skyOf(v: Values): SkyCondition {
  if (v.rainMmPerH !== null && v.rainMmPerH > 0) return 'rain';
  if (v.windSpeedMps !== null && v.windSpeedMps >= 15) return 'wind';
  if (v.cloudCoverPct !== null && v.cloudCoverPct >= 80) return 'clouds';
  return 'clear';
}
