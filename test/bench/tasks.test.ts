// Smoke test of the tasks benchmark: `node bench/tasks/run.mjs --quick --no-celery` must finish and
// report, for every pyros-ts and BullMQ row, positive rates and no task run before its ETA. Not a
// timed test: the numbers themselves are not checked.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The first cell of each row in the markdown table that run.mjs prints. */
const SYSTEMS = [
  'pyros-ts SQLite broker ',
  'pyros-ts SQLite broker, /dev/shm',
  'pyros-ts Redis broker',
  'BullMQ ',
];

function runQuick(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bench/tasks/run.mjs', '--quick', '--no-celery'], {
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

test('bench/tasks/run.mjs --quick --no-celery reports every system', { timeout: 180_000 }, async () => {
  assert.ok(existsSync(`${root}dist/index.js`), 'dist/index.js is missing: run `npm run build` first');
  const { code, stdout, stderr } = await runQuick();
  assert.equal(code, 0, `exit code ${code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`);
  const rows = stdout
    .split('\n')
    .filter((line) => line.startsWith('| '))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  for (const system of SYSTEMS) {
    const row = rows.find((cells) => `${cells[0]} `.startsWith(system));
    assert.ok(row, `no row for "${system.trim()}" in:\n${stdout}`);
    // system | enqueue /s | end to end 1 | end to end 4 | late p50 | p99 | max | early | notes
    for (const [column, cell] of [
      ['enqueue', row[1]],
      ['end to end, 1 worker', row[2]],
      ['end to end, 4 workers', row[3]],
    ] as const) {
      const rate = Number(cell?.replaceAll(',', ''));
      assert.ok(rate > 0, `${column} rate not positive in row: ${row.join(' | ')}`);
    }
    assert.ok(row[5] !== undefined && row[5] !== '', `no lateness p99 in row: ${row.join(' | ')}`);
    assert.equal(row[7], '0', `tasks ran early in row: ${row.join(' | ')}`);
  }
  const celery = rows.find((cells) => cells[0]?.startsWith('Celery'));
  assert.ok(celery?.[8]?.startsWith('not run'), 'the Celery row should say "not run" with --no-celery');
});
