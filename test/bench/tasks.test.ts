// Smoke test of the tasks benchmark: `node bench/tasks/run.mjs --quick --no-celery` must finish and
// report, for every pyros-ts and BullMQ row, positive rates and no task run before its ETA. Not a
// timed test: the numbers themselves are not checked.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { ROOT, runBench } from './run-bench.js';

const root = ROOT;

/** The first cell of each row in the markdown table that run.mjs prints. */
const SYSTEMS = [
  'pyros-ts SQLite broker ',
  'pyros-ts SQLite broker, /dev/shm',
  'pyros-ts Redis broker',
  'BullMQ ',
];

function runQuick() {
  return runBench('bench/tasks/run.mjs', ['--quick', '--no-celery']);
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
