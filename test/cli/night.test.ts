// `pyros night` through commander in this process (with a simulated clock for "tonight"), and one
// run through runCli in a child process for the error path. Run from the repository root, where the
// shipped observatory/ files are the defaults.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { type NightReport, registerNight } from '../../src/cli/commands/night.js';
import { SimClock } from '../../src/observatory/clock/sim-clock.js';
import { tempDir } from '../helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REF = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/astro/reference.json'), 'utf8')) as {
  nights: Record<string, number | string | null>[];
};

async function night(args: string[], now = Date.parse('2026-12-01T15:00:00Z')): Promise<string> {
  let out = '';
  const program = new Command('pyros').exitOverride();
  registerNight(program, {
    clock: new SimClock(now, 1),
    write: (text) => (out += text),
    livePlan: async () => ({ down: 'no observatory in this test' }),
  });
  await program.parseAsync(['node', 'pyros', 'night', ...args]);
  return out;
}

async function nightJson(args: string[], now?: number): Promise<NightReport> {
  return JSON.parse(await night([...args, '--json'], now)) as NightReport;
}

/** Within 2 s of PyEphem's time (ms). */
function near(iso: string | null | undefined, expected: unknown, what: string): void {
  assert.ok(iso, `${what} missing`);
  assert.match(iso, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Date.parse(iso) - (expected as number)) <= 2000, `${what}: ${iso}`);
}

test('the table: the shipped site and routine requests by default, events to the second', async () => {
  const out = await night(['--date', '2026-12-21']);
  const ref = REF.nights.find((n) => n.site === 'Calern' && n.date === '2026-12-21') ?? assert.fail();
  assert.match(out, /^Night of 2026-12-21 at TAROT Calern \(43\.7523 N, 6\.9219 E, 1270 m\)\n/);
  const cell = (label: string) => new RegExp(`^${label} +(\\S+)`, 'm').exec(out)?.[1];
  near(cell('sunset'), ref.sunSet, 'sunset');
  near(cell('civil dusk'), ref.civilSet, 'civil dusk');
  near(cell('nautical dusk'), ref.nauticalSet, 'nautical dusk');
  near(cell('astronomical dusk'), ref.astronomicalSet, 'astronomical dusk');
  near(cell('astronomical dawn'), ref.astronomicalRise, 'astronomical dawn');
  near(cell('sunrise'), ref.sunRise, 'sunrise');
  // The Moon rose at 13:15, before sunset: not an event of the night; it is up at sunset and sets at dawn.
  assert.ok((ref.moonrise as number) < (ref.sunSet as number));
  assert.equal(cell('moonrise'), '-');
  assert.equal(cell('moon at sunset'), 'up');
  near(cell('moonset'), ref.moonset, 'moonset');
  assert.match(out, /^moon illumination +9\d %$/m);
  assert.match(out, /^START +END +TARGET +PRIORITY +ALT +AIRMASS$/m);
  assert.match(out, /^2026-12-2\dT\S+Z +2026-12-2\dT\S+Z +Algol \(beta Per\) +6 +\d+\.\d deg +\d\.\d\d$/m);
});

test('--json: one object; the blocks lie in the dark window, in order, above the horizon limit', async () => {
  const r = await nightJson(['--date', '2026-12-01']);
  assert.equal(r.date, '2026-12-01');
  assert.equal(r.site.name, 'TAROT Calern');
  // The shipped config beside the command names the observatory, whose routine requests these are.
  assert.equal(r.requestsFile, join(ROOT, 'observatory/routine-requests.json'));
  assert.equal(r.plan.source, 'routine-requests');
  const dark = r.dark ?? assert.fail('no dark window');
  assert.ok(r.blocks.length >= 8);
  let previousEnd = Date.parse(dark.start);
  for (const b of r.blocks) {
    assert.ok(Date.parse(b.start) >= previousEnd && Date.parse(b.end) <= Date.parse(dark.end), b.id);
    assert.ok(b.altitudeDeg >= 20 && b.airmass < 3, b.id);
    previousEnd = Date.parse(b.end);
  }
});

test('--site for another site, --plan writes the blocks, --requests picks the file', async () => {
  const ref = REF.nights.find((n) => n.site === 'La Silla') ?? assert.fail();
  const dir = tempDir('pyros-night-');
  const plan = join(dir, 'plan.json');
  const requests = join(dir, 'requests.json');
  const target = { raDeg: 201.365, decDeg: -43.019 }; // Centaurus A: high at La Silla in March
  const entry = {
    id: 'cena',
    targetName: 'Cen A',
    target,
    priority: 5,
    exposures: [{ filter: 'V', exposureS: 60, count: 3 }],
  };
  await import('node:fs').then((fs) => fs.writeFileSync(requests, JSON.stringify({ requests: [entry] })));
  const r = await nightJson([
    '--site',
    '-29.2567,-70.7300,2400',
    '--date',
    '2026-03-20',
    '--plan',
    plan,
    '--requests',
    requests,
  ]);
  near(r.sunset, ref.sunSet, 'La Silla sunset');
  near(r.sunrise, ref.sunRise, 'La Silla sunrise');
  near(r.moon.set, ref.moonset, 'La Silla moonset');
  assert.equal(r.site.horizonLimitDeg, 20);
  assert.deepEqual(
    r.blocks.map((b) => b.requestId),
    ['cena'],
  );
  assert.deepEqual(JSON.parse(readFileSync(plan, 'utf8')), r.blocks);
});

