import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../../helpers.js';

const ROOT = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const BIN = join(ROOT, 'dist', 'cli', 'main.js');

describe('the shipped configuration (what npm start runs)', { timeout: 60_000 }, () => {
  const dir = tempDir('pyros-shipped-');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts the six observatory agents and the dashboard on a simulated night, plans, observes, and stops on SIGTERM', async () => {
    // A copy, so that its data folder (../pyros-data from observatory/) is the temp folder's.
    cpSync(join(ROOT, 'pyros_agent_config.ini'), join(dir, 'pyros_agent_config.ini'));
    cpSync(join(ROOT, 'observatory'), join(dir, 'observatory'), { recursive: true });
    const host = spawn(process.execPath, [BIN, 'start', '--sim-start', 'tonight', '--speed', '600'], {
      cwd: dir,
      env: { ...process.env, PYROS_LOG_LEVEL: 'info', PYROS_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    host.stdout.setEncoding('utf8').on('data', (d: string) => {
      log += d;
    });
    host.stderr.setEncoding('utf8').on('data', (d: string) => {
      log += d;
    });
    const exited = new Promise<number | null>((r) => host.once('exit', (code) => r(code)));
    try {
      await until(
        () => /observation \d+ of .* finished/.test(log),
        30_000,
        () => log,
      );
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
    } finally {
      host.kill('SIGTERM');
    }
    assert.equal(await exited, 0, log.slice(-2000));
  });
});

async function until(check: () => boolean, ms: number, what: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out; log tail:\n${what().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
