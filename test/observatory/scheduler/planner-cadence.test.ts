// Requests with a cadence: visited again and again, never closer than their cadence.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { blockDurationMs } from '../../../src/observatory/scheduler/overheads.js';
import { planNight } from '../../../src/observatory/scheduler/planner.js';
import { DARK, planInput, routine, SHIPPED_OVERHEADS } from './plan-fixture.js';

const POLARIS_LIKE = { raDeg: 40, decDeg: 80 };
const HOUR = 3_600_000;

test('a circumpolar request with a 1-hour cadence is visited all night, each visit an hour after the one before', () => {
  const r = routine('monitor', POLARIS_LIKE, { cadenceS: 3600 });
  const plan = planNight(planInput([r, routine('once', { raDeg: 60, decDeg: 70 })]));
  const visits = plan.filter((b) => b.requestId === 'monitor');
  const d = blockDurationMs(r, SHIPPED_OVERHEADS);
  assert.ok(
    visits.length >= Math.floor((DARK.end - DARK.start) / (HOUR + d + 60_000)),
    `${visits.length} visits`,
  );
  for (let i = 1; i < visits.length; i++) {
    const gap = (visits[i]?.start ?? 0) - (visits[i - 1]?.end ?? 0);
    assert.ok(gap >= HOUR && gap < HOUR + 10 * 60_000, `gap ${gap / 60_000} min`);
  }
  assert.equal(plan.filter((b) => b.requestId === 'once').length, 1, 'without a cadence: once');
  assert.equal(new Set(plan.map((b) => b.id)).size, plan.length, 'block ids are unique');
});

test('the last visit already made counts: the next waits for the cadence from its end', () => {
  const r = routine('monitor', POLARIS_LIKE, { cadenceS: 2 * 3600 });
  const lastEnd = DARK.start + 30 * 60_000;
  const now = DARK.start + HOUR;
  const [first] = planNight(planInput([r], { now, lastVisitEnd: new Map([['monitor', lastEnd]]) }));
  assert.ok(
    first && first.start >= lastEnd + 2 * HOUR,
    `first at ${new Date(first?.start ?? 0).toISOString()}`,
  );
  assert.ok(first.start < lastEnd + 2 * HOUR + 6 * 60_000, 'and not much later');
  // A visit longer ago than the cadence: eligible now.
  const [again] = planNight(planInput([r], { now, lastVisitEnd: new Map([['monitor', now - 3 * HOUR]]) }));
  assert.ok(again && again.start - now < 60_000);
});
