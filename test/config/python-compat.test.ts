// Python's configparser is the reference: the Python PyROS reads the same file with it.
// Each case is read by both, and the section/key/value dicts (or the fact of an error) must match.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError, effectiveValues, parseIni } from '../../src/config/index.js';
import { removeTempDirs, writeTemp } from './helpers.js';

after(removeTempDirs);

// Default ConfigParser but interpolation=None, as our parser does no interpolation; utf-8-sig
// because we ignore a BOM. _sections holds the own keys of each section, without defaults.
const SCRIPT = `
import configparser, json, sys
cp = configparser.ConfigParser(interpolation=None)
try:
    cp.read(sys.argv[1], encoding='utf-8-sig')
except configparser.Error as e:
    print(json.dumps({'error': type(e).__name__}))
    sys.exit(0)
print(json.dumps({
    'defaults': dict(cp.defaults()),
    'own': [[name, dict(cp._sections[name])] for name in cp.sections()],
    'effective': {name: dict(cp[name]) for name in cp.sections()},
}))
`;

interface PythonView {
  readonly error?: string;
  readonly defaults?: Record<string, string>;
  readonly own?: [string, Record<string, string>][];
  readonly effective?: Record<string, Record<string, string>>;
}

const python = spawnSync('python3', ['--version']);
const skip = python.error ? 'python3 is not installed' : false;

function readWithPython(path: string): PythonView {
  const run = spawnSync('python3', ['-c', SCRIPT, path], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as PythonView;
}

function readWithUs(path: string): PythonView {
  try {
    const doc = parseIni(readFileSync(path, 'utf8'), path);
    const names = [...doc.sections.keys()];
    return {
      defaults: { ...doc.defaults },
      own: names.map((name) => [name, { ...doc.sections.get(name)?.values }]),
      effective: Object.fromEntries(names.map((name) => [name, { ...effectiveValues(doc, name) }])),
    };
  } catch (error) {
    if (error instanceof ConfigError) return { error: 'ConfigError' };
    throw error;
  }
}

function assertSameAsPython(path: string): PythonView {
  const theirs = readWithPython(path);
  const ours = readWithUs(path);
  if (theirs.error) {
    assert.deepEqual(ours, { error: 'ConfigError' }, `Python raised ${theirs.error}, we did not`);
  } else {
    assert.deepEqual(ours, theirs);
  }
  return theirs;
}

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/config/${name}`, import.meta.url));

describe('same reading as Python configparser', { skip }, () => {
  for (const name of ['agents.ini', 'syntax.ini', 'bom-crlf.ini']) {
    test(`fixture ${name}`, () => {
      const view = assertSameAsPython(fixture(name));
      // Guard against both sides agreeing on nothing.
      assert.ok((view.own?.length ?? 0) >= 2, 'the fixture has sections');
    });
  }

  const cases: Record<string, string> = {
    'inline comment kept': '[a]\nx = 1 ; two # three\n',
    'first delimiter wins': '[a]\nk:v=w\nk2=v:w\n',
    'blank lines inside and after a value': '[a]\nx = 1\n\n  2\n\n\ny = 3\n',
    'comment inside a value': '[a]\nx = 1\n  # c\n  2\n',
    'indented header is a continuation': '[a]\nx = 1\n  [b]\n',
    'indented keys after a header': '[a]\n  x = 1\n  y = 2\n    z\n',
    'empty first line of a value': '[a]\nx =\n  1\n  2\n',
    'header with trailing text': '[a]b] junk\nx = 1\n',
    'lone CR line ends': '[a]\rx = 1\r  2\r',
    'tabs and unicode spaces': '[a]\n\tx\u00a0=\u3000v\u2003\n',
    'mixed-case keys': '[A]\nKey = 1\nOTHER: 2\n',
    'DEFAULT twice': '[DEFAULT]\nx = 1\n[a]\n[DEFAULT]\ny = 2\n',
    'error: key before header': 'x = 1\n[a]\n',
    'error: text before header': 'hello\n',
    'error: duplicate section': '[a]\n[a]\n',
    'error: duplicate key': '[a]\nx = 1\nX = 2\n',
    'error: duplicate DEFAULT key': '[DEFAULT]\nx = 1\n[DEFAULT]\nx = 2\n',
    'error: bogus line': '[a]\njunk\n',
    'error: empty key': '[a]\n = 1\n',
    'error: empty brackets': '[a]\n[]\n',
  };
  for (const [name, text] of Object.entries(cases)) {
    test(name, () => {
      const view = assertSameAsPython(writeTemp(text, 'case.ini'));
      assert.equal(view.error !== undefined, name.startsWith('error:'), 'the case is what its name says');
    });
  }
});
