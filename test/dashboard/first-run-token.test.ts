import assert from 'node:assert/strict';
import { chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { firstRunToken, TOKEN_FILE } from '../../src/dashboard/first-run-token.js';
import { tempDir } from '../helpers.js';

describe('firstRunToken', () => {
  const root = tempDir('pyros-token-');
  after(() => rmSync(root, { recursive: true, force: true }));

  it('makes a random token at the first start, private to its owner, and reuses it after', () => {
    const dir = join(root, 'dashboard');
    const first = firstRunToken(dir);
    assert.equal(first.created, true);
    assert.match(first.token, /^[A-Za-z0-9_-]{43}$/, '32 random bytes, base64url');
    assert.equal(first.file, join(dir, TOKEN_FILE));
    assert.equal(statSync(first.file as string).mode & 0o777, 0o600);
    assert.equal(readFileSync(first.file as string, 'utf8').trim(), first.token);
    const again = firstRunToken(dir);
    assert.deepEqual(again, { token: first.token, file: first.file, created: false });
    // Another data folder, another token.
    assert.notEqual(firstRunToken(join(root, 'other')).token, first.token);
  });

  it('makes a file left readable by others private again, and replaces an empty one', () => {
    const dir = join(root, 'loose');
    const { file, token } = firstRunToken(dir);
    chmodSync(file as string, 0o644);
    assert.equal(firstRunToken(dir).token, token);
    assert.equal(statSync(file as string).mode & 0o777, 0o600);
    writeFileSync(file as string, '\n', { mode: 0o644 });
    const fresh = firstRunToken(dir);
    assert.equal(fresh.created, true);
    assert.notEqual(fresh.token, token);
    assert.equal(statSync(file as string).mode & 0o777, 0o600);
  });

  it('cannot keep it in a folder it cannot create: the token lasts the run, and says why', () => {
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const made = firstRunToken(join(blocker, 'dashboard'));
    assert.equal(made.file, undefined);
    assert.match(made.token, /^[A-Za-z0-9_-]{43}$/);
    assert.match(made.error ?? '', /a-file\/dashboard\/dashboard-token: ENOTDIR/);
  });
});
