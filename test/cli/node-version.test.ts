import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { MIN_NODE, nodeVersionProblem } from '../../src/cli/node-version.js';

test('Node 20 and 22 before 22.12 are refused in one line; 22.12+, 24 and later run', () => {
  for (const old of ['20.20.2', '18.0.0', '22.11.9', '21.7.3']) {
    const problem = nodeVersionProblem(old);
    assert.ok(problem !== undefined, `${old} refused`);
    assert.match(
      problem,
      new RegExp(`^Node.js ${old.replaceAll('.', '\\.')} is not supported: install Node.js 24`),
    );
    assert.ok(!problem.includes('\n'));
  }
  for (const ok of ['22.12.0', '22.23.5', '24.22.3', '26.10.0', process.versions.node]) {
    assert.equal(nodeVersionProblem(ok), undefined, ok);
  }
});

test("package.json's engines and .npmrc's engine-strict say the same minimum", () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    engines: { node: string };
  };
  assert.equal(pkg.engines.node, `>=${MIN_NODE}`);
  const npmrc = readFileSync(new URL('../../.npmrc', import.meta.url), 'utf8');
  assert.match(npmrc, /^engine-strict=true$/m);
});
