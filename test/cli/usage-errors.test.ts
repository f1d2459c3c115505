// A command called wrongly, on the built binary: one line naming the command and what was wrong,
// the hint `(see pyros CMD --help)`, exit 2, and no help text.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const CWD = tempDir('pyros-usage-'); // no config here: nothing a wrong call could start or read

function pyros(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: CWD,
    encoding: 'utf8',
    env: { ...process.env, PYROS_AGENT_CONFIG: '' },
    timeout: 15_000,
  });
}

describe('pyros: usage mistakes', () => {
  for (const [args, command, what] of [
    [['start', '--sped', '3'], 'pyros start', "unknown option '--sped'; did you mean --speed\\?"],
    [['bogus'], 'pyros', "unknown command 'bogus'"],
    [['stauts'], 'pyros', "unknown command 'stauts'; did you mean status\\?"],
    [['send'], 'pyros send', "missing required argument 'agent'"],
    [['send', 'a', 'b', 'c'], 'pyros send', 'too many arguments'],
    [['status', '--timeout'], 'pyros status', "option '-t, --timeout <ms>' argument missing"],
    [['status', '--timeout', '-3'], 'pyros status', '--timeout: "-3" is not a positive number of ms'],
    [['tasks', 'lst'], 'pyros tasks', "unknown command 'lst'; did you mean list\\?"],
    [['tasks', 'list', '--limit', 'x'], 'pyros tasks list', '--limit: "x" is not a whole number above 0'],
    [['tasks', 'list', '--state', 'LOST'], 'pyros tasks list', '--state: "LOST" is not one of'],
    [['worker'], 'pyros worker', "required option '--tasks <module>' not specified"],
    [['night', '--date', '2026-13-01'], 'pyros night', '--date: "2026-13-01" is not a date'],
    [['alert'], 'pyros alert', "missing required argument 'file'"],
    [['start', '--speed', '2'], 'pyros start', '--speed needs --sim-start'],
  ] as const) {
    test(`pyros ${args.join(' ')}`, () => {
      const r = pyros(...args);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stdout, '', 'no help text');
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, r.stderr);
      const escaped = command.replace(/ /g, ' ');
      assert.match(lines[0] ?? '', new RegExp(`^${escaped}: ${what}.* \\(see ${escaped} --help\\)$`));
    });
  }

  test('--help and --version still print and exit 0', () => {
    const help = pyros('start', '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: pyros start/);
    const version = pyros('--version');
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  test('an error that is not a usage mistake is still one line and exit 1', () => {
    const r = pyros('status', '--config', '/nonexistent/pyros_agent_config.ini');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^pyros: .*\/nonexistent\/pyros_agent_config\.ini.*\n$/);
  });
});
