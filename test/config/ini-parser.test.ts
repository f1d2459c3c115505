import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { ConfigError, effectiveValues, type IniDocument, parseIni } from '../../src/config/index.js';
import { assertConfigError, removeTempDirs, writeTemp } from './helpers.js';

after(removeTempDirs);

const FILE = '/tmp/x/pyros_agent_config.ini';

/** Section values as plain objects, so that deepEqual can compare them to literals. */
function plain(doc: IniDocument): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = { DEFAULT: { ...doc.defaults } };
  for (const [name, section] of doc.sections) out[name] = { ...section.values };
  return out;
}

describe('parseIni: syntax', () => {
  test('reads sections, both delimiters, trims keys and values', () => {
    const doc = parseIni('[a]\nx = 1\ny: 2\nz   =   spaced value  \nurl = http://h:80/p?q=r\na:b=c\n', FILE);
    assert.deepEqual(plain(doc), {
      DEFAULT: {},
      a: { x: '1', y: '2', z: 'spaced value', url: 'http://h:80/p?q=r', a: 'b=c' },
    });
  });

  test('lower-cases keys but keeps section names as written', () => {
    const doc = parseIni('[Scheduler]\nReceive_Port = 1\nIP: ::1\n', FILE);
    assert.deepEqual([...doc.sections.keys()], ['Scheduler']);
    assert.deepEqual(plain(doc).Scheduler, { receive_port: '1', ip: '::1' });
  });

  test('skips full-line comments with ; and #, keeps inline ones in the value', () => {
    const doc = parseIni('; top\n# top\n[a]\n  ; indented comment\nx = 1 ; inline\n# y = 2\ny = #3\n', FILE);
    assert.deepEqual(plain(doc).a, { x: '1 ; inline', y: '#3' });
  });

  test('records the line of each section and key', () => {
    const doc = parseIni('\n[DEFAULT]\nd = 1\n\n[a]\n\nx = 1\ny = 2\n', FILE);
    const section = doc.sections.get('a');
    assert.equal(section?.line, 5);
    assert.deepEqual({ ...section?.lines }, { x: 7, y: 8 });
    assert.deepEqual({ ...doc.defaultLines }, { d: 3 });
  });

  test('joins continuation lines with \\n, keeps inner blank lines, drops trailing ones', () => {
    const text = '[a]\nx = one\n  two\n\n  four\n  # skipped comment\n    five\n\n\ny = 2\n';
    assert.deepEqual(plain(parseIni(text, FILE)).a, { x: 'one\ntwo\n\nfour\nfive', y: '2' });
  });

  test('a continuation needs more indent than its key line, and no section header breaks it', () => {
    const text = '[a]\n  x = 1\n  y = 2\n    [not a section]\nz = 3\n';
    const doc = parseIni(text, FILE);
    assert.deepEqual(plain(doc).a, { x: '1', y: '2\n[not a section]', z: '3' });
    assert.deepEqual([...doc.sections.keys()], ['a']);
  });

  test('an empty first line of a value keeps its newline, like configparser', () => {
    assert.deepEqual(plain(parseIni('[a]\nhosts =\n  h1\n  h2\n', FILE)).a, { hosts: '\nh1\nh2' });
  });

  test('section header: first [ to last ], trailing text ignored', () => {
    const doc = parseIni('[a]b] ; trailing\nx = 1\n', FILE);
    assert.deepEqual([...doc.sections.keys()], ['a]b']);
  });

  test('accepts CRLF, lone CR and a leading BOM', () => {
    const doc = parseIni('\uFEFF[a]\r\nx = 1\r\ny = 2\r  more\r\n', FILE);
    assert.deepEqual(plain(doc).a, { x: '1', y: '2\nmore' });
    assert.equal(doc.sections.get('a')?.lines.y, 3);
  });

  test('an empty text or only comments gives no sections', () => {
    assert.equal(parseIni('', FILE).sections.size, 0);
    assert.equal(parseIni('# nothing\n\n; here\n', FILE).sections.size, 0);
  });

  test('keys named like Object.prototype members are plain keys', () => {
    const doc = parseIni('[a]\n__proto__ = x\nconstructor = y\n', FILE);
    const values = doc.sections.get('a')?.values ?? {};
    assert.equal(Object.getOwnPropertyDescriptor(values, '__proto__')?.value, 'x');
    assert.equal(values.constructor, 'y');
    assert.equal(values.toString, undefined);
  });
});

