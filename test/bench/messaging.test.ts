// Smoke test of the messaging benchmark: `node bench/messaging/run.mjs --quick` must finish and report
// every scenario with a positive rate. Not a timed test: the numbers themselves are not checked.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The first words of each scenario's row in the markdown table that run.mjs prints. */
const SCENARIOS = [
  'pyros-ts framed sendTo, pipelined',
  'pyros-ts framed request/reply',
  'pyros-ts text sendTo',
  'text protocol, plain net client',
  'TCP broker.emit',
  'TCP broker.call',
  'raw socket, a write per message',
  'raw socket, 1000 messages per write',
  'raw socket ping-pong',
  'raw socket, a connection per message',
];

function runQuick(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bench/messaging/run.mjs', '--quick'], {
      cwd: root,
      env: { ...process.env, PYROS_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
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
