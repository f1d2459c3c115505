// Smoke test of the alerts benchmark: `node bench/alerts/run.mjs --quick` must finish, every alert
// must reach the slew command by preempting a routine block, and the report must carry positive
// latencies. Not a timed test: the numbers themselves are not checked.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, runBench } from './run-bench.js';

test('bench/alerts/run.mjs --quick times every alert to its slew', { timeout: 120_000 }, async () => {
  const { code, stdout, stderr } = await runBench('bench/alerts/run.mjs', ['--quick']);
  assert.equal(code, 0, `exit code ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
  assert.match(stdout, /\| pyros-ts \(this run\) \|\s+\d+ \|\s+\d+ \|/);
  const result = JSON.parse(readFileSync(join(ROOT, 'bench/alerts/results-quick.json'), 'utf8')) as {
    alerts: number;
    preempting: number;
    latencies: number[];
  };
  assert.equal(result.alerts, 10);
  assert.equal(result.preempting, 10);
  assert.ok(result.latencies.every((ms) => ms > 0));
});
