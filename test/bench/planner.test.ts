// Smoke test of the planner benchmark: `node bench/planner/run.mjs --quick` must finish on one
// December night with the first 30 requests, planned by our planner and by astroplan 0.7's
// PriorityScheduler (Debian python3-astroplan, offline), and report both with every block of
// ours checked against our constraints. Not a timed test: the figures themselves are not checked,
// except that our plan breaks no constraint and both planners place blocks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, runBench } from './run-bench.js';

interface Row {
  readonly planner?: string;
  readonly blocks: number;
  readonly fill: number;
  readonly violations: number;
  readonly meanAirmass: number;
  readonly meanBestAirmass: number;
}

test('bench/planner/run.mjs --quick plans a night with ours and with astroplan, and reports both', {
  timeout: 240_000,
}, async () => {
  const { code, stdout, stderr } = await runBench('bench/planner/run.mjs', ['--quick']);
  assert.equal(code, 0, `exit code ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
  assert.match(stdout, /\| 2027-12-21 \| +[\d.]+ \| +[\d.]+ % \|/);
  assert.match(stdout, /\| 2027-12-21 \| pyros-ts +\| +[\d.]+ % \|/);
  assert.match(stdout, /\| 2027-12-21 \| astroplan 0\.7 PriorityScheduler \| +[\d.]+ % \|/);
  const results = JSON.parse(readFileSync(join(ROOT, 'bench/planner/results-quick.json'), 'utf8')) as {
    ours: Row[];
    versus: Row[];
  };
  assert.equal(results.ours.length, 1);
  assert.deepEqual(
    results.versus.map((r) => r.planner),
    ['pyros-ts', 'astroplan 0.7 PriorityScheduler'],
  );
  for (const r of [...results.ours, ...results.versus]) {
    assert.ok(r.blocks > 0 && r.fill > 0, `${r.planner ?? 'ours'}: ${r.blocks} blocks`);
    assert.ok(r.meanAirmass >= r.meanBestAirmass - 1e-9, 'no mean below the best possible');
  }
  assert.equal(results.ours[0]?.violations, 0);
  assert.equal(results.versus[0]?.violations, 0);
});
