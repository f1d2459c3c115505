// The planner on real Calern nights, with the shipped site and routine requests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Equatorial } from '../../../src/observatory/astro/coordinates.js';
import { nightOf } from '../../../src/observatory/astro/night.js';
import {
  airmass,
  altAz,
  moonPosition,
  separationDeg,
  sunAltitudeDeg,
} from '../../../src/observatory/astro/positions.js';
import { loadSite } from '../../../src/observatory/astro/site-file.js';
import { minAltitudeDeg, minMoonSeparationDeg } from '../../../src/observatory/scheduler/constraints.js';
import { blockDurationMs, slewMs } from '../../../src/observatory/scheduler/overheads.js';
import { type PlanInput, planNight } from '../../../src/observatory/scheduler/planner.js';
import type { ObservationRequest, PlannedBlock } from '../../../src/observatory/scheduler/request.js';
import { loadRoutineRequests } from '../../../src/observatory/scheduler/routine-requests.js';

const SITE = loadSite(fileURLToPath(new URL('../../../observatory/site.ini', import.meta.url)));
const NIGHT = nightOf(SITE, '2026-12-01');
const DARK = NIGHT.dark ?? assert.fail('no dark window at Calern in December');
const NOW = NIGHT.noon;
const ROUTINE = loadRoutineRequests(
  fileURLToPath(new URL('../../../observatory/routine-requests.json', import.meta.url)),
  NOW,
);
const OVERHEADS = { slewDegPerS: 3, settleS: 10, readoutS: 10, filterChangeS: 5 };

function input(requests: readonly ObservationRequest[], extra: Partial<PlanInput> = {}): PlanInput {
  return {
    site: SITE,
    requests,
    from: DARK.start,
    until: DARK.end,
    overheads: OVERHEADS,
    now: NOW,
    ...extra,
  };
}

function request(
  id: string,
  target: Equatorial,
  extra: Partial<ObservationRequest> = {},
): ObservationRequest {
  return {
    id,
    kind: 'routine',
    targetName: id,
    target,
    priority: 5,
    exposures: [{ filter: 'R', exposureS: 60, count: 5 }],
    createdAt: NOW,
    state: 'pending',
    ...extra,
  };
}

/** Everything a plan promises, checked with the exact functions at each block's start and end. */
function assertValidPlan(plan: readonly PlannedBlock[], p: PlanInput): void {
  const byId = new Map(p.requests.map((r) => [r.id, r]));
  const once = plan.filter((b) => byId.get(b.requestId)?.cadenceS === undefined);
  assert.equal(new Set(once.map((b) => b.requestId)).size, once.length, 'a request placed twice');
  const lastVisit = new Map(p.lastVisitEnd ?? []);
  let previous: PlannedBlock | undefined;
  for (const b of plan) {
    const r = byId.get(b.requestId) ?? assert.fail(`unknown request ${b.requestId}`);
    const last = lastVisit.get(r.id);
    if (r.cadenceS !== undefined && last !== undefined)
      assert.ok(b.start >= last + r.cadenceS * 1000, `${b.id} within the cadence of the visit before`);
    lastVisit.set(r.id, b.end);
    assert.equal(b.id, `${r.id}@${new Date(b.start).toISOString()}`);
    assert.ok(b.start >= Math.max(p.from, p.now) && b.end <= p.until, `${b.id} outside the night`);
    assert.equal(b.end - b.start, blockDurationMs(r, p.overheads));
    if (previous) {
      const slew = slewMs(previous.target, b.target, p.overheads);
      assert.ok(b.start >= previous.end + slew, `${b.id} overlaps ${previous.id} or its slew`);
    }
    for (const t of [b.start, b.end]) {
      const alt = altAz(p.site, r.target, t).altDeg;
      assert.ok(
        alt >= minAltitudeDeg(r, p.site),
        `${b.id}: ${alt.toFixed(2)} deg at ${new Date(t).toISOString()}`,
      );
      assert.ok(sunAltitudeDeg(p.site, t) <= p.site.sunLimitDeg, `${b.id}: Sun up`);
      const moon = separationDeg(moonPosition(t, p.site), r.target);
      assert.ok(moon >= minMoonSeparationDeg(r, p.site), `${b.id}: Moon ${moon} deg away`);
      if (r.window) assert.ok(t >= r.window.start && t <= r.window.end, `${b.id} outside its window`);
    }
    const alt = altAz(p.site, r.target, b.start).altDeg;
    assert.ok(Math.abs(b.altitudeDeg - alt) < 1e-9);
    assert.equal(b.airmass, airmass(alt));
    previous = b;
  }
}

test('a December night at Calern with the shipped routine requests: recurring ones visited again, all constraints kept', () => {
  const p = input(ROUTINE);
  const plan = planNight(p);
  assertValidPlan(plan, p);
  const visits = (id: string) => plan.filter((b) => b.requestId === id).length;
  // Algol is up all the December night: with its 2-hour cadence, visited several times.
  assert.ok(visits('var-algol') >= 3, `Algol ${visits('var-algol')} visit(s)`);
  // The same input gives the same plan, whatever the order of the requests.
  assert.deepEqual(planNight(input([...ROUTINE].reverse())), plan);
});

