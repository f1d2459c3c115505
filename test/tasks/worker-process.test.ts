// `pyros worker` and `pyros tasks` as processes (the built CLI), sharing one SQLite broker file.
process.env.PYROS_LOG_LEVEL ??= 'silent';

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Agent } from '../../src/agent/agent.js';
import { SqliteBroker } from '../../src/tasks/brokers/sqlite-broker.js';
import type { Task } from '../../src/tasks/define-task.js';
import type { TaskRecord } from '../../src/tasks/task-record.js';
import { freePorts, tempDir, writeConfig } from '../helpers.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const TASKS = fileURLToPath(new URL('../fixtures/tasks/tasks.mjs', import.meta.url));
// The fixture's tasks, defined through dist/ as in the worker processes (this process only enqueues them).
const pkg = (await import(TASKS)) as { whoami: Task<[number], number>; tell: Task<[string, string], string> };

function worker(url: string, args: string[] = [], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [BIN, 'worker', '--tasks', TASKS, '--broker', url, ...args], {
    env: { ...process.env, PYROS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves once the worker has started taking tasks (its "takes tasks from" log line). */
function ready(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('takes tasks from')) {
        c.stdout?.off('data', onData);
        resolve();
      }
    };
    c.stdout?.on('data', onData);
  });
}

const exited = (c: ChildProcess) => new Promise<number | null>((r) => c.on('exit', (code) => r(code)));

