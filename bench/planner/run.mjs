// Planner benchmark. (a) The shipped routine programme (observatory/routine-requests.json, its
// cadences included) planned by our planner on the 21st of each month at the shipped site: the
// fraction of the dark time observed, mean airmass against the best each block's target reached
// that night, blocks within 3 deg of the altitude limit. (b) The same requests, each once (astroplan
// has no cadence), on the same nights, planned by our planner and by astroplan 0.7's
// PriorityScheduler (Debian python3-astroplan, /usr/bin/python3, offline): fill, priority-weighted
// observed time, mean airmass against the best possible, planning time, and every block of both
// checked against our own constraints (bench/planner/programme.mjs).
//   node bench/planner/run.mjs [--quick] [--update-readme] [--astroplan-nights=N]
// --quick: one night, the first 30 requests, astroplan on a 5-minute grid (the CI smoke test).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { machine, mdTable, updateReadme } from '../report.mjs';
import { durationOf, measure, NIGHTS, nightAt, OVERHEADS, planOurs, programme } from './programme.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const QUICK = process.argv.includes('--quick');
const UPDATE = process.argv.includes('--update-readme');
const AP_NIGHTS = Number(process.argv.find((a) => a.startsWith('--astroplan-nights='))?.slice(19) ?? 4);
const README = `${ROOT}bench/README.md`;
const START = '<!-- planner-bench:start -->';
const END = '<!-- planner-bench:end -->';
const pct = (x) => `${(x * 100).toFixed(1)} %`;
const f2 = (x) => x.toFixed(2);

/** astroplan's plan of `requests` (each once), from bench/planner/astroplan_plan.py. */
function planAstroplan(site, requests, from, until, resolutionS) {
  const job = {
    site: { lat: site.latitudeDeg, lon: site.longitudeDeg, height: site.heightM, sunLimit: site.sunLimitDeg },
    from,
    until,
    slewDegPerS: OVERHEADS.slewDegPerS,
    resolutionS,
    requests: requests.map((r) => ({
      id: r.id,
      ra: r.target.raDeg,
      dec: r.target.decDeg,
      priority: r.priority,
      durationS: durationOf(r) / 1000,
      minAlt: Math.max(site.horizonLimitDeg, r.minAltitudeDeg ?? -90),
      moonSep: r.moonSeparationDeg ?? site.moonSeparationDeg,
    })),
  };
  const p = spawnSync('/usr/bin/python3', [`${ROOT}bench/planner/astroplan_plan.py`], {
    input: JSON.stringify(job),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (p.status !== 0)
    throw new Error(`astroplan failed (exit ${p.status}): ${p.stderr.trim().split('\n').at(-1)}`);
  return JSON.parse(p.stdout);
}

const nights = QUICK ? [NIGHTS[11]] : NIGHTS;
const ours = [];
for (const date of nights) {
  const { site, night, from, until } = nightAt(date);
  const requests = programme(night);
  const { blocks, ms } = planOurs(site, QUICK ? requests.slice(0, 30) : requests, from, until);
  ours.push({ date, ms, ...measure(site, requests, blocks, from, until) });
  process.stderr.write(`ours ${date}: ${pct(ours.at(-1).fill)}\n`);
}
const apDates = QUICK ? nights : NIGHTS.filter((_, i) => i % (12 / AP_NIGHTS) === 2).slice(0, AP_NIGHTS);
const versus = [];
for (const date of apDates) {
  const { site, night, from, until } = nightAt(date);
  const all = programme(night, { once: true });
  const requests = QUICK ? all.slice(0, 30) : all;
  const a = planAstroplan(site, requests, from, until, QUICK ? 300 : 60);
  const o = planOurs(site, requests, from, until);
  versus.push({ date, planner: 'pyros-ts', ms: o.ms, ...measure(site, requests, o.blocks, from, until) });
  versus.push({
    date,
    planner: 'astroplan 0.7 PriorityScheduler',
    ms: a.ms,
    ...measure(site, requests, a.blocks, from, until),
  });
  process.stderr.write(`versus ${date}: ${pct(versus.at(-2).fill)} / ${pct(versus.at(-1).fill)}\n`);
}

const m = machine();
const t1 = mdTable(
  [
    'Night',
    'Dark (h)',
    'Filled',
    'Blocks',
    'Mean airmass',
    'Best possible',
    'Within 3 deg of limit',
    'Violations',
    'Plan (ms)',
  ],
  [false, true, true, true, true, true, true, true, true],
  ours.map((r) => [
    r.date,
    r.darkH.toFixed(1),
    pct(r.fill),
    r.blocks,
    f2(r.meanAirmass),
    f2(r.meanBestAirmass),
    pct(r.nearLimit),
    r.violations,
    r.ms.toFixed(0),
  ]),
);
const t2 = mdTable(
  [
    'Night',
    'Planner',
    'Filled',
    'Priority x hours',
    'Mean airmass',
    'Best possible',
    'Violations',
    'Plan (ms)',
  ],
  [false, false, true, true, true, true, true, true],
  versus.map((r) => [
    r.date,
    r.planner,
    pct(r.fill),
    r.weightedH.toFixed(1),
    f2(r.meanAirmass),
    f2(r.meanBestAirmass),
    r.violations,
    r.ms.toFixed(0),
  ]),
);
const reasons = versus.flatMap((r) => r.reasons.map((x) => `${r.date} ${r.planner}: ${x}`));
const block = [
  START,
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${m.nproc} CPU(s), ${m.cpu}, ${m.ramGiB} GiB, Node ${m.node}, ${m.os}${QUICK ? ' (--quick)' : ''}.`,
  '',
  'The shipped programme with its cadences, our planner, the 21st of each month of 2027 at TAROT Calern:',
  '',
  ...t1,
  '',
  'The same requests each once (astroplan has no cadence), both planners, same nights and overheads:',
  '',
  ...t2,
  '',
  ...(reasons.length
    ? ['Violations found (our constraint check):', '', ...reasons.map((r) => `- ${r}`), '']
    : []),
  END,
].join('\n');
process.stdout.write(`${block}\n`);
writeFileSync(
  `${ROOT}bench/planner/results-${QUICK ? 'quick' : 'full'}.json`,
  JSON.stringify({ ours, versus }, null, 2),
);
if (UPDATE) {
  updateReadme(README, START, END, block);
  process.stdout.write(`updated ${README}\n`);
}
