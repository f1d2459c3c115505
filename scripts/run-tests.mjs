// Runs every test file under test/ with Node's own test runner, TypeScript loaded by tsx.
//   node scripts/run-tests.mjs               every test
//   node scripts/run-tests.mjs --unit        without the slow whole-system folders (UNIT_SKIPS)
//   node scripts/run-tests.mjs FILE...       just these files
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';

/** Folders of whole-system tests: real hosts on a simulated night, the browser, the benchmarks. */
const UNIT_SKIPS = ['e2e', 'browser', 'hosts', join('test', 'bench')];

function list(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return list(path);
    return path.endsWith('.test.ts') ? [path] : [];
  });
}

const args = process.argv.slice(2);
const unit = args.includes('--unit');
const only = args.filter((a) => a !== '--unit');
const isWholeSystem = (path) => UNIT_SKIPS.some((skip) => `${sep}${path}`.includes(`${sep}${skip}${sep}`));
let files = only.length > 0 ? only : list('test').sort();
if (unit) files = files.filter((path) => !isWholeSystem(path));
// A hung test fails after TEST_TIMEOUT_MS (the slowest takes under 100 s). A file that never
// ends (a failed test left a timer or a socket open) is caught by RUN_TIMEOUT_MS on the whole
// run (about 8 min here), so that one failure cannot hold CI until its own limit. Not
// --test-force-exit: it ends a file's process before its report is written out, and tests went
// missing from the count without a failure.
const TEST_TIMEOUT_MS = 300_000;
const RUN_TIMEOUT_MS = 40 * 60_000;
const child = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=2',
    `--test-timeout=${TEST_TIMEOUT_MS}`,
    ...files,
  ],
  // Its own process group, so that the watchdog stops the test files' processes with it.
  { stdio: 'inherit', detached: true },
);
const watchdog = setTimeout(() => {
  process.stderr.write(
    `run-tests: the run took over ${RUN_TIMEOUT_MS / 60_000} min and was stopped: a test file ` +
      'did not end (the files still running are the last ones reported above without a summary)\n',
  );
  process.kill(-child.pid, 'SIGKILL');
}, RUN_TIMEOUT_MS);
// Ctrl-C or a CI stop reaches the runner only (the tests are in a group of their own): pass it on.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  });
}
child.on('exit', (code, signal) => {
  clearTimeout(watchdog);
  process.exit(code ?? (signal ? 1 : 0));
});