async function until<T>(fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function newBroker() {
  const path = join(tempDir('pyros-worker-'), 'tasks.db');
  return { url: `sqlite:${path}`, broker: SqliteBroker.open(path) };
}

async function finalState(broker: SqliteBroker, id: string): Promise<TaskRecord> {
  return until(async () => {
    const r = await broker.get(id);
    return r && ['SUCCESS', 'FAILURE', 'REVOKED', 'EXPIRED'].includes(r.state) ? r : undefined;
  });
}

describe('worker processes', { timeout: 60_000 }, () => {
  test('a worker killed with SIGKILL mid-task: another worker runs the task again after the lock timeout', async () => {
    const { url, broker } = newBroker();
    const r = await pkg.whoami.applyAsync([1500], { broker });
    const first = worker(url, ['--lock', '400']);
    await until(async () => ((await broker.get(r.id))?.state === 'STARTED' ? true : undefined));
    first.kill('SIGKILL');
    await exited(first);
    const second = worker(url, ['--lock', '400']);
    const rec = await finalState(broker, r.id);
    second.kill('SIGTERM');
    assert.equal(await exited(second), 0);
    assert.equal(rec.state, 'SUCCESS');
    assert.equal(rec.result, second.pid, 'the second worker ran it');
    assert.equal(rec.attempt, 2);
    await broker.close();
  });

  test('SIGTERM lets running tasks finish, then the worker exits 0', async () => {
    const { url, broker } = newBroker();
    const w = worker(url);
    const r = await pkg.whoami.applyAsync([600], { broker });
    await until(async () => ((await broker.get(r.id))?.state === 'STARTED' ? true : undefined));
    w.kill('SIGTERM');
    assert.equal(await exited(w), 0);
    const rec = await broker.get(r.id);
    assert.equal(rec?.state, 'SUCCESS');
    assert.equal(rec?.result, w.pid);
    await broker.close();
  });

  test('three workers share a broker: 300 tasks, each run exactly once, spread over the workers', async () => {
    const { url, broker } = newBroker();
    const workers = [
      worker(url, [], { PYROS_LOG_LEVEL: 'info' }),
      worker(url, [], { PYROS_LOG_LEVEL: 'info' }),
      worker(url, [], { PYROS_LOG_LEVEL: 'info' }),
    ];
    // All three take tasks before any is enqueued, so that the work can spread.
    await Promise.all(workers.map(ready));
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => pkg.whoami.applyAsync([i % 3], { broker })),
    );
    const pids = await Promise.all(results.map((r) => r.get({ timeout: 30_000 })));
    for (const w of workers) w.kill('SIGTERM');
    assert.deepEqual(await Promise.all(workers.map(exited)), [0, 0, 0]);
    const byPid = new Map<unknown, number>();
    for (const p of pids) byPid.set(p, (byPid.get(p) ?? 0) + 1);
    assert.ok([...byPid.keys()].every((p) => workers.some((w) => w.pid === p)));
    assert.ok(byPid.size >= 2, `work spread over ${byPid.size} worker(s)`);
    const all = await broker.list({ limit: 1000 });
    assert.equal(all.length, 300);
    assert.ok(
      all.every((t) => t.state === 'SUCCESS' && t.attempt === 1),
      'no task ran twice',
    );
    await broker.close();
  });

  test('periodic tasks fire once per period however many workers run', async () => {
    const { url, broker } = newBroker();
    const env = { PYROS_TEST_PERIODIC: '0.25', PYROS_LOG_LEVEL: 'info' };
    const workers = [worker(url, [], env), worker(url, [], env), worker(url, [], env)];
    // Counted over 2 s once all three run: start-up time on a loaded machine is not the beat's.
    await Promise.all(workers.map(ready));
    const from = Date.now();
    await new Promise((r) => setTimeout(r, 2000));
    const until = Date.now() - 500; // the last periods' tasks may still be on their way
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map(exited));
    const all = (await broker.list({ name: 'tick', limit: 1000 })).filter((t) => t.state === 'SUCCESS');
    const periods = new Set(all.map((t) => t.id));
    assert.equal(periods.size, all.length, 'one task per period');
    const ticks = all.filter((t) => t.eta >= from && t.eta < until);
    // 1.5 s at one period per 0.25 s: 6 periods, one either side for where the window falls.
    assert.ok(ticks.length >= 5 && ticks.length <= 7, `${ticks.length} ticks due in 1.5 s at 0.25 s`);
    await broker.close();
  });

  test('a task sends an agent message with Sender', async () => {
    const { url, broker } = newBroker();
    const [port] = await freePorts(1);
    const config = writeConfig({ listener: { port: port as number } });
    process.env.PYROS_AGENT_CONFIG = config;
    const told: unknown[] = [];
    class Listener extends Agent {
      constructor() {
        super('listener', { handleSignals: false });
        this.actionsByMessage.Told = (p: unknown) => {
          told.push(p);
        };
      }
    }
    const agent = new Listener();
    await agent.start();
    const w = worker(url, ['--config', config]);
    const res = await pkg.tell.applyAsync(['listener', 'image ready'], { broker });
    assert.equal(await res.get({ timeout: 10_000 }), 'told');
    assert.deepEqual(told, [{ text: 'image ready', pid: w.pid }]);
    w.kill('SIGTERM');
    await exited(w);
    agent.requestShutdown();
    await agent.stopped;
    await broker.close();
  });

  test('pyros tasks list, inspect, revoke and purge', async () => {
    const { url, broker } = newBroker();
    const later = await pkg.whoami.applyAsync([0], { broker, countdown: 3600 });
    const other = await pkg.whoami.applyAsync([0], { broker, countdown: 3600 });
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, 'tasks', ...args, '--broker', url], { encoding: 'utf8' });
    const list = run('list', '--json');
    assert.equal(list.status, 0, list.stderr);
    assert.deepEqual(
      (JSON.parse(list.stdout) as TaskRecord[]).map((t) => t.state),
      ['SCHEDULED', 'SCHEDULED'],
    );
    const table = run('list');
    assert.match(table.stdout, /^ID\s+NAME\s+STATE/);
    assert.match(table.stdout, new RegExp(`${later.id}\\s+whoami\\s+SCHEDULED`));
    const inspect = run('inspect', later.id, '--json');
    assert.equal((JSON.parse(inspect.stdout) as TaskRecord).name, 'whoami');
    const readable = run('inspect', later.id).stdout;
    assert.match(readable, /^id\s+\S+$/m);
    assert.match(readable, /^state\s+SCHEDULED$/m);
    assert.match(readable, /^eta\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/m);
    assert.match(run('revoke', later.id).stdout, new RegExp(`${later.id}: REVOKED`));
    assert.deepEqual(JSON.parse(run('purge', '--json').stdout), { purged: 1 });
    assert.equal(await broker.get(other.id), undefined);
    const missing = run('inspect', 'no-such-id');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^pyros: no task no-such-id\n$/);
    const badState = run('list', '--state', 'SLEEPING');
    assert.equal(badState.status, 2, 'a bad flag value is a usage mistake');
    assert.match(
      badState.stderr,
      /^pyros tasks list: --state: "SLEEPING" is not one of .* \(see pyros tasks list --help\)\n$/,
    );
    const badUrl = spawnSync(process.execPath, [BIN, 'tasks', 'list', '--broker', 'mysql://x'], {
      encoding: 'utf8',
    });
    assert.equal(badUrl.status, 1);
    assert.match(badUrl.stderr, /^pyros: bad broker URL "mysql:\/\/x"/);
    await broker.close();
  });
});
