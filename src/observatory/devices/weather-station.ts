import type { Device } from './device.js';

/** The weather in one word: what the observatory acts on (rain and wind close the dome). */
export type SkyCondition = 'clear' | 'clouds' | 'rain' | 'wind';

/** The sky conditions, in the order the scenario file's `sky` field accepts them. */
export const SKY_CONDITIONS: readonly SkyCondition[] = ['clear', 'clouds', 'rain', 'wind'];

/** One reading of the weather station. */
export interface WeatherReading {
  /** Observatory time of the reading, ms since the epoch. */
  readonly time: number;
  readonly cloudCoverPct: number;
  readonly rainMmPerH: number;
  readonly windSpeedMps: number;
  readonly humidityPct: number;
  readonly temperatureC: number;
  readonly sky: SkyCondition;
}

/** A weather station, simulated ({@link WeatherSim}) or real. */
export interface WeatherStation extends Device {
  /**
   * The weather now: the station's latest reading, with the time it was taken (`time`: how fresh it
   * is). Rejects with a DeviceError when the station does not answer or lacks a value (unknown is
   * not safe).
   */
  read(): Promise<WeatherReading>;
}
