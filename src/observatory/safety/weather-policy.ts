import {
  WEATHER_PARAMETERS,
  type WeatherParameter,
  type WeatherReading,
} from '../devices/weather-station.js';
import type { WeatherVerdict } from './weather-verdict.js';

/** The weather the observatory may open in, and how long a verdict holds (monitoring's settings). */
export interface WeatherLimits {
  readonly maxWindMps: number;
  readonly maxCloudPct: number;
  readonly maxHumidityPct: number;
  /** A reading older than this (ms) is no reading: unsafe. */
  readonly maxReadingAgeMs: number;
  /** How long the weather must stay good before it is called good again (ms). */
  readonly goodAfterMs: number;
  /** How long a verdict holds once given (ms): past it, silence from monitoring is unsafe. */
  readonly verdictValidMs: number;
  /** Parameters the station does not measure, judged without (`[monitoring] not_measured`). */
  readonly notMeasured?: readonly WeatherParameter[];
}

/**
 * Why a reading is unsafe at `now`, or undefined when it is fine. The one weather rule of the
 * observatory: rain, wind, clouds, humidity, a reading too old to trust, what the station itself
 * flags, and a parameter it does not report (unknown, unless `notMeasured` says it has no sensor).
 */
export function badWeatherReason(r: WeatherReading, limits: WeatherLimits, now: number): string | undefined {
  const ageMs = now - r.time;
  if (ageMs > limits.maxReadingAgeMs)
    return `weather reading ${Math.round(ageMs / 1000)} s old (limit ${Math.round(limits.maxReadingAgeMs / 1000)} s)`;
  const alert = r.stationAlerts?.[0];
  if (alert !== undefined) return `the station says ${alert}`;
  for (const [name, key] of Object.entries(WEATHER_PARAMETERS) as [
    WeatherParameter,
    keyof WeatherReading,
  ][]) {
    if (r[key] === null && !limits.notMeasured?.includes(name))
      return `${name} unknown: the station does not report it (if it has no such sensor: [monitoring] not_measured)`;
  }
  if (r.rainMmPerH !== null && r.rainMmPerH > 0) return `rain ${r.rainMmPerH.toFixed(1)} mm/h`;
  if (r.windSpeedMps !== null && r.windSpeedMps > limits.maxWindMps)
    return `wind ${r.windSpeedMps.toFixed(1)} m/s > ${limits.maxWindMps}`;
  if (r.cloudCoverPct !== null && r.cloudCoverPct > limits.maxCloudPct)
    return `clouds ${r.cloudCoverPct.toFixed(0)} % > ${limits.maxCloudPct}`;
  if (r.humidityPct !== null && r.humidityPct > limits.maxHumidityPct)
    return `humidity ${r.humidityPct.toFixed(0)} % > ${limits.maxHumidityPct}`;
  return undefined;
}

/** What the policy remembers between readings (monitoring keeps it across restarts). */
export interface PolicyState {
  readonly safe: boolean;
  /** Since when the verdict has had this value. */
  readonly since: number;
  /** While unsafe: since when the readings have been good (the hysteresis' clock). */
  readonly goodSince: number | undefined;
}

/**
 * The weather policy with hysteresis, owned by the monitoring agent: unsafe at once (safety
 * first), safe again only after the readings have stayed good for `goodAfterMs`, so a short gap in
 * the clouds does not open and close the dome. With no history (a first start), a good reading is
 * safe at once: it is a measurement, not an unknown.
 */
export class WeatherPolicy {
  #state: PolicyState | undefined;

  constructor(
    readonly limits: WeatherLimits,
    restored?: PolicyState,
  ) {
    this.#state = restored;
  }

  get state(): PolicyState | undefined {
    return this.#state;
  }

  /** The verdict on a reading taken now (or on a station that failed: `reading` is an Error). */
  judge(reading: WeatherReading | Error, now: number): WeatherVerdict {
    const bad =
      reading instanceof Error
        ? `weather station failed: ${reading.message}`
        : badWeatherReason(reading, this.limits, now);
    const last = this.#state;
    let reason: string;
    if (bad !== undefined) {
      this.#state = { safe: false, since: last?.safe === false ? last.since : now, goodSince: undefined };
      reason = bad;
    } else if (last === undefined || last.safe) {
      this.#state = { safe: true, since: last?.since ?? now, goodSince: undefined };
      reason = 'within limits';
    } else {
      const goodSince = last.goodSince ?? now;
      const goodForMs = now - goodSince;
      if (goodForMs >= this.limits.goodAfterMs) {
        this.#state = { safe: true, since: now, goodSince: undefined };
        reason = `within limits for ${Math.round(goodForMs / 1000)} s`;
      } else {
        this.#state = { safe: false, since: last.since, goodSince };
        const left = Math.ceil((this.limits.goodAfterMs - goodForMs) / 1000);
        reason = `within limits for ${Math.round(goodForMs / 1000)} s; safe after ${left} s more`;
      }
    }
    const state = this.#state;
    return {
      safe: state.safe,
      reason,
      time: now,
      validUntil: now + this.limits.verdictValidMs,
      since: state.since,
      reading: reading instanceof Error ? null : reading,
    };
  }
}
