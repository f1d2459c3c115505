import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ENGINES, nodeVersionProblem } from '../../src/cli/node-version.js';

test('Node 20, 21, 23, 22 before 22.22 and 24 before 24.6 are refused in one line; the rest run', () => {
  for (const old of ['20.20.2', '18.0.0', '22.12.0', '22.21.9', '21.7.3', '23.11.0', '24.5.0']) {
    const problem = nodeVersionProblem(old);
    assert.ok(problem !== undefined, `${old} refused`);
    assert.match(
      problem,
      new RegExp(`^Node.js ${old.replaceAll('.', '\\.')} is not supported: install Node.js 24\\.6 or later`),
    );
    assert.ok(!problem.includes('\n'));
  }
  for (const ok of ['22.22.0', '22.23.5', '24.6.0', '24.22.3', '26.10.0', process.versions.node]) {
    assert.equal(nodeVersionProblem(ok), undefined, ok);
  }
});

test("package.json's engines and .npmrc's engine-strict say the same", () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    engines: { node: string };
  };
  assert.equal(pkg.engines.node, ENGINES);
  const npmrc = readFileSync(new URL('../../.npmrc', import.meta.url), 'utf8');
  assert.match(npmrc, /^engine-strict=true$/m);
});
