import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AgentEndpoint, agentEndpoint, KNOWN_KEYS, parseIni } from '../../src/config/index.js';
import { assertConfigError } from './helpers.js';

const FILE = '/etc/pyros/pyros_agent_config.ini';

function endpoint(text: string, name = 'a', defaultSecret?: string): AgentEndpoint {
  return agentEndpoint(parseIni(text, FILE), name, { defaultSecret });
}

describe('agentEndpoint: values', () => {
  test('required keys only: every default applied', () => {
    assert.deepEqual(endpoint('[a]\nip = 10.0.0.1\nreceive_port = 5000\n'), {
      name: 'a',
      ip: '10.0.0.1',
      receivePort: 5000,
      protocol: 'framed',
      allowedHosts: [],
      autostart: true,
      maxMessageBytes: 1048576,
      concurrency: 1,
    });
  });

  test('every key given', () => {
    const text = [
      '[a]',
      'ip = ::1',
      'receive_port = 65535',
      'protocol = text',
      'secret = abc',
      'allowed_hosts = 127.0.0.1,::1  10.0.0.2 , 10.0.0.3',
      'app = example_ping',
      'autostart = no',
      'max_message_bytes = 1024',
      'concurrency = 8',
    ].join('\n');
    assert.deepEqual(endpoint(text), {
      name: 'a',
      ip: '::1',
      receivePort: 65535,
      protocol: 'text',
      secret: 'abc',
      allowedHosts: ['127.0.0.1', '::1', '10.0.0.2', '10.0.0.3'],
      app: 'example_ping',
      autostart: false,
      maxMessageBytes: 1024,
      concurrency: 8,
    });
  });

  test('localhost and module', () => {
    const ep = endpoint('[a]\nip = localhost\nreceive_port = 1\nmodule = ./apps/a.js\n');
    assert.equal(ep.ip, 'localhost');
    assert.equal(ep.module, './apps/a.js');
    assert.equal(ep.app, undefined);
  });

  test('allowed_hosts may span continuation lines', () => {
    const ep = endpoint('[a]\nip = ::1\nreceive_port = 1\nallowed_hosts =\n  10.0.0.1,\n  10.0.0.2\n');
    assert.deepEqual(ep.allowedHosts, ['10.0.0.1', '10.0.0.2']);
  });

  test('configparser booleans, any case', () => {
    const read = (value: string): boolean =>
      endpoint(`[a]\nip = ::1\nreceive_port = 1\nautostart = ${value}\n`).autostart;
    for (const value of ['1', 'yes', 'true', 'on', 'YES', 'True', 'oN'])
      assert.equal(read(value), true, value);
    for (const value of ['0', 'no', 'false', 'off', 'NO', 'False', 'OFF'])
      assert.equal(read(value), false, value);
  });

  test('DEFAULT keys are inherited, own keys win', () => {
    const text =
      '[DEFAULT]\nip = 10.0.0.9\nconcurrency = 3\nautostart = off\n[a]\nreceive_port = 1\nconcurrency = 5\n';
    const ep = endpoint(text);
    assert.equal(ep.ip, '10.0.0.9');
    assert.equal(ep.concurrency, 5);
    assert.equal(ep.autostart, false);
  });

  test('defaultSecret is used only when no secret key is given', () => {
    const base = '[a]\nip = ::1\nreceive_port = 1\n';
    assert.equal(endpoint(base, 'a', 'env-secret').secret, 'env-secret');
    assert.equal(endpoint(`${base}secret = own\n`, 'a', 'env-secret').secret, 'own');
    assert.equal(endpoint(`[DEFAULT]\nsecret = shared\n${base}`, 'a', 'env-secret').secret, 'shared');
    assert.equal('secret' in endpoint(base), false);
    assert.equal('secret' in endpoint(base, 'a', ''), false);
  });

  test('the endpoint is frozen', () => {
    const ep = endpoint('[a]\nip = ::1\nreceive_port = 1\nallowed_hosts = ::1\n');
    assert.ok(Object.isFrozen(ep));
    assert.ok(Object.isFrozen(ep.allowedHosts));
  });

  test('KNOWN_KEYS lists the INI keys', () => {
    assert.deepEqual(
      [...KNOWN_KEYS].sort(),
      [
        'allowed_hosts',
        'app',
        'autostart',
        'broker',
        'concurrency',
        'ip',
        'max_message_bytes',
        'module',
        'observatory',
        'protocol',
        'receive_port',
        'secret',
      ].sort(),
    );
  });
});

