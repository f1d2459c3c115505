import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  AgentConfig,
  CONFIG_ENV,
  CONFIG_FILE_NAME,
  ConfigError,
  clearAgentConfigCache,
  loadAgentConfig,
  requireAgents,
  resolveConfigPath,
  SECRET_ENV,
  UnknownAgentError,
} from '../../src/config/index.js';
import { assertConfigError, inDir, removeTempDirs, setEnv, tempDir, withEnv, writeTemp } from './helpers.js';

after(removeTempDirs);

const NO_ENV = { [CONFIG_ENV]: undefined, [SECRET_ENV]: undefined };
const AGENTS = fileURLToPath(new URL('../fixtures/config/agents.ini', import.meta.url));
const TWO = '[alpha]\nip = 127.0.0.1\nreceive_port = 5001\n[beta]\nip = ::1\nreceive_port = 5002\n';

/** A temp folder with its real path, as process.cwd() reports it (macOS /tmp is a symlink). */
function realTempDir(): string {
  return realpathSync(tempDir());
}

describe('AgentConfig', () => {
  test('loads the fixture: agents in file order, DEFAULT inherited', () => {
    const config = withEnv(NO_ENV, () => AgentConfig.load(AGENTS));
    assert.equal(config.file, AGENTS);
    assert.deepEqual(config.names(), ['scheduler', 'env_monitor', 'ping']);
    assert.deepEqual(config.endpoint('scheduler'), {
      name: 'scheduler',
      ip: '127.0.0.1',
      receivePort: 5001,
      protocol: 'framed',
      allowedHosts: [],
      module: './apps/scheduler.js',
      autostart: true,
      maxMessageBytes: 65536,
      concurrency: 1,
    });
    assert.deepEqual(config.endpoint('env_monitor'), {
      name: 'env_monitor',
      ip: '::1',
      receivePort: 5002,
      protocol: 'text',
      secret: 's3cret',
      allowedHosts: ['127.0.0.1', '10.0.0.2', '::1'],
      autostart: false,
      maxMessageBytes: 65536,
      concurrency: 4,
    });
    const ping = config.endpoint('ping');
    assert.equal(ping.app, 'example_ping');
    assert.deepEqual(ping.allowedHosts, ['192.168.1.10', '192.168.1.11']);
    assert.equal(ping.maxMessageBytes, 1024);
    assert.equal(config.has('ping'), true);
    assert.equal(config.has('PING'), false);
  });

  test('PYROS_SECRET is the secret of agents without a secret key', () => {
    const config = withEnv({ ...NO_ENV, [SECRET_ENV]: 'from-env' }, () => AgentConfig.load(AGENTS));
    assert.equal(config.endpoint('scheduler').secret, 'from-env');
    assert.equal(config.endpoint('ping').secret, 'from-env');
    assert.equal(config.endpoint('env_monitor').secret, 's3cret');
    const empty = withEnv({ ...NO_ENV, [SECRET_ENV]: '' }, () => AgentConfig.load(AGENTS));
    assert.equal(empty.endpoint('scheduler').secret, undefined);
  });

  test('parse makes the file absolute', () => {
    const config = withEnv(NO_ENV, () => AgentConfig.parse(TWO, 'rel/x.ini'));
    assert.equal(config.file, resolve('rel/x.ini'));
  });

  test('an empty file or one with only DEFAULT has zero agents', () => {
    for (const text of ['', '# only a comment\n', '[DEFAULT]\nip = ::1\n']) {
      const config = AgentConfig.parse(text, '/x/pyros_agent_config.ini');
      assert.deepEqual(config.names(), []);
      assert.throws(() => config.endpoint('foo'), UnknownAgentError);
    }
  });

  test('a bad DEFAULT value is an error even without agents', () => {
    assertConfigError(() => AgentConfig.parse('[DEFAULT]\nreceive_port = x\n', '/x/a.ini'), {
      file: '/x/a.ini',
      section: 'DEFAULT',
      key: 'receive_port',
      line: 2,
    });
  });

  test('unknown agent: message, code and fields', () => {
    const config = AgentConfig.parse(TWO, '/path/pyros_agent_config.ini');
    assert.throws(
      () => config.endpoint('foo'),
      (error: unknown) => {
        assert.ok(error instanceof UnknownAgentError);
        assert.equal(error.code, 'UNKNOWN_AGENT');
        assert.equal(error.agent, 'foo');
        assert.equal(error.file, '/path/pyros_agent_config.ini');
        assert.equal(
          error.message,
          'unknown agent "foo": no section [foo] in /path/pyros_agent_config.ini (known: alpha, beta)',
        );
        return true;
      },
    );
    const none = AgentConfig.parse('', '/p/x.ini');
    assert.throws(() => none.endpoint('a'), {
      message: 'unknown agent "a": no section [a] in /p/x.ini (known: none)',
    });
  });

  test('two agents on one address are an error naming the second; other hosts may reuse the port', () => {
    const text =
      '[DEFAULT]\nip = 127.0.0.1\n[a]\nreceive_port = 5001\n[b]\nip = 10.0.0.2\nreceive_port = 5001\n[c]\nip = localhost\nreceive_port = 5001\n';
    assertConfigError(() => withEnv(NO_ENV, () => AgentConfig.parse(text, '/x/two.ini')), {
      file: '/x/two.ini',
      section: 'c',
      key: 'receive_port',
      line: 10,
      includes: ["5001 on localhost is [a]'s address too"],
    });
    const hosts = withEnv(NO_ENV, () =>
      AgentConfig.parse(text.replace('localhost', '10.0.0.3'), '/x/ok.ini'),
    );
    assert.deepEqual(hosts.names(), ['a', 'b', 'c']);
  });

  test('requireAgents: a config with no agent is an error for the commands that act on agents', () => {
    assertConfigError(() => requireAgents(AgentConfig.parse('[DEFAULT]\nip = ::1\n', '/x/e.ini')), {
      file: '/x/e.ini',
      includes: ['no agent configured'],
    });
    requireAgents(withEnv(NO_ENV, () => AgentConfig.parse(TWO, '/x/two.ini')));
  });

  test('a missing file, a folder and non-UTF-8 bytes give one-line ConfigErrors', () => {
    const dir = tempDir();
    const missing = join(dir, 'nope.ini');
    assertConfigError(() => AgentConfig.load(missing), { file: missing, includes: ['no such file'] });
    assertConfigError(() => AgentConfig.load(dir), { file: dir, includes: ['cannot read'] });
    const latin1 = join(dir, 'latin1.ini');
    writeFileSync(latin1, Buffer.from([0x5b, 0x61, 0x5d, 0x0a, 0x78, 0x20, 0x3d, 0x20, 0xe9, 0x0a]));
    assertConfigError(() => AgentConfig.load(latin1), { file: latin1, includes: ['not valid UTF-8'] });
  });

  test('validation errors from load name the absolute file', () => {
    const path = writeTemp('[scheduler]\nip = 127.0.0.1\nreceive_port = abc\n');
    assertConfigError(() => AgentConfig.load(path), {
      file: path,
      section: 'scheduler',
      key: 'receive_port',
      line: 3,
      includes: ['"abc" is not a port (1-65535)'],
    });
  });

  test('the constructor rejects two endpoints with one name', () => {
    const alpha = AgentConfig.parse(TWO, '/x.ini').endpoint('alpha');
    assert.throws(() => new AgentConfig('/x.ini', [alpha, alpha]), ConfigError);
  });
});

