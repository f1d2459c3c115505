import type { WeatherReading } from '../devices/weather-station.js';

/** Limits beyond which the observatory must close. */
export interface WeatherLimits {
  readonly maxWindMps: number;
  readonly maxCloudPct: number;
  /** How long the weather must stay good before it is called good again (ms). */
  readonly goodAfterMs: number;
}

/** Why a reading is bad, or undefined when it is fine. */
export function badWeatherReason(r: WeatherReading, limits: WeatherLimits): string | undefined {
  if (r.rainMmPerH > 0) return `rain ${r.rainMmPerH.toFixed(1)} mm/h`;
  if (r.windSpeedMps > limits.maxWindMps)
    return `wind ${r.windSpeedMps.toFixed(1)} m/s > ${limits.maxWindMps}`;
  if (r.cloudCoverPct > limits.maxCloudPct)
    return `clouds ${r.cloudCoverPct.toFixed(0)} % > ${limits.maxCloudPct}`;
  return undefined;
}

/** A change of verdict: what monitoring announces. */
export type WeatherVerdict = { readonly good: boolean; readonly reason: string };

/**
 * Hysteresis: bad at once (safety first), good only after readings have stayed good for
 * `goodAfterMs`, so that a short gap in the clouds does not open and close the dome.
 */
export class WeatherJudge {
  #good: boolean | undefined;
  #goodSince: number | undefined;

  constructor(private readonly limits: WeatherLimits) {}

  /** The current verdict (undefined before the first reading). */
  get good(): boolean | undefined {
    return this.#good;
  }

  /** Takes a reading; returns the new verdict when it changed (the first reading always gives one). */
  judge(r: WeatherReading): WeatherVerdict | undefined {
    const bad = badWeatherReason(r, this.limits);
    if (bad !== undefined) {
      this.#goodSince = undefined;
      if (this.#good === false) return undefined;
      this.#good = false;
      return { good: false, reason: bad };
    }
    if (this.#good === true) return undefined;
    if (this.#good === undefined) {
      this.#good = true;
      return { good: true, reason: 'within limits' };
    }
    this.#goodSince ??= r.time;
    if (r.time - this.#goodSince < this.limits.goodAfterMs) return undefined;
    this.#good = true;
    return { good: true, reason: `within limits for ${Math.round((r.time - this.#goodSince) / 1000)} s` };
  }
}
