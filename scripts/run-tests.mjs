// Runs every test file under test/ with Node's own test runner, TypeScript loaded by tsx.
//   node scripts/run-tests.mjs               every test
//   node scripts/run-tests.mjs --unit        without the slow whole-system folders (UNIT_SKIPS)
//   node scripts/run-tests.mjs FILE...       just these files
import { spawnSync } from 'node:child_process';
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
// A hung test fails after TEST_TIMEOUT_MS instead of holding CI until its own limit (the slowest
// test takes under 100 s), and a file whose tests have all ended exits even if a failed test left a
// timer or socket behind: one failure must not turn into a run that never ends.
const TEST_TIMEOUT_MS = 300_000;
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-concurrency=2',
    `--test-timeout=${TEST_TIMEOUT_MS}`,
    '--test-force-exit',
    ...files,
  ],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