describe('resolveConfigPath', () => {
  test('order: env var, then the cwd file, then the fallback, else an error', () => {
    const cwd = realTempDir();
    const other = realTempDir();
    const inCwd = join(cwd, CONFIG_FILE_NAME);
    writeFileSync(inCwd, TWO);
    inDir(cwd, () => {
      withEnv({ [CONFIG_ENV]: join(other, 'env.ini') }, () => {
        assert.equal(resolveConfigPath('/fallback.ini'), join(other, 'env.ini'));
      });
      withEnv({ [CONFIG_ENV]: '' }, () => {
        assert.equal(resolveConfigPath('/fallback.ini'), inCwd);
      });
      withEnv({ [CONFIG_ENV]: 'relative.ini' }, () => {
        assert.equal(resolveConfigPath(), join(cwd, 'relative.ini'));
      });
    });
    inDir(other, () => {
      withEnv({ [CONFIG_ENV]: undefined }, () => {
        assert.equal(resolveConfigPath('/fallback.ini'), '/fallback.ini');
        assert.equal(resolveConfigPath('fb.ini'), join(other, 'fb.ini'));
        assertConfigError(() => resolveConfigPath(), {
          file: CONFIG_FILE_NAME,
          includes: [CONFIG_ENV, join(other, CONFIG_FILE_NAME), 'fallback'],
        });
        assert.throws(() => resolveConfigPath(''), ConfigError);
      });
    });
  });

  test('a folder named like the config file in cwd is not taken', () => {
    const cwd = realTempDir();
    mkdirSync(join(cwd, CONFIG_FILE_NAME));
    inDir(cwd, () => {
      withEnv({ [CONFIG_ENV]: undefined }, () => assert.equal(resolveConfigPath('/fb.ini'), '/fb.ini'));
    });
  });
});

