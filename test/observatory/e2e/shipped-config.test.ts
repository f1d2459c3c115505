// What `npm start` runs: the shipped pyros_agent_config.ini and observatory/ on a simulated night,
// twice the same night (the second run goes on with the night instead of idling).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AgentConfig } from '../../../src/config/agent-config.js';
import { Msg } from '../../../src/observatory/messages.js';
import { Sender } from '../../../src/sender/sender.js';
import { tempDir } from '../../helpers.js';

const ROOT = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const BIN = join(ROOT, 'dist', 'cli', 'main.js');

describe('the shipped configuration (what npm start runs)', { timeout: 90_000 }, () => {
  const dir = tempDir('pyros-shipped-');
  after(() => rmSync(dir, { recursive: true, force: true }));
  // A copy, so that its data folder (../pyros-data from observatory/) is the temp folder's.
  cpSync(join(ROOT, 'pyros_agent_config.ini'), join(dir, 'pyros_agent_config.ini'));
  cpSync(join(ROOT, 'observatory'), join(dir, 'observatory'), { recursive: true });
  const config = AgentConfig.load(join(dir, 'pyros_agent_config.ini'));
  /** What the first run observed. */
  let firstRun: Array<{ requestId: string }> = [];

  function start(): { child: ChildProcess; log: () => string; exited: Promise<number | null> } {
    const child = spawn(process.execPath, [BIN, 'start', '--sim-start', 'tonight', '--speed', '600'], {
      cwd: dir,
      env: { ...process.env, PYROS_LOG_LEVEL: 'info', PYROS_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      log += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      log += d;
    });
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    return { child, log: () => log, exited };
  }

  const done = async () =>
    (
      await Sender.request(
        'observation_manager',
        Msg.OBSERVATIONS,
        { limit: 1000 },
        { config, timeout: 2000 },
      )
    ).observations.filter((o) => o.state === 'done');

  async function until<T>(
    check: () => Promise<T | undefined | false>,
    ms: number,
    log: () => string,
  ): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await check().catch(() => undefined);
      if (v !== undefined && v !== false) return v;
      if (Date.now() > end) throw new Error(`timed out; log tail:\n${log().slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('starts the six observatory agents and the dashboard on a simulated night, plans, observes, and stops on SIGTERM', async () => {
    const run = start();
    try {
      await until(async () => (await done()).length >= 1, 30_000, run.log);
      const status = spawnSync(process.execPath, [BIN, 'status', '--json'], { cwd: dir, encoding: 'utf8' });
      assert.equal(status.status, 0, status.stdout + status.stderr);
      const agents = (JSON.parse(status.stdout) as { agent: string }[]).map((a) => a.agent).sort();
      assert.deepEqual(agents, [
        'alert_manager',
        'analyzer',
        'dashboard',
        'majordome',
        'monitoring',
        'observation_manager',
        'scheduler',
      ]);
      firstRun = await done();
    } finally {
      run.child.kill('SIGTERM');
    }
    assert.equal(await run.exited, 0, run.log().slice(-2000));
    Sender.closeAll();
  });

  it('a second npm start the same night goes on with the night, observing what is left', async () => {
    const run = start();
    try {
      const before = new Set(firstRun.map((o) => o.requestId));
      const fresh = await until(
        async () => {
          const now = (await done()).filter((o) => !before.has(o.requestId));
          return now.length > 0 && now;
        },
        30_000,
        run.log,
      );
      assert.ok(fresh.length >= 1, 'a request not observed in the first run is observed in the second');
      assert.match(run.log(), /going on with the simulated night where the last run stopped/);
    } finally {
      run.child.kill('SIGTERM');
    }
    assert.equal(await run.exited, 0, run.log().slice(-2000));
    Sender.closeAll();
  });
});
