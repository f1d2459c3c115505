// `import { Agent, Sender } from 'pyros-ts'` from a user's plain .mjs script, with the package in its node_modules.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePorts, tempDir, writeConfig } from './helpers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A user's project: pyros-ts in its node_modules, a config with one agent, and main.mjs. */
async function userProject(agent: string, main: string): Promise<string> {
  const dir = tempDir('pyros-user-');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'pyros-ts'), 'dir');
  const [port] = await freePorts(1);
  writeConfig({ [agent]: { port: port as number } }, '', dir);
  writeFileSync(join(dir, 'main.mjs'), main);
  return dir;
}

test('a plain .mjs script imports pyros-ts, runs an agent, and exits 0 after SHUTDOWN', async () => {
  const dir = await userProject(
    'greeter',
    `import { Agent, Sender } from 'pyros-ts';
class Greeter extends Agent {
  constructor() {
    super('greeter');
    this.actionsByMessage['Hello'] = this.hello;
  }
  hello(payload) {
    return 'hello ' + payload.name + ' from ' + this.name;
  }
}
await new Greeter().start();
console.log(await Sender.request('greeter', 'Hello', { name: 'user' }));
await Sender.sendTo('greeter', Agent.SHUTDOWN);
`,
  );
  const r = spawnSync(process.execPath, ['main.mjs'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 15_000,
    env: { ...process.env, PYROS_AGENT_CONFIG: '', PYROS_LOG_LEVEL: 'warn' },
  });
  assert.equal(r.stderr, '');
  assert.equal(r.stdout.trim(), 'hello user from greeter');
  assert.equal(r.status, 0, 'the process exits by itself once its agent has stopped');
});

test('SIGTERM to a script agent runs its shutdown() and the process exits 0', async () => {
  const dir = await userProject(
    'sleeper',
    `import { Agent } from 'pyros-ts';
class Sleeper extends Agent {
  constructor() { super('sleeper'); }
  work() { this.every(50, () => {}); console.log('ready'); }
  shutdown() { console.log('shutdown called'); }
}
await new Sleeper().start();
`,
  );
  const child = spawn(process.execPath, ['main.mjs'], {
    cwd: dir,
    env: { ...process.env, PYROS_AGENT_CONFIG: '', PYROS_LOG_LEVEL: 'warn' },
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  while (!out.includes('ready')) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGTERM');
  const code = await new Promise((r) => child.on('exit', r));
  assert.equal(code, 0);
  assert.match(out, /shutdown called/);
});

test('SIGTERM while a handler never returns: the process still exits, with 1, after the grace', async () => {
  const dir = await userProject(
    'stuck',
    `import { Agent, Sender } from 'pyros-ts';
class Stuck extends Agent {
  constructor() { super('stuck', { shutdownGraceMs: 300 }); this.actionsByMessage.Hang = () => new Promise(() => {}); }
}
await new Stuck().start();
await Sender.sendTo('stuck', 'Hang');
console.log('ready');
`,
  );
  const child = spawn(process.execPath, ['main.mjs'], {
    cwd: dir,
    env: { ...process.env, PYROS_AGENT_CONFIG: '', PYROS_LOG_LEVEL: 'error', PYROS_LOG_FORMAT: 'json' },
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  while (!out.includes('ready')) await new Promise((r) => setTimeout(r, 20));
  const t0 = Date.now();
  child.kill('SIGTERM');
  const code = await new Promise((r) => child.on('exit', r));
  assert.equal(code, 1);
  assert.ok(Date.now() - t0 < 3000);
  assert.match(out, /shutdown not finished 300 ms after SIGTERM/);
});

test('the package ships type declarations for its entry point, and its bin', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    exports: { '.': { types: string } };
    bin: { pyros: string };
  };
  assert.ok(existsSync(join(ROOT, pkg.exports['.'].types)), pkg.exports['.'].types);
  assert.ok(existsSync(join(ROOT, pkg.bin.pyros)), pkg.bin.pyros);
  assert.match(readFileSync(join(ROOT, pkg.bin.pyros), 'utf8'), /^#!\/usr\/bin\/env node/);
});
