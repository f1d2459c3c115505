// The `pyros` binary as a user runs it: the built dist/cli/main.js in child processes (npm test builds first).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RETRY, retryWording } from '../../src/sender/link-policy.js';
import { freePorts, sleep, tempDir, writeConfig } from '../helpers.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const SHIPPED = fileURLToPath(new URL('../../observatory/', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../dist/host/apps/', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function pyros(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, PYROS_AGENT_CONFIG: '', PYROS_LOG_LEVEL: 'warn', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
  });
}

function startHost(config: string): {
  child: ChildProcess;
  exited: Promise<number | null>;
  log: () => string;
} {
  const child = spawn(process.execPath, [BIN, 'start', '--config', config], {
    env: { ...process.env, PYROS_AGENT_CONFIG: '', PYROS_LOG_FORMAT: 'json' },
  });
  let log = '';
  child.stdout?.on('data', (d) => {
    log += d;
  });
  child.stderr?.on('data', (d) => {
    log += d;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, log: () => log };
}

async function until(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(100);
  }
}

async function exampleConfig(): Promise<string> {
  const [a, b] = await freePorts(2);
  return writeConfig({
    example_ping: { port: a as number, module: `${EXAMPLES}example-ping.js` },
    example_pong: { port: b as number, module: `${EXAMPLES}example-pong.js` },
  });
}

