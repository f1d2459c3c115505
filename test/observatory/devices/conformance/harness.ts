import { SiderealTime } from 'astronomy-engine';
import type { Equatorial, Site } from '../../../../src/observatory/astro/coordinates.js';
import type { Clock } from '../../../../src/observatory/clock/clock.js';

/** A device under test, with the clock and site it runs on. */
export interface Opened<D> {
  readonly device: D;
  readonly clock: Clock;
  readonly site: Site;
}

/**
 * What the conformance suite needs of a driver: a fresh, ready device (connected, for a real
 * one), and how long one operation may take in real time (a simulator on a fast clock: a second
 * or two; an INDI simulator in real time: longer). `close` ends what `open` started.
 */
export interface DeviceHarness<D> {
  readonly name: string;
  open(): Promise<Opened<D>>;
  close(opened: Opened<D>): Promise<void>;
  readonly timeoutMs: number;
}

/** The zenith at `site` and `time`: RA the local sidereal time, Dec the latitude. */
export function zenithAt(site: Site, time: number): Equatorial {
  const lstHours = SiderealTime(new Date(time)) + site.longitudeDeg / 15;
  return { raDeg: (((lstHours * 15) % 360) + 360) % 360, decDeg: site.latitudeDeg };
}

/** The point below the pole that never rises at a northern site: always refused. */
export function neverUpAt(site: Site): Equatorial {
  return { raDeg: 120, decDeg: -(90 - site.latitudeDeg) - 10 };
}

/** Near the pole, always above a northern site's horizon limit (alt ≥ latitude − 10°). */
export function nearPole(raDeg = 120): Equatorial {
  return { raDeg, decDeg: 80 };
}

/** Rejects after `ms` real milliseconds with `what` named: a step that hangs fails the test. */
export async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `fn` with a device opened by the harness, closing it whatever happens. */
export async function withDevice<D>(h: DeviceHarness<D>, fn: (o: Opened<D>) => Promise<void>): Promise<void> {
  const opened = await h.open();
  try {
    await fn(opened);
  } finally {
    await h.close(opened);
  }
}
