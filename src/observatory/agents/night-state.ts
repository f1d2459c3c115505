import type { z } from 'zod';
import type { Site } from '../astro/coordinates.js';
import { utcText } from '../clock/utc-text.js';
import type { NightCauseSchema, NightStateSchema } from '../contracts/execution-messages.js';
import type { Safety } from '../safety/safety-rule.js';
import { currentNight } from './planning-window.js';

/** The night's state, as the majordome says it. */
export type NightState = z.output<typeof NightStateSchema>;
/** Why it is day or closed, in one word. */
export type NightCause = z.output<typeof NightCauseSchema>;

/** The majordome's word on the night: its state, why, since when, and the next block. */
export interface NightStatus {
  readonly state: NightState;
  readonly why: string;
  readonly since: number;
  readonly cause: NightCause | null;
  readonly next: { readonly blockId: string; readonly targetName: string; readonly at: number } | null;
}

/** A reason with its numbers blanked: "wind 18.0 m/s > 15" and "wind 19.2 m/s > 15" say the same. */
const wording = (why: string) => why.replace(/[-+]?\d+(\.\d+)?/g, '#');

/**
 * Keeps the night's state for the majordome (its owner): `since` moves only when the state or its
 * cause changes. One info line (`state: why`) is written whenever the state, its cause or the
 * wording of its reason changes; a reason whose numbers alone change (the wind at each reading)
 * is a debug line, so a windy hour is one line in the log, not one a minute.
 */
export class NightStateKeeper {
  #status: NightStatus;

  constructor(
    private readonly log: { info(message: string): void; debug(message: string): void },
    now: number,
  ) {
    this.#status = { state: 'closed', why: 'starting', since: now, cause: null, next: null };
  }

  get status(): NightStatus {
    return this.#status;
  }

  say(
    now: number,
    state: NightState,
    why: string,
    next: NightStatus['next'],
    cause: NightCause | null = null,
    began = now,
  ): void {
    const before = this.#status;
    const changed = state !== before.state || cause !== before.cause;
    this.#status = { state, why, next, cause, since: changed ? Math.min(began, now) : before.since };
    if (changed || wording(why) !== wording(before.why)) this.log.info(`${state}: ${why}`);
    else if (why !== before.why) this.log.debug(`${state}: ${why}`);
  }
}

/**
 * Why the observatory is closed, from the safety rule's verdict: in daylight, `dawn` (the night is
 * over: from the end of the dark time until the afternoon) or `dusk` (the night to come), with a
 * reason that does not change with the Sun's altitude (it is logged at each change).
 */
export function closedFor(
  site: Site,
  now: number,
  safety: Safety,
): { why: string; cause: NightCause; began?: number } {
  if (safety.cause !== 'daylight') {
    return { why: safety.reason, cause: safety.cause === 'ok' ? 'weather' : safety.cause };
  }
  const night = currentNight(site, now);
  const darkEnd = night.dark?.end;
  const dawn = (darkEnd !== undefined && darkEnd <= now) || now < night.noon;
  const limit = `the Sun is above the limit (${site.sunLimitDeg}°)`;
  // Closed for dawn since the dark time ended, even when the majordome learns it later (a restart).
  if (dawn) {
    const over = { why: `the night is over: ${limit}`, cause: 'dawn' } as const;
    return darkEnd !== undefined && darkEnd <= now ? { ...over, began: darkEnd } : over;
  }
  const dark = night.dark?.start;
  return {
    why: dark === undefined ? `${limit} all night` : `${limit} until ${utcText(dark, now)}`,
    cause: 'dusk',
  };
}
