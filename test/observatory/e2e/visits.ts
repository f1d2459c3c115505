// "Nothing observed twice" for a programme whose requests may recur: a request without a cadence
// is done at most once; one with a cadence is done again only its cadence after the previous visit.
import type { ObservationRecord } from '../../../src/observatory/store/observations-repo.js';

/**
 * A visit may start up to this long before its planned start (the slew comes first, and the
 * planner counts the cadence from the end the observation manager reported).
 */
const SLACK_MS = 5 * 60_000;

/** The done observations that repeat a visit: each described in a line, none when all is well. */
export function visitsTwice(
  observations: readonly Pick<ObservationRecord, 'requestId' | 'state' | 'startedAt' | 'endedAt'>[],
  cadenceSOf: (requestId: string) => number | undefined,
): string[] {
  const byRequest = new Map<string, (typeof observations)[number][]>();
  for (const o of observations.filter((x) => x.state === 'done')) {
    byRequest.set(o.requestId, [...(byRequest.get(o.requestId) ?? []), o]);
  }
  const twice: string[] = [];
  for (const [id, done] of byRequest) {
    done.sort((a, b) => a.startedAt - b.startedAt);
    const cadence = cadenceSOf(id);
    for (let i = 1; i < done.length; i++) {
      const [before, after] = [done[i - 1], done[i]];
      const gap = (after?.startedAt ?? 0) - (before?.endedAt ?? before?.startedAt ?? 0);
      if (cadence === undefined || gap < cadence * 1000 - SLACK_MS) {
        twice.push(`${id}: again after ${(gap / 60_000).toFixed(1)} min (cadence ${cadence ?? 'none'})`);
      }
    }
  }
  return twice;
}
