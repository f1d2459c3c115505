// Which broker task calls and `pyros worker` use: --broker, configureTasks, $PYROS_BROKER, the config file, the default.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { AgentConfig } from '../../src/config/agent-config.js';
import type { ConfigError } from '../../src/config/config-error.js';
import { DEFAULT_BROKER_URL } from '../../src/tasks/brokers/broker-url.js';
import { brokerUrl, configureTasks } from '../../src/tasks/tasks-runtime.js';
import { tempDir, writeConfig } from '../helpers.js';

const saved = {
  config: process.env.PYROS_AGENT_CONFIG,
  broker: process.env.PYROS_BROKER,
  cwd: process.cwd(),
};
afterEach(() => {
  process.env.PYROS_AGENT_CONFIG = saved.config ?? '';
  process.env.PYROS_BROKER = saved.broker ?? '';
  process.chdir(saved.cwd);
});

describe('broker choice', () => {
  test('the [DEFAULT] broker key of the config file; a sqlite path is beside the file', () => {
    const dir = tempDir();
    const file = writeConfig({ a: { port: 9001 } }, '[DEFAULT]\nbroker = sqlite:./night/tasks.db\n\n', dir);
    assert.equal(AgentConfig.load(file).broker, `sqlite:${join(dir, 'night/tasks.db')}`);
    process.env.PYROS_AGENT_CONFIG = file;
    process.env.PYROS_BROKER = '';
    assert.equal(brokerUrl(), `sqlite:${join(dir, 'night/tasks.db')}`);
  });

  test('order: --broker, then $PYROS_BROKER, then the config file, then the embedded default', () => {
    const file = writeConfig({ a: { port: 9001 } }, '[DEFAULT]\nbroker = redis://127.0.0.1:6390/2\n\n');
    process.env.PYROS_AGENT_CONFIG = file;
    process.env.PYROS_BROKER = 'sqlite:/tmp/from-env.db';
    assert.equal(brokerUrl('sqlite:/tmp/explicit.db'), 'sqlite:/tmp/explicit.db');
    assert.equal(brokerUrl(), 'sqlite:/tmp/from-env.db');
    process.env.PYROS_BROKER = '';
    assert.equal(brokerUrl(), 'redis://127.0.0.1:6390/2');
    process.env.PYROS_AGENT_CONFIG = '';
    process.chdir(tempDir());
    assert.equal(brokerUrl(), DEFAULT_BROKER_URL);
    configureTasks({ broker: 'sqlite:/tmp/configured.db' });
    assert.equal(brokerUrl(), 'sqlite:/tmp/configured.db');
  });

  test('a bad broker key is one line naming file, section and key', () => {
    const file = writeConfig({ a: { port: 9001, broker: 'mysql://x' } });
    assert.throws(
      () => AgentConfig.load(file),
      (err: ConfigError) =>
        /\[a\] broker: "mysql:\/\/x" is not sqlite:PATH or redis:\/\/HOST:PORT\/DB/.test(err.message),
    );
  });
});
