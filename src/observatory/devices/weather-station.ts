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
export interface WeatherStation {
  readonly name: string;
  /** The weather now (by the station's clock). */
  read(): WeatherReading;
}
