import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import {
  GcnCredentials,
  loadGcnCredentials,
} from '../../../../src/observatory/alerts/kafka/gcn-credentials.js';
import { tempDir } from '../../../helpers.js';
import { eventLog } from './event-log.js';

const SECRET = 'file-secret-7y2u9i4o';

/** An observatory folder with a credentials file in `secrets/`. */
function folder(body: string, mode = 0o600): { baseDir: string; path: string } {
  const baseDir = tempDir('pyros-gcn-cred-');
  mkdirSync(join(baseDir, 'secrets'));
  const path = join(baseDir, 'secrets', 'gcn.ini');
  writeFileSync(path, body);
  chmodSync(path, mode);
  return { baseDir, path };
}

/** The error `f` throws, checked to be one line without the secret. */
function oneLine(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    const message = (error as Error).message;
    assert.ok(!message.includes('\n'), message);
    assert.ok(!message.includes(SECRET), message);
    return message;
  }
  return assert.fail('did not throw');
}

describe('GCN credentials', () => {
  test('from $GCN_CLIENT_ID and $GCN_CLIENT_SECRET, before any file', () => {
    const env = { GCN_CLIENT_ID: 'envclient', GCN_CLIENT_SECRET: SECRET };
    const c = loadGcnCredentials({ env, file: 'missing.ini', baseDir: '/nonexistent' });
    assert.equal(c.clientId, 'envclient');
    assert.equal(c.secret(), SECRET);
    assert.equal(c.from, '$GCN_CLIENT_ID/$GCN_CLIENT_SECRET');
  });

  test('one variable without the other: one line naming both', () => {
    const m = oneLine(() =>
      loadGcnCredentials({ env: { GCN_CLIENT_SECRET: SECRET }, file: undefined, baseDir: '/' }),
    );
    assert.equal(
      m,
      'GCN credentials: $GCN_CLIENT_SECRET is set but $GCN_CLIENT_ID is not (set both, or neither)',
    );
  });

  test('from the gcn_credentials file, relative to the observatory.ini folder; comments and quotes', () => {
    const { baseDir } = folder(
      `# GCN client\nclient_id = fileclient\n; the secret\nclient_secret = "${SECRET}"\n`,
    );
    const log = eventLog();
    const c = loadGcnCredentials({ env: {}, file: 'secrets/gcn.ini', baseDir, log: log.log });
    assert.equal(c.clientId, 'fileclient');
    assert.equal(c.secret(), SECRET);
    assert.equal(log.lines.length, 0, 'mode 600: no warning');
  });

  test('a file group or others may read: a warning, without the secret', () => {
    const { baseDir, path } = folder(`client_id = fileclient\nclient_secret = ${SECRET}\n`, 0o644);
    const log = eventLog();
    loadGcnCredentials({ env: {}, file: path, baseDir, log: log.log });
    assert.deepEqual(log.texts(), [
      `warn GCN credentials file ${path} may be read by group or others (mode 644): chmod 600 it`,
    ]);
  });

  test('a missing key, file, or line: one line naming the file and the key', () => {
    const noSecret = folder('client_id = fileclient\n');
    assert.equal(
      oneLine(() => loadGcnCredentials({ env: {}, file: 'secrets/gcn.ini', baseDir: noSecret.baseDir })),
      `GCN credentials file ${noSecret.path}: no client_secret (expected a line "client_secret = …")`,
    );
    const emptySecret = folder('client_id = fileclient\nclient_secret =\n');
    assert.match(
      oneLine(() => loadGcnCredentials({ env: {}, file: emptySecret.path, baseDir: '/' })),
      /no client_secret/,
    );
    const typo = folder(`client_id = fileclient\nclient-secret = ${SECRET}\n`);
    assert.equal(
      oneLine(() => loadGcnCredentials({ env: {}, file: typo.path, baseDir: '/' })),
      `GCN credentials file ${typo.path}, line 2: expected key = value`,
    );
    const unknown = folder(`client_id = fileclient\nsecret = ${SECRET}\n`);
    assert.match(
      oneLine(() => loadGcnCredentials({ env: {}, file: unknown.path, baseDir: '/' })),
      /line 2: unknown key "secret"/,
    );
    const missing = join(noSecret.baseDir, 'nope.ini');
    assert.equal(
      oneLine(() => loadGcnCredentials({ env: {}, file: 'nope.ini', baseDir: noSecret.baseDir })),
      `GCN credentials file ${missing}: cannot be read (ENOENT)`,
    );
  });

  test('none at all: one line saying where they may come from', () => {
    assert.equal(
      oneLine(() => loadGcnCredentials({ env: {}, file: undefined, baseDir: '/' })),
      'GCN credentials: none (set $GCN_CLIENT_ID and $GCN_CLIENT_SECRET, or [alert_manager] gcn_credentials = FILE)',
    );
  });

  test('the secret stays out of JSON, util.inspect and string forms', () => {
    const c = new GcnCredentials('someclient', SECRET, 'test');
    for (const text of [
      JSON.stringify(c),
      inspect(c),
      inspect({ nested: { c } }),
      `${String(c)}`,
      Object.keys(c).join(),
    ]) {
      assert.ok(!text.includes(SECRET), text);
    }
    assert.match(JSON.stringify(c), /someclient/);
  });
});
