import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers.js';

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const BIN = join(ROOT, 'dist', 'cli', 'main.js');

describe('pyros start --sim-start / --speed: bad input', () => {
  const dir = tempDir('pyros-start-sim-');
  after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(ROOT, 'pyros_agent_config.ini'), join(dir, 'pyros_agent_config.ini'));
  cpSync(join(ROOT, 'observatory'), join(dir, 'observatory'), { recursive: true });

  const start = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, 'start', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PYROS_AGENT_CONFIG: '' },
      timeout: 20_000,
    });

  it('refuses each mistake in one line, starting nothing: exit 2 for a flag given wrongly, 1 for the rest', () => {
    const hint = ' \\(see pyros start --help\\)$';
    for (const [args, code, message] of [
      [['--speed', '10'], 2, `^pyros start: --speed needs --sim-start${hint}`],
      [
        ['--sim-start', 'yesterday'],
        2,
        `^pyros start: --sim-start: expected an ISO time or ms since the epoch, got "yesterday"${hint}`,
      ],
      [
        ['--sim-start', '2026-11-29T18:00:00Z', '--speed', '0'],
        2,
        `^pyros start: --speed: "0" is not a number > 0${hint}`,
      ],
      [['--sim-anchor', '2026-12-01T21:00:00Z'], 2, `^pyros start: --sim-anchor needs --sim-start${hint}`],
      [
        ['--sim-start', '2026-11-29T18:00:00Z', '--sim-anchor', 'noon'],
        2,
        `^pyros start: --sim-anchor: expected an ISO time or ms since the epoch, got "noon"${hint}`,
      ],
      [['--data-dir', ' '], 2, `^pyros start: --data-dir: empty${hint}`],
      // The INDI observatory: hardware runs in real time (checked before anything connects).
      [
        [
          '--observatory',
          'observatory/observatory-indi.ini',
          '--sim-start',
          '2026-11-29T18:00:00Z',
          '--speed',
          '60',
        ],
        1,
        '^pyros: .*observatory-indi\\.ini: \\[telescope\\] driver: "indi://127\\.0\\.0\\.1:7624/Telescope Simulator" is real hardware, which runs in real time: a simulated clock at 60x cannot drive it',
      ],
      [
        ['--observatory', 'observatory/nowhere.ini'],
        1,
        '^pyros: .*nowhere\\.ini: cannot read the observatory settings',
      ],
      [
        ['--sim-start', 'resume'],
        1,
        '^pyros: --sim-start resume: no simulated run recorded in .*sim-session\\.json$',
      ],
    ] as const) {
      const run = start(...args);
      assert.equal(run.status, code, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr.trim(), new RegExp(message));
      assert.equal(run.stderr.trim().split('\n').length, 1);
    }
  });
});
