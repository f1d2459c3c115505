// What `npm ci` reads: every locked package runs on the Node.js releases package.json declares (no
// EBADENGINE), every package with an install script has the word of allowScripts (no install-scripts
// warning), and npm draws no spinner into a log.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ENGINES } from '../src/cli/node-version.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  allowScripts: Record<string, boolean>;
};
const LOCK = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<
    string,
    { engines?: { node?: string } | string[]; hasInstallScript?: boolean; version?: string }
  >;
};
// semver is in the tree already (a dependency of our dependencies); it has no types of its own here.
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(version: string, range: string): boolean;
};
/** The oldest release of each line package.json accepts. */
const FLOORS = ['22.22.0', '24.6.0'];

test('package.json declares the engines the CLI checks', () => {
  assert.equal(PKG.engines.node, ENGINES);
  for (const v of FLOORS) assert.ok(semver.satisfies(v, PKG.engines.node), v);
  assert.ok(!semver.satisfies('20.20.0', PKG.engines.node));
});

test('every package in the lock runs on Node 22.22 and 24.6', () => {
  const checked: string[] = [];
  const refused: string[] = [];
  for (const [path, entry] of Object.entries(LOCK.packages)) {
    const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
    if (path === '' || range === undefined) continue;
    checked.push(path);
    for (const v of FLOORS) {
      if (!semver.satisfies(v, range))
        refused.push(`${path}@${entry.version}: engines.node "${range}" refuses ${v}`);
    }
  }
  assert.ok(checked.length > 20, `only ${checked.length} packages declare engines`);
  assert.deepEqual(refused, []);
});

test('allowScripts decides on every package with an install script, and better-sqlite3 needs none here', () => {
  const withScripts = Object.entries(LOCK.packages)
    .filter(([path, e]) => path !== '' && (e.hasInstallScript || existsSync(join(ROOT, path, 'binding.gyp'))))
    .map(([path]) => path.replace(/^.*node_modules\//, ''));
  assert.ok(withScripts.includes('better-sqlite3'), 'npm runs node-gyp for a binding.gyp');
  for (const name of withScripts) assert.equal(typeof PKG.allowScripts[name], 'boolean', name);
  // Denied, its implicit `node-gyp rebuild` does not run: the N-API prebuild for this platform is what loads.
  assert.equal(PKG.allowScripts['better-sqlite3'], false);
  const prebuild = join(
    ROOT,
    'node_modules/better-sqlite3/prebuilds',
    `${process.platform}-${process.arch}.node`,
  );
  assert.ok(existsSync(prebuild), prebuild);
});

test('npm draws no progress spinner (.npmrc progress=false)', () => {
  const r = spawnSync('npm', ['config', 'get', 'progress'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'false');
});