describe('pyros CLI', () => {
  test('the binary is built', () => {
    assert.ok(existsSync(BIN), `${BIN} is missing: run npm run build`);
  });

  test('--help on every command', async () => {
    for (const args of [['--help'], ['start', '--help'], ['send', '--help'], ['status', '--help']]) {
      const r = await pyros(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /Usage: pyros/);
      assert.match(r.stdout, /--config|--help/);
    }
  });

  test('start, status, send, and SHUTDOWN to every agent ends the host with exit 0', async () => {
    const config = await exampleConfig();
    const host = startHost(config);
    await until(async () => (await pyros(['status', '--config', config])).code === 0);

    const status = await pyros(['status', '--config', config, '--json']);
    const rows = JSON.parse(status.stdout) as Array<{
      agent: string;
      up: boolean;
      status: { handled: number };
    }>;
    assert.deepEqual(rows.map((r) => [r.agent, r.up]).sort(), [
      ['example_ping', true],
      ['example_pong', true],
    ]);

    const sent = await pyros([
      'send',
      'example_pong',
      'Ping',
      '--payload',
      '{"n":7}',
      '--request',
      '--config',
      config,
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    assert.deepEqual(JSON.parse(sent.stdout), { pong: 7, from: 'pyros-cli' });

    const table = await pyros(['status', '--config', config]);
    assert.match(table.stdout, /^AGENT\s+ADDRESS\s+PROTOCOL\s+STATE/);
    assert.match(table.stdout, /example_pong\s+127\.0\.0\.1:\d+\s+framed\s+up/);

    assert.equal((await pyros(['send', 'example_ping', 'SHUTDOWN', '--config', config])).code, 0);
    const half = await pyros(['status', '--config', config]);
    assert.equal(half.code, 1, 'status exits 1 when an agent is down');
    assert.match(
      half.stdout,
      new RegExp(
        `example_ping\\s+\\S+\\s+framed\\s+down \\(.*ECONNREFUSED \\(${retryWording(DEFAULT_RETRY)}\\)\\)`,
      ),
    );
    assert.equal((await pyros(['send', 'example_pong', 'SHUTDOWN', '--config', config])).code, 0);
    assert.equal(await host.exited, 0);
    assert.match(host.log(), /every agent has stopped/);
  });

  test('SIGTERM stops the host gracefully with exit 0', async () => {
    const config = await exampleConfig();
    const host = startHost(config);
    await until(async () => (await pyros(['status', '--config', config])).code === 0);
    host.child.kill('SIGTERM');
    assert.equal(await host.exited, 0);
    assert.match(host.log(), /SIGTERM: sending SHUTDOWN/);
  });

  test('send fails with one line and exit 1: unknown agent, unreachable agent, bad payload, bad config', async () => {
    const [port] = await freePorts(1);
    const config = writeConfig({ nobody_home: { port: port as number } });

    const unknown = await pyros(['send', 'ghost', 'Hi', '--config', config]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^pyros: unknown agent "ghost": no section \[ghost\] in .*\n$/);

    const down = await pyros(['send', 'nobody_home', 'Hi', '--config', config, '--timeout', '3000']);
    assert.equal(down.code, 1);
    assert.match(
      down.stderr,
      new RegExp(`^pyros: nobody_home ← "Hi": .*ECONNREFUSED.*\\(${retryWording(DEFAULT_RETRY)}\\)\\n$`),
    );
    // Within its timeout, once the process has started (measured, as a loaded machine starts it slowly).
    const startup = (await pyros(['--version'])).ms;
    assert.ok(down.ms < 3000 + 2 * startup + 500, `gave up after ${down.ms} ms (startup ${startup} ms)`);

    const payload = await pyros(['send', 'nobody_home', 'Hi', '--payload', '{oops', '--config', config]);
    assert.equal(payload.code, 2, 'a bad flag value is a usage mistake');
    assert.match(payload.stderr, /^pyros send: --payload is not JSON: .* \(see pyros send --help\)\n$/);

    const missing = await pyros(['status', '--config', '/nonexistent/pyros_agent_config.ini']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim().split('\n').length, 1);
    assert.match(missing.stderr, /\/nonexistent\/pyros_agent_config\.ini/);

    const badTimeout = await pyros(['send', 'nobody_home', 'Hi', '--timeout', 'soon', '--config', config]);
    assert.equal(badTimeout.code, 2);
    assert.match(badTimeout.stderr, /^pyros send: --timeout: "soon" .*\(see pyros send --help\)\n$/);
  });

  test('start with a config error says file, section and key in one line', async () => {
    const [port] = await freePorts(1);
    const config = writeConfig({ x: { port: port as number, colour: 'blue' } });
    const r = await pyros(['start', '--config', config]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^pyros: .*pyros_agent_config\.ini.*\[x\] colour: .*\n$/);
  });

  test('an empty config is an error for start and status; two agents on one port are caught before any binds', async () => {
    const dir = tempDir();
    const empty = join(dir, 'empty.ini');
    writeFileSync(empty, '[DEFAULT]\nip = 127.0.0.1\n');
    for (const command of ['status', 'start']) {
      const r = await pyros([command, '--config', empty]);
      assert.equal(r.code, 1, command);
      assert.match(r.stderr, /^pyros: .*empty\.ini: no agent configured: .*\n$/, command);
    }
    const [port] = await freePorts(1);
    const twice = join(dir, 'twice.ini');
    writeFileSync(
      twice,
      `[DEFAULT]\nip = 127.0.0.1\n\n[example_ping]\nreceive_port = ${port}\n\n[example_pong]\nip = localhost\nreceive_port = ${port}\n`,
    );
    const r = await pyros(['start', '--config', twice]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(
        `^pyros: .*twice\\.ini:9: \\[example_pong\\] receive_port: ${port} on localhost is \\[example_ping\\]'s address too: two agents cannot listen on one port\\n$`,
      ),
    );
  });

  test('start reads the observatory files first: a missing weather scenario is one line and exit 1, no agent started', async () => {
    const dir = tempDir();
    const ports = await freePorts(2);
    const config = join(dir, 'pyros_agent_config.ini');
    writeFileSync(
      config,
      `[DEFAULT]\nip = 127.0.0.1\nobservatory = observatory.ini\n\n[monitoring]\nreceive_port = ${ports[0]}\n\n[observation_manager]\nreceive_port = ${ports[1]}\n`,
    );
    writeFileSync(
      join(dir, 'observatory.ini'),
      `[observatory]\nsite_file = ${join(SHIPPED, 'site.ini')}\nweather = nowhere.json\n`,
    );
    const r = await pyros(['start', '--config', config], { PYROS_LOG_LEVEL: 'info' });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^pyros: .*observatory\.ini: \[observatory\] weather: weather scenario .*nowhere\.json: ENOENT.*\n$/,
    );
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.doesNotMatch(r.stdout, /starting/, 'no agent was started');

    // GCN Kafka without credentials: said before any agent starts, never the secret's value.
    writeFileSync(
      join(dir, 'observatory.ini'),
      `[observatory]\nsite_file = ${join(SHIPPED, 'site.ini')}\n\n[alert_manager]\nsources = gcn-kafka:\n`,
    );
    const noCredentials = await pyros(['start', '--config', config], {
      GCN_CLIENT_ID: '',
      GCN_CLIENT_SECRET: '',
    });
    assert.equal(noCredentials.code, 1);
    assert.match(
      noCredentials.stderr,
      /^pyros: .*observatory\.ini: \[alert_manager\] sources: GCN credentials: .*\n$/,
    );
    const halfSet = await pyros(['start', '--config', config], {
      GCN_CLIENT_ID: 'abc',
      GCN_CLIENT_SECRET: '',
    });
    assert.match(halfSet.stderr, /\$GCN_CLIENT_ID is set but \$GCN_CLIENT_SECRET is not/);

    writeFileSync(
      join(dir, 'observatory.ini'),
      `[observatory]\nsite_file = ${join(SHIPPED, 'site.ini')}\n\n[dashboard]\nport = ${ports[1]}\n`,
    );
    const clash = await pyros(['start', '--config', config]);
    assert.equal(clash.code, 1);
    assert.match(
      clash.stderr,
      new RegExp(
        `^pyros: .*observatory\\.ini: \\[dashboard\\] port: ${ports[1]} on 127\\.0\\.0\\.1 is agent \\[observation_manager\\]'s receive_port in .*\\n$`,
      ),
    );
  });
});