test('without --date: the night under way or coming by the clock', async () => {
  const calern = [
    '--site',
    '43.7523,6.9219,1270',
    '--requests',
    join(ROOT, 'observatory/routine-requests.json'),
  ];
  assert.equal((await nightJson(calern, Date.parse('2026-12-02T03:00:00Z'))).date, '2026-12-01');
  assert.equal((await nightJson(calern, Date.parse('2026-12-01T14:00:00Z'))).date, '2026-12-01');
  // After sunrise, the coming night: the one the scheduler plans then (planning-window.ts).
  assert.equal((await nightJson(calern, Date.parse('2026-12-02T11:00:00Z'))).date, '2026-12-02');
  assert.equal((await nightJson(calern, Date.parse('2026-12-02T12:00:00Z'))).date, '2026-12-02');
});

test('the Moon: only rises and sets between sunset and sunrise, and whether it is up at sunset', async () => {
  let outside = 0;
  for (let day = 1; day <= 30; day++) {
    const date = `2026-11-${String(day).padStart(2, '0')}`;
    const r = await nightJson(['--date', date]);
    const [sunset, sunrise] = [Date.parse(r.sunset ?? ''), Date.parse(r.sunrise ?? '')];
    for (const t of [r.moon.rise, r.moon.set]) {
      if (t !== null) assert.ok(Date.parse(t) >= sunset && Date.parse(t) <= sunrise, `${date}: ${t}`);
    }
    if (r.moon.rise === null || r.moon.set === null) outside += 1;
    // One event only: the Moon was up at sunset if it sets, down if it rises.
    if (r.moon.rise === null && r.moon.set !== null) assert.equal(r.moon.upAtSunset, true, date);
    if (r.moon.set === null && r.moon.rise !== null) assert.equal(r.moon.upAtSunset, false, date);
    if (r.moon.rise !== null && r.moon.set !== null)
      assert.equal(r.moon.upAtSunset, Date.parse(r.moon.set) < Date.parse(r.moon.rise), date);
  }
  assert.ok(outside > 5, 'a month has nights where the Moon rises or sets by day');
});

test('bad options: one line saying which and why', async () => {
  const cases: [string[], RegExp][] = [
    [['--date', '2026-02-30'], /^--date: "2026-02-30" is not a date \(YYYY-MM-DD\)$/],
    [['--date', 'tomorrow'], /^--date: "tomorrow" is not a date/],
    [['--site', '43,7'], /^--site: "43,7" is not LAT,LON,HEIGHT_M/],
    [['--site', '43,7,0', '--site-file', 'x.ini'], /^--site and --site-file: give one or the other$/],
    [
      ['--site-file', '/nonexistent/site.ini'],
      /^\/nonexistent\/site\.ini: cannot read the site file \(ENOENT\)$/,
    ],
    [['--requests', '/nonexistent/r.json', '--date', '2026-12-01'], /^\/nonexistent\/r\.json: cannot read/],
  ];
  for (const [args, expected] of cases) {
    await assert.rejects(night(args), (err: Error) => {
      assert.match(err.message, expected);
      return true;
    });
  }
});

test('the defaults missing: a clear error for the site, no plan for absent requests', async () => {
  const dir = tempDir('pyros-night-cwd-');
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    await assert.rejects(
      night([]),
      /no site: \.\/observatory\/site\.ini not found \(give --site-file PATH or --site/,
    );
    const out = await night(['--site', '43.7523,6.9219,1270', '--date', '2026-12-01']);
    assert.match(out, /no routine requests \(\.\/observatory\/routine-requests\.json not found\)/);
  } finally {
    process.chdir(cwd);
  }
});

test('through runCli: a bad flag is one line on stderr with the --help hint, exit code 2', () => {
  const script = `
    import { Command } from 'commander';
    import { registerNight } from './src/cli/commands/night.ts';
    import { runCli } from './src/cli/run-cli.ts';
    const program = new Command('pyros');
    registerNight(program);
    await runCli(program, ['node', 'pyros', 'night', '--date', '2026-13-01']);`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(
    r.stderr,
    'pyros night: --date: "2026-13-01" is not a date (YYYY-MM-DD) (see pyros night --help)\n',
  );
  assert.equal(r.stdout, '');
});