describe('loadAgentConfig', () => {
  beforeEach(clearAgentConfigCache);

  test('caches per path and reloads when the file changes', async () => {
    const path = writeTemp(TWO);
    const restore = setEnv({ ...NO_ENV, [CONFIG_ENV]: path });
    try {
      const first = loadAgentConfig();
      assert.deepEqual(first.names(), ['alpha', 'beta']);
      assert.equal(loadAgentConfig(), first, 'same object while the file is unchanged');

      writeFileSync(path, `${TWO}[gamma]\nip = ::1\nreceive_port = 5003\n`);
      const later = new Date(statSync(path).mtimeMs + 10_000);
      utimesSync(path, later, later);
      // Within the recheck window the cached config is still used.
      assert.equal(loadAgentConfig(), first);

      await new Promise((done) => setTimeout(done, 1100));
      const second = loadAgentConfig();
      assert.notEqual(second, first);
      assert.deepEqual(second.names(), ['alpha', 'beta', 'gamma']);

      await new Promise((done) => setTimeout(done, 1100));
      assert.equal(loadAgentConfig(), second, 'unchanged file after the window: same object');
    } finally {
      restore();
    }
  });

  test('clearAgentConfigCache forces a fresh look; same mtime and size keep the cache', () => {
    const path = writeTemp(TWO);
    withEnv({ ...NO_ENV, [CONFIG_ENV]: path }, () => {
      const first = loadAgentConfig();
      clearAgentConfigCache();
      const second = loadAgentConfig();
      assert.notEqual(second, first);
      assert.deepEqual(second.names(), first.names());

      writeFileSync(path, TWO.replace('5001', '6001'));
      const later = new Date(statSync(path).mtimeMs + 10_000);
      utimesSync(path, later, later);
      clearAgentConfigCache();
      assert.equal(loadAgentConfig().endpoint('alpha').receivePort, 6001);
    });
  });

  test('a changed PYROS_SECRET is seen at once', () => {
    const path = writeTemp(TWO);
    withEnv({ ...NO_ENV, [CONFIG_ENV]: path }, () => {
      assert.equal(loadAgentConfig().endpoint('alpha').secret, undefined);
      withEnv({ [SECRET_ENV]: 'k' }, () => assert.equal(loadAgentConfig().endpoint('alpha').secret, 'k'));
    });
  });

  test('uses the fallback and a changed env var at once; errors are not cached', () => {
    const good = writeTemp(TWO);
    const bad = writeTemp('[a]\nip = nope\nreceive_port = 1\n');
    withEnv(NO_ENV, () => {
      inDir(realTempDir(), () => {
        assert.deepEqual(loadAgentConfig(good).names(), ['alpha', 'beta']);
        withEnv({ [CONFIG_ENV]: bad }, () => {
          assert.throws(() => loadAgentConfig(good), ConfigError);
          writeFileSync(bad, '[fixed]\nip = ::1\nreceive_port = 1\n');
          assert.deepEqual(loadAgentConfig(good).names(), ['fixed']);
        });
        assertConfigError(() => loadAgentConfig(), {
          file: CONFIG_FILE_NAME,
          includes: ['no config file found'],
        });
      });
    });
  });
});
