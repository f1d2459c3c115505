// The CLI beside a running observatory (the built binary, `pyros start` on a simulated night, in a
// temporary folder with free ports): `pyros tasks list` finds the analyzer's broker as `pyros start`
// does, `pyros night` shows the scheduler's live plan (and says so), and every log line carries
// the simulated time.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { NightReport } from '../../src/cli/commands/night.js';
import { PLAN } from '../../src/observatory/contracts/scheduler-messages.js';
import type { TaskRecord } from '../../src/tasks/task-record.js';
import { freePorts, tempDir } from '../helpers.js';
import { ObservatoryHost } from '../observatory/e2e/observatory-host.js';
import { SHIPPED } from '../observatory/observatory-fixture.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

function pyros(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PYROS_AGENT_CONFIG: '', PYROS_BROKER: '', PYROS_LOG_LEVEL: 'warn' },
    timeout: 30_000,
  });
}

const tasksIn = (cwd: string, ...args: string[]): TaskRecord[] => {
  const r = pyros(cwd, 'tasks', 'list', '--json', ...args);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as TaskRecord[];
};

describe('the CLI beside a running observatory', () => {
  let host: ObservatoryHost;
  before(async () => {
    host = await ObservatoryHost.create();
    await host.start('2026-12-01T18:00:00Z', 60);
  });
  after(async () => {
    await host.stop();
    host.dispose();
  });

  test('pyros tasks list reads the analyzer’s tasks.db, from the config’s folder or with --config', async () => {
    // The analyzer enqueues one task per image: wait for one on the broker it reports.
    const broker = join(host.dataDir('analyzer'), 'tasks.db');
    const listed = await host.until(
      () => {
        const list = tasksIn(host.dir);
        return list.length > 0 ? list : undefined;
      },
      60_000,
      'an analysis task listed',
    );
    assert.ok(existsSync(broker), broker);
    assert.ok(
      listed.every((t) => t.name === 'observatory.analyze_image'),
      JSON.stringify(listed.map((t) => t.name)),
    );
    assert.ok(!existsSync(join(host.dir, 'pyros-tasks.db')), 'no empty broker made beside the config');

    const elsewhere = tempDir('pyros-cli-cwd-');
    const ids = (l: TaskRecord[]) => l.map((t) => t.id).filter((id) => listed.some((t) => t.id === id));
    assert.deepEqual(
      ids(tasksIn(elsewhere, '--config', host.config)),
      listed.map((t) => t.id),
    );
    // --data-dir moves the data folder, as for pyros start: no broker there, said in one line
    // (rather than an empty broker made where the observatory never looks).
    const moved = pyros(host.dir, 'tasks', 'list', '--data-dir', elsewhere);
    assert.equal(moved.status, 1);
    assert.match(
      moved.stderr,
      new RegExp(`^pyros: cannot open task database "${elsewhere}/analyzer/tasks\\.db": .*\\n$`),
    );
    // --broker still wins.
    assert.deepEqual(tasksIn(host.dir, '--broker', `sqlite:${broker}`).length > 0, true);
    const inspect = pyros(host.dir, 'tasks', 'inspect', listed[0]?.id ?? '', '--json');
    assert.equal(inspect.status, 0, inspect.stderr);
    assert.equal((JSON.parse(inspect.stdout) as TaskRecord).id, listed[0]?.id);
  });

  test('pyros night shows the scheduler’s live plan, says so, and the night of the simulated clock', async () => {
    const plan = await host.until(
      async () => {
        const p = await host.ask('scheduler', PLAN, undefined);
        return p.blocks.length > 0 ? p : undefined;
      },
      30_000,
      'a plan with blocks',
    );
    const r = pyros(host.dir, 'night', '--json');
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as NightReport;
    assert.equal(report.plan.source, 'scheduler');
    assert.equal(report.date, '2026-12-01', 'the observatory’s night, not the wall clock’s');
    assert.ok((report.plan.version ?? 0) >= plan.version);
    // The live plan's blocks: the same ids as the scheduler's (a replan in between keeps the ids it still plans).
    const live = await host.ask('scheduler', PLAN, undefined);
    const shown = new Set(report.blocks.map((b) => b.id));
    assert.ok(
      live.blocks.some((b) => shown.has(b.id)) || plan.blocks.some((b) => shown.has(b.id)),
      'the blocks shown are the scheduler’s',
    );
    const text = pyros(host.dir, 'night');
    assert.match(text.stdout, /^Plan: live plan from the scheduler \(version \d+, made 2026-12-0[12]T/m);
    // Another night than the observatory's: planned here, and said so.
    const other = JSON.parse(
      pyros(host.dir, 'night', '--json', '--date', '2026-12-10').stdout,
    ) as NightReport;
    assert.equal(other.plan.source, 'routine-requests');
    assert.match(other.plan.note, /live plan is for the night of 2026-12-01: the plan it would make/);
  });

  test('every log line of the host carries the simulated time', () => {
    const lines = host.lines.filter((l) => !l.msg.startsWith('stderr:'));
    assert.ok(lines.length > 10);
    const now = host.simNow();
    for (const l of lines) {
      const sim = (l as unknown as { simTime?: string }).simTime;
      assert.ok(sim !== undefined, `no simTime: ${JSON.stringify(l)}`);
      const t = Date.parse(sim);
      assert.ok(t >= Date.parse('2026-12-01T18:00:00Z') && t <= now, sim);
    }
  });
});

test('pyros night with no observatory running: the plan it would make, said so', async () => {
  const dir = tempDir('pyros-night-down-');
  const [port] = await freePorts(1); // nobody listens there
  const config = join(dir, 'pyros_agent_config.ini');
  writeFileSync(
    config,
    `[DEFAULT]\nip = 127.0.0.1\nobservatory = ${join(SHIPPED, 'observatory.ini')}\n\n[scheduler]\nreceive_port = ${port}\n`,
  );
  const r = pyros(dir, 'night', '--json', '--date', '2026-12-01');
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as NightReport;
  assert.equal(report.plan.source, 'routine-requests');
  assert.equal(report.requestsFile, join(SHIPPED, 'routine-requests.json'), "the observatory's requests");
  assert.match(report.plan.note, /^the observatory is not running: the plan it would make from /);
  assert.ok(report.blocks.length > 0);
  const text = pyros(dir, 'night', '--date', '2026-12-01');
  assert.match(text.stdout, /^Plan: the observatory is not running: the plan it would make from /m);
});
