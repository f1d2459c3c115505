// Smoke test of the messaging benchmark: `node bench/messaging/run.mjs --quick` must finish and report
// every scenario with a positive rate. Not a timed test: the numbers themselves are not checked.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { ROOT, runBench } from './run-bench.js';

const root = ROOT;

/** The first words of each scenario's row in the markdown table that run.mjs prints. */
const SCENARIOS = [
  'pyros-ts framed sendTo, pipelined',
  'pyros-ts framed request/reply',
  'pyros-ts framed sendTo, pipelined, secret set',
  'pyros-ts framed request/reply, secret set',
  'pyros-ts text sendTo',
  'text protocol, plain net client',
  'TCP broker.emit',
  'TCP broker.call',
  'raw socket, a write per message',
  'raw socket, 1000 messages per write',
  'raw socket ping-pong',
  'raw TLS 1.3 socket, a write per message',
  'raw TLS 1.3 socket ping-pong',
  'raw socket, a connection per message',
];

function runQuick() {
  return runBench('bench/messaging/run.mjs', ['--quick']);
}

test('bench/messaging/run.mjs --quick reports every scenario', { timeout: 120_000 }, async () => {
  assert.ok(existsSync(`${root}dist/index.js`), 'dist/index.js is missing: run `npm run build` first');
  const { code, stdout, stderr } = await runQuick();
  assert.equal(code, 0, `exit code ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
  const rows = stdout.split('\n').filter((line) => line.startsWith('| '));
  for (const scenario of SCENARIOS) {
    const row = rows.find((line) => line.includes(scenario));
    assert.ok(row, `no row for "${scenario}" in:\n${stdout}`);
    const rate = /\|\s*([\d,]+) (?:msgs|calls)\/s\s*\|/.exec(row)?.[1];
    assert.ok(rate !== undefined, `no rate in row: ${row}`);
    assert.ok(Number(rate.replaceAll(',', '')) > 0, `rate not positive in row: ${row}`);
  }
});