describe('agentEndpoint: errors', () => {
  const ok = 'ip = 127.0.0.1\nreceive_port = 5000\n';

  test('missing section', () => {
    assertConfigError(() => endpoint(`[a]\n${ok}`, 'foo'), {
      file: FILE,
      includes: ['no section [foo] for agent "foo"'],
    });
  });

  test('missing required keys name the section line', () => {
    assertConfigError(() => endpoint('\n[a]\nip = ::1\n'), {
      file: FILE,
      section: 'a',
      key: 'receive_port',
      line: 2,
      includes: ['missing required key'],
    });
    assertConfigError(() => endpoint('[a]\nreceive_port = 1\n'), {
      file: FILE,
      section: 'a',
      key: 'ip',
      line: 1,
    });
  });

  test('unknown key lists the known ones', () => {
    const error = assertConfigError(() => endpoint(`[a]\n${ok}recieve_port = 1\n`), {
      file: FILE,
      section: 'a',
      key: 'recieve_port',
      line: 4,
      includes: ['unknown key', 'known keys: ip, receive_port, protocol'],
    });
    for (const key of KNOWN_KEYS) assert.ok(error.message.includes(key), key);
  });

  test('unknown key in DEFAULT', () => {
    assertConfigError(() => endpoint(`[DEFAULT]\nhost = x\n[a]\n${ok}`), {
      file: FILE,
      section: 'DEFAULT',
      key: 'host',
      line: 2,
      includes: ['unknown key'],
    });
  });

  const bad: [key: string, value: string, expected: string][] = [
    ['ip', 'example.org', 'is not an IPv4 or IPv6 address or "localhost"'],
    ['ip', '300.1.1.1', '"300.1.1.1" is not'],
    ['receive_port', 'abc', '"abc" is not a port (1-65535)'],
    ['receive_port', '0', '"0" is not a port'],
    ['receive_port', '65536', '"65536" is not a port'],
    ['receive_port', '5000.5', 'is not a port'],
    ['receive_port', '+5000', 'is not a port'],
    ['protocol', 'Framed', '"Framed" is not a protocol (expected "framed" or "text")'],
    ['secret', '', 'secret: is empty'],
    ['allowed_hosts', '10.0.0.1, somehost', '"somehost" is not an IP address'],
    ['module', '', 'module: is empty'],
    ['app', '', 'app: is empty'],
    ['autostart', 'maybe', '"maybe" is not a boolean'],
    ['max_message_bytes', '1023', '"1023" is not an integer >= 1024'],
    ['max_message_bytes', '1e6', 'is not an integer >= 1024'],
    ['concurrency', '0', '"0" is not an integer >= 1'],
    ['concurrency', '-1', 'is not an integer >= 1'],
  ];
  for (const [key, value, expected] of bad) {
    test(`bad ${key} = ${JSON.stringify(value)}`, () => {
      const lines = ['[a]', 'ip = 127.0.0.1', 'receive_port = 5000'].filter((line) => !line.startsWith(key));
      lines.push(`${key} = ${value}`);
      assertConfigError(() => endpoint(lines.join('\n')), {
        file: FILE,
        section: 'a',
        key,
        line: lines.length,
        includes: [expected],
      });
    });
  }

  test('a bad inherited value is reported at its DEFAULT line', () => {
    assertConfigError(() => endpoint(`[DEFAULT]\nconcurrency = lots\n[a]\n${ok}`), {
      file: FILE,
      section: 'DEFAULT',
      key: 'concurrency',
      line: 2,
    });
  });

  test('a multi-line value stays on one line in the message', () => {
    assertConfigError(() => endpoint('[a]\nip =\n  ::1\nreceive_port = 1\n'), {
      file: FILE,
      section: 'a',
      key: 'ip',
      line: 2,
      includes: ['"\\n::1"'],
    });
  });

  test('the secret value is not echoed', () => {
    // Only an empty secret is invalid, so this checks the message shape for secret.
    const error = assertConfigError(() => endpoint(`[a]\n${ok}secret =\n`), {
      file: FILE,
      section: 'a',
      key: 'secret',
      line: 4,
    });
    assert.equal(error.message, `${FILE}:4: [a] secret: is empty (give a secret or remove the key)`);
  });

  test('module and app together', () => {
    assertConfigError(() => endpoint(`[a]\n${ok}module = ./x.js\napp = example_ping\n`), {
      file: FILE,
      section: 'a',
      line: 1,
      includes: ['both module and app'],
    });
  });

  test('agent name with surrounding spaces', () => {
    assertConfigError(() => endpoint(`[ a ]\n${ok}`, ' a '), { file: FILE, section: ' a ', line: 1 });
  });
});