test('of two observable requests the higher priority goes first; at equal priority the higher target', () => {
  const near = { raDeg: 10.6847, decDeg: 41.2688 }; // M31, high all evening
  const beside = { raDeg: 12, decDeg: 40 };
  const plan = planNight(
    input([request('low', near, { priority: 3 }), request('high', beside, { priority: 7 })]),
  );
  assert.deepEqual(
    plan.map((b) => b.requestId),
    ['high', 'low'],
  );
  // At the start of the night M31 is near the zenith and M42 low in the east: M31 first.
  const m42 = { raDeg: 83.8221, decDeg: -5.3911 };
  const t = DARK.start + 3 * 3_600_000;
  const equal = planNight(input([request('m42', m42), request('m31', near)], { from: t }));
  assert.ok(altAz(SITE, near, t).altDeg > altAz(SITE, m42, t).altDeg);
  assert.equal(equal[0]?.requestId, 'm31');
});

test('an alert at priority 100 goes first, older alerts before newer ones', () => {
  const alert = (id: string, createdAt: number): ObservationRequest =>
    request(
      id,
      { raDeg: 30, decDeg: 30 },
      {
        kind: 'alert',
        priority: 100,
        createdAt,
        window: { start: NOW, end: NOW + 86_400_000 },
        alertIvorn: `ivo://test#${id}`,
      },
    );
  const p = input([...ROUTINE, alert('grb-new', NOW - 60_000), alert('grb-old', NOW - 600_000)]);
  const plan = planNight(p);
  assertValidPlan(plan, p);
  assert.deepEqual(
    plan.slice(0, 2).map((b) => b.requestId),
    ['grb-old', 'grb-new'],
  );
  assert.equal(plan[0]?.kind, 'alert');
});

test('windows, targets that never rise, Sun-up hours and the present are respected', () => {
  const windowStart = NIGHT.midnight;
  const windowed = request(
    'windowed',
    { raDeg: 83.6331, decDeg: 22.0145 },
    {
      priority: 10,
      window: { start: windowStart, end: windowStart + 3_600_000 },
    },
  );
  const never = request('south', { raDeg: 100, decDeg: -60 }, { priority: 10 });
  // From noon: nothing before the Sun reaches the limit.
  const p = input([windowed, never, ...ROUTINE], { from: NIGHT.noon, until: NIGHT.nextNoon });
  const plan = planNight(p);
  assertValidPlan(plan, p);
  assert.ok(!plan.some((b) => b.requestId === 'south'));
  const w = plan.find((b) => b.requestId === 'windowed') ?? assert.fail('windowed not placed');
  assert.ok(w.start >= windowStart && w.end <= windowStart + 3_600_000);
  assert.ok((plan[0]?.start ?? 0) >= DARK.start);
  // A replan in the middle of the night starts from now.
  const later = DARK.start + 5 * 3_600_000;
  const replan = planNight(input(ROUTINE, { now: later }));
  assert.ok(replan.length > 0 && (replan[0]?.start ?? 0) >= later);
  // A night too short for any block plans nothing.
  assert.deepEqual(planNight(input(ROUTINE, { until: DARK.start + 60_000 })), []);
});

test('the first block waits for the slew from where the telescope points', () => {
  const m31 = { raDeg: 10.6847, decDeg: 41.2688 };
  const from = { raDeg: 190.6847, decDeg: -41.2688 }; // 180 deg away
  const [first] = planNight(input([request('m31', m31)], { startPointing: from }));
  assert.equal(first?.start, DARK.start + (180 / OVERHEADS.slewDegPerS + OVERHEADS.settleS) * 1000);
  const [unknown] = planNight(input([request('m31', m31)]));
  assert.equal(unknown?.start, DARK.start + OVERHEADS.settleS * 1000);
});

test('bad overheads or step are refused', () => {
  assert.throws(() => planNight(input(ROUTINE, { overheads: { ...OVERHEADS, slewDegPerS: 0 } })), RangeError);
  assert.throws(() => planNight(input(ROUTINE, { stepS: 0 })), RangeError);
});

test('200 requests over a night plan in well under 5 s', () => {
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const many = Array.from({ length: 200 }, (_, i) =>
    request(
      `r${i}`,
      { raDeg: random() * 360, decDeg: (Math.asin(2 * random() - 1) * 180) / Math.PI },
      {
        priority: 1 + Math.floor(random() * 10),
        exposures: [
          { filter: 'L', exposureS: 30 + Math.floor(random() * 120), count: 1 + Math.floor(random() * 5) },
        ],
      },
    ),
  );
  const t0 = performance.now();
  const p = input(many);
  const plan = planNight(p);
  const ms = performance.now() - t0;
  assert.ok(ms < 5000, `${ms.toFixed(0)} ms`);
  assert.ok(plan.length > 20, `${plan.length} blocks`);
  assertValidPlan(plan, p);
});

test('planned from the middle of the night, an alert starts now: the Sun margin is for the Sun, not for now', () => {
  const now = DARK.start + 5 * 3_600_000;
  // M31, high over Calern at that hour; no start pointing, so no slew before it.
  const alert = request(
    'grb',
    { raDeg: 10.685, decDeg: 41.269 },
    {
      kind: 'alert',
      priority: 100,
      window: { start: now - 1000, end: now + 3_600_000 },
    },
  );
  // No settling either (a mount that reports its arrival at once): the block starts at `now`.
  const overheads = { ...OVERHEADS, settleS: 0 };
  const plan = planNight(input([alert], { from: now, now, overheads }));
  assert.equal(plan[0]?.start, now, JSON.stringify(plan[0]));
});