describe('parseIni: DEFAULT', () => {
  test('DEFAULT keys are inherited, own keys win, DEFAULT is not a section', () => {
    const doc = parseIni('[DEFAULT]\nip = 127.0.0.1\nport = 1\n[a]\nport = 2\n[b]\n', FILE);
    assert.deepEqual([...doc.sections.keys()], ['a', 'b']);
    assert.deepEqual({ ...doc.defaults }, { ip: '127.0.0.1', port: '1' });
    assert.deepEqual({ ...doc.sections.get('a')?.values }, { port: '2' });
    assert.deepEqual({ ...effectiveValues(doc, 'a') }, { ip: '127.0.0.1', port: '2' });
    assert.deepEqual({ ...effectiveValues(doc, 'b') }, { ip: '127.0.0.1', port: '1' });
  });

  test('DEFAULT may come after sections and appear twice, as in configparser', () => {
    const doc = parseIni('[a]\n[DEFAULT]\nx = 1\n[b]\n[DEFAULT]\ny = 2\n', FILE);
    assert.deepEqual({ ...effectiveValues(doc, 'a') }, { x: '1', y: '2' });
  });

  test('[default] in lower case is an ordinary section', () => {
    const doc = parseIni('[default]\nx = 1\n[a]\n', FILE);
    assert.deepEqual([...doc.sections.keys()], ['default', 'a']);
    assert.deepEqual({ ...effectiveValues(doc, 'a') }, {});
  });

  test('effectiveValues of a missing section is a ConfigError', () => {
    assertConfigError(() => effectiveValues(parseIni('[a]\n', FILE), 'b'), {
      file: FILE,
      includes: ['no section [b]'],
    });
  });
});

describe('parseIni: errors', () => {
  test('a key before any section header', () => {
    assertConfigError(() => parseIni('# c\n\nip = 1\n[a]\n', FILE), {
      file: FILE,
      line: 3,
      includes: ['before the first [section]', '"ip = 1"'],
    });
  });

  test('a duplicate section', () => {
    assertConfigError(() => parseIni('[a]\nx = 1\n[b]\n[a]\n', FILE), {
      file: FILE,
      section: 'a',
      line: 4,
      includes: ['twice', 'line 1'],
    });
  });

  test('a duplicate key in a section, also when only the case differs', () => {
    assertConfigError(() => parseIni('[a]\nip = 1\nIP = 2\n', FILE), {
      file: FILE,
      section: 'a',
      key: 'ip',
      line: 3,
      includes: ['twice', 'line 2'],
    });
  });

  test('a duplicate key across two [DEFAULT] blocks', () => {
    assertConfigError(() => parseIni('[DEFAULT]\nx = 1\n[a]\n[DEFAULT]\nx = 2\n', FILE), {
      file: FILE,
      section: 'DEFAULT',
      key: 'x',
      line: 5,
    });
  });

  test('the same key in two sections is fine', () => {
    assert.doesNotThrow(() => parseIni('[a]\nx = 1\n[b]\nx = 1\n', FILE));
  });

  test('a line that is neither a header, a key nor a comment', () => {
    assertConfigError(() => parseIni('[a]\nx = 1\nfoo\n', FILE), {
      file: FILE,
      section: 'a',
      line: 3,
      includes: ['neither a section, a key nor a comment', '"foo"'],
    });
    assertConfigError(() => parseIni('[a]\n= no key\n', FILE), { file: FILE, section: 'a', line: 2 });
    assertConfigError(() => parseIni('[a]\n[]\n', FILE), { file: FILE, section: 'a', line: 2 });
  });

  test('error line numbers count CRLF lines once', () => {
    const error = assertConfigError(() => parseIni('[a]\r\nx = 1\r\n\r\nbad\r\n', FILE), {
      file: FILE,
      section: 'a',
      line: 4,
    });
    assert.equal(error.message, `${FILE}:4: [a] line is neither a section, a key nor a comment: "bad"`);
  });
});

describe('parseIni: fixture files', () => {
  test('reads the BOM + CRLF fixture', () => {
    const path = new URL('../fixtures/config/bom-crlf.ini', import.meta.url);
    const doc = parseIni(readFileSync(path, 'utf8'), 'bom-crlf.ini');
    assert.deepEqual(plain(doc), {
      DEFAULT: {},
      bom: { key: 'value', multi: 'one\ntwo' },
      other: { k: 'v' },
    });
  });

  test('the file name given is the one in errors', () => {
    const path = writeTemp('oops\n');
    assert.throws(
      () => parseIni(readFileSync(path, 'utf8'), path),
      (error: unknown) => {
        return error instanceof ConfigError && error.file === path && error.message.startsWith(`${path}:1: `);
      },
    );
  });
});
