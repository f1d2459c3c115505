// Smoke test of the alerts benchmark: `node bench/alerts/run.mjs --quick` must finish, on one host
// (notices by VTP and through the GCN Kafka source) and on three hosts in network namespaces (CI
// runs as root), and on the INDI simulators (`--devices indi`), every alert must reach the slew
// command by preempting a routine block, and the report must carry positive latencies. Not a
// timed test: the numbers themselves are not checked.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, runBench } from './run-bench.js';

test('bench/alerts/run.mjs --quick times every alert to its slew, on one host (VTP, Kafka) and on three', {
  timeout: 240_000,
}, async () => {
  const { code, stdout, stderr } = await runBench('bench/alerts/run.mjs', ['--quick']);
  assert.equal(code, 0, `exit code ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
  assert.match(stdout, /\| pyros-ts, one host \(loopback\), VTP +\| +\d+ \| +\d+ \|/);
  assert.match(stdout, /\| pyros-ts, one host \(loopback\), GCN Kafka source +\| +\d+ \| +\d+ \|/);
  assert.match(stdout, /\| pyros-ts, three hosts \(network namespaces\) +\| +\d+ \| +\d+ \|/);
  const results = JSON.parse(readFileSync(join(ROOT, 'bench/alerts/results-quick.json'), 'utf8')) as Array<{
    name: string;
    alerts: number;
    preempting: number;
    latencies: number[];
  }>;
  assert.deepEqual(
    results.map((r) => r.name),
    ['one host (loopback), VTP', 'one host (loopback), GCN Kafka source', 'three hosts (network namespaces)'],
  );
  for (const r of results) {
    assert.equal(r.alerts, 10);
    assert.equal(r.preempting, 10);
    assert.ok(r.latencies.every((ms) => ms > 0));
  }
});

test('bench/alerts/run.mjs --devices indi --quick times alerts to the INDI mount taking the goto', {
  timeout: 600_000,
}, async () => {
  const { code, stdout, stderr } = await runBench('bench/alerts/run.mjs', ['--devices', 'indi', '--quick']);
  assert.equal(code, 0, `exit code ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
  assert.match(stdout, /\| pyros-ts, one host \(loopback\), INDI simulators +\| +\d+ \| +\d+ \|/);
  const [r] = JSON.parse(readFileSync(join(ROOT, 'bench/alerts/results-indi-quick.json'), 'utf8')) as Array<{
    alerts: number;
    preempting: number;
    latencies: number[];
  }>;
  assert.equal(r?.alerts, 3);
  assert.equal(r?.preempting, 3);
  assert.ok(r?.latencies.every((ms) => ms > 0));
});
