const HALF_DAY_MS = 12 * 3_600_000;

/**
 * A time as pyros writes it for people (the majordome's reasons, the dashboard): UTC, `21:14:05 UTC`
 * within half a day of `now` (the same night), else with its date, `2026-12-02 21:14 UTC`. The
 * dashboard's page formats the same way (public/dom.js `when`).
 */
export function utcText(ms: number, now: number): string {
  const iso = new Date(ms).toISOString();
  return Math.abs(ms - now) < HALF_DAY_MS
    ? `${iso.slice(11, 19)} UTC`
    : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}
