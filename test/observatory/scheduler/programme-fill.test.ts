// The shipped routine programme keeps the telescope busy for most of the dark time at the shipped
// site in every season: planned from dusk on the 21st of each month, with the shipped overheads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nightOf } from '../../../src/observatory/astro/night.js';
import { planNight } from '../../../src/observatory/scheduler/planner.js';
import { loadRoutineRequests } from '../../../src/observatory/scheduler/routine-requests.js';
import { SHIPPED_OVERHEADS, SITE } from './plan-fixture.js';

const SHIPPED = fileURLToPath(new URL('../../../observatory/routine-requests.json', import.meta.url));
/** The least fraction of the dark time observed (the rest: slews, and what no target can use). */
const MIN_FILL = 0.85;

test(`the shipped programme fills at least ${MIN_FILL * 100} % of the dark time on the 21st of every month`, () => {
  for (let month = 1; month <= 12; month++) {
    const night = nightOf(SITE, `2027-${String(month).padStart(2, '0')}-21`);
    const dark = night.dark ?? assert.fail(`no dark time in month ${month}`);
    const requests = loadRoutineRequests(SHIPPED, night.noon);
    const plan = planNight({
      site: SITE,
      requests,
      from: dark.start,
      until: dark.end,
      now: dark.start,
      overheads: SHIPPED_OVERHEADS,
    });
    const observed = plan.reduce((s, b) => s + (b.end - b.start), 0);
    const fill = observed / (dark.end - dark.start);
    assert.ok(fill >= MIN_FILL, `${night.date}: ${(fill * 100).toFixed(1)} % of the dark observed`);
    // Recurring requests are what fills a long night: some are visited more than once.
    assert.ok(plan.length > new Set(plan.map((b) => b.requestId)).size, `${night.date}: no repeated visit`);
  }
});
