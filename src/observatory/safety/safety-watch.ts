import type { Site } from '../astro/coordinates.js';
import type { DeviceLink } from '../devices/device.js';
import { assessSafety, type Safety } from './safety-rule.js';
import type { WeatherVerdict } from './weather-verdict.js';

/**
 * What an agent that moves or exposes knows of the weather: the newest verdict it heard from
 * monitoring, judged with the one safety rule ({@link assessSafety}) at any time.
 */
export class SafetyWatch {
  #verdict: WeatherVerdict | undefined;

  constructor(private readonly site: Site) {}

  /** The newest verdict heard, if any. */
  get verdict(): WeatherVerdict | undefined {
    return this.#verdict;
  }

  /** Takes a verdict; one older than the current (a late or repeated delivery) is ignored: false. */
  update(verdict: WeatherVerdict): boolean {
    if (this.#verdict !== undefined && verdict.time < this.#verdict.time) return false;
    this.#verdict = verdict;
    return true;
  }

  /** The safety rule at `now`, with the devices the caller drives. */
  assess(now: number, devices: readonly { readonly name: string; link(): DeviceLink }[] = []): Safety {
    return assessSafety(this.site, this.#verdict, now, devices);
  }

  /** When the verdict stops counting (undefined: there is none, which is unsafe already). */
  expiresAt(): number | undefined {
    return this.#verdict?.validUntil;
  }

  /** When to ask monitoring again, if nothing newer has come: two thirds of the way to expiry. */
  refreshAt(): number | undefined {
    const v = this.#verdict;
    return v === undefined ? undefined : v.time + ((v.validUntil - v.time) * 2) / 3;
  }
}
