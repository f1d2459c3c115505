import type { Site } from '../astro/coordinates.js';
import { sunAltitudeDeg } from '../astro/positions.js';
import type { DeviceLink } from '../devices/device.js';
import type { WeatherVerdict } from './weather-verdict.js';

/** Whether the observatory may be open and expose now, and why (one line). */
export interface Safety {
  readonly safe: boolean;
  readonly reason: string;
  /** Why in one word: what the majordome shows as the night's state. */
  readonly cause: 'ok' | 'daylight' | 'weather' | 'silence' | 'device';
}

/**
 * The observatory's one safety rule, applied by every agent that moves or exposes (the majordome
 * before it starts a block; the observation manager before it opens the dome, before each
 * exposure, and all the time the dome is open): unsafe unless monitoring's latest verdict is safe
 * and still valid, the Sun is below the site's limit, and every device given answers. No verdict,
 * an expired one (monitoring silent, its host down), daylight and a device that does not answer
 * (`devices`: the ones the caller drives) are all unsafe.
 */
export function assessSafety(
  site: Site,
  verdict: WeatherVerdict | undefined,
  now: number,
  devices: readonly { readonly name: string; link(): DeviceLink }[] = [],
): Safety {
  for (const device of devices) {
    const link = device.link();
    if (link.state !== 'up') {
      const why = link.reason === undefined ? '' : `: ${link.reason}`;
      return {
        safe: false,
        reason: `${device.name} ${link.state === 'down' ? 'does not answer' : 'not connected yet'}${why}`,
        cause: 'device',
      };
    }
  }
  if (verdict === undefined)
    return { safe: false, reason: 'no weather verdict from monitoring', cause: 'silence' };
  if (now > verdict.validUntil) {
    const age = Math.round((now - verdict.time) / 1000);
    return {
      safe: false,
      reason: `no word from monitoring for ${age} s: its verdict has expired`,
      cause: 'silence',
    };
  }
  if (!verdict.safe) return { safe: false, reason: verdict.reason, cause: 'weather' };
  const sun = sunAltitudeDeg(site, now);
  if (sun > site.sunLimitDeg) {
    return {
      safe: false,
      reason: `daylight: the Sun at ${sun.toFixed(1)}° is above the limit (${site.sunLimitDeg}°)`,
      cause: 'daylight',
    };
  }
  return { safe: true, reason: `weather ${verdict.reason}; the Sun at ${sun.toFixed(1)}°`, cause: 'ok' };
}
