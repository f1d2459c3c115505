// Sender's retry policy is one constant: the error of an agent down, `pyros send`, `pyros status` and
// the README all say what it does, and it does that.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AgentConfig } from '../../src/config/agent-config.js';
import { DEFAULT_RETRY, retryDelayMs, retryWording } from '../../src/sender/link-policy.js';
import { Sender } from '../../src/sender/sender.js';
import { freePorts, writeConfig } from '../helpers.js';

test('the wording follows the policy', () => {
  assert.equal(retryWording(DEFAULT_RETRY), '6 attempts with backoff, 1.55 s');
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((a) => retryDelayMs(DEFAULT_RETRY, a)),
    [50, 100, 200, 400, 800],
  );
  assert.equal(retryWording({ ...DEFAULT_RETRY, retries: 0 }), '1 attempt');
  // 50 + 100 + 200 + 400 + 800 + 1000 + 1000: the wait stops growing at maxDelayMs.
  assert.equal(retryWording({ ...DEFAULT_RETRY, retries: 7 }), '8 attempts with backoff, 3.55 s');
});

test('an agent down: rejected after the attempts and the wait the wording gives', async () => {
  const [port] = await freePorts(1);
  const config = AgentConfig.load(writeConfig({ nobody: { port: port as number } }));
  Sender.configure({ retry: DEFAULT_RETRY });
  const t0 = performance.now();
  await assert.rejects(
    Sender.sendTo('nobody', 'Hi', undefined, { config, timeout: 10_000 }),
    (err: Error) => {
      assert.match(err.message, /ECONNREFUSED.*\(6 attempts with backoff, 1\.55 s\)$/);
      return true;
    },
  );
  const ms = performance.now() - t0;
  assert.ok(ms >= 1550 && ms < 5000, `${ms} ms`);
  Sender.closeAll();
});

test('the README says the same', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const wording = retryWording(DEFAULT_RETRY);
  assert.ok(readme.includes(`after ${wording}`), `README: UnreachableError after ${wording}`);
  // pyros send's and pyros status's rows of the CLI table.
  assert.equal(readme.split(wording).length - 1 >= 3, true, 'Sender, pyros send and pyros status');
  assert.doesNotMatch(readme, /\d+ attempts? with backoff, (?!1\.55 s)/);
});
