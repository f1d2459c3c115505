import type { Device } from './device.js';

/** The weather in one word: what the observatory acts on (rain and wind close the dome). */
export type SkyCondition = 'clear' | 'clouds' | 'rain' | 'wind';

/** The sky conditions, in the order the scenario file's `sky` field accepts them. */
export const SKY_CONDITIONS: readonly SkyCondition[] = ['clear', 'clouds', 'rain', 'wind'];

/** One reading of the weather station. */
export interface WeatherReading {
  /** Observatory time of the reading, ms since the epoch. */
  readonly time: number;
  /** Each value is null when the station does not measure it: unknown, which the policy counts as unsafe. */
  readonly cloudCoverPct: number | null;
  readonly rainMmPerH: number | null;
  readonly windSpeedMps: number | null;
  readonly humidityPct: number | null;
  readonly temperatureC: number | null;
  readonly sky: SkyCondition;
  /** What the station itself flags (an INDI driver's WEATHER_STATUS lights in Alert), one line each. */
  readonly stationAlerts?: readonly string[];
}

/** The weather parameters the policy judges, by the name `[monitoring] not_measured` gives them. */
export const WEATHER_PARAMETERS = {
  clouds: 'cloudCoverPct',
  rain: 'rainMmPerH',
  wind: 'windSpeedMps',
  humidity: 'humidityPct',
} as const;

/** A parameter's name in `[monitoring] not_measured`. */
export type WeatherParameter = keyof typeof WEATHER_PARAMETERS;

/** A weather station, simulated ({@link WeatherSim}) or real. */
export interface WeatherStation extends Device {
  /**
   * The weather now: the station's latest reading, with the time it was taken (`time`: how fresh it
   * is). A value the station does not measure is null. Rejects with a DeviceError when the
   * station does not answer.
   */
  read(): Promise<WeatherReading>;
}
