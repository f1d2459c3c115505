// The watched folder through the source conformance suite, and what is its own: files written
// slowly are left until whole, files left at a restart are taken then.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ReceivedNotice } from '../../../../src/observatory/alerts/sources/alert-source.js';
import { dirSource } from '../../../../src/observatory/alerts/sources/dir-source.js';
import { tempDir, waitFor } from '../../../helpers.js';
import { sourceConformance, sourceContext, type Verdict } from './source-conformance.js';

let counter = 0;

/** Writes `bytes` beside the folder, then renames it in (what docs/alerts.md tells feeders to do). */
function drop(dir: string, bytes: Uint8Array, name = `notice-${++counter}.xml`): string {
  const outside = join(dir, '..', `.${name}.tmp`);
  writeFileSync(outside, bytes);
  renameSync(outside, join(dir, name));
  return name;
}

/** Where the file went: processed/ (acknowledged) or rejected/ (refused). */
async function verdictOf(dir: string, name: string): Promise<Verdict> {
  return waitFor(
    () =>
      existsSync(join(dir, 'processed', name))
        ? 'ack'
        : existsSync(join(dir, 'rejected', name))
          ? 'refused'
          : undefined,
    15_000,
    `${name} taken`,
  );
}

sourceConformance(
  {
    name: 'dir: (a watched folder)',
    afterTransientFailure: 'redelivered',
    refusedAs: 'refused',
    async open(ctx) {
      const dir = join(ctx.baseDir, 'incoming');
      const source = dirSource(new URL('dir:incoming'), 'dir:incoming', ctx);
      return {
        source,
        publish: async (bytes) => {
          mkdirSync(dir, { recursive: true });
          return verdictOf(dir, drop(dir, bytes));
        },
        close: () => source.stop(),
      };
    },
  },
  () => tempDir('pyros-dir-source-'),
);

describe('the watched folder', { timeout: 30_000 }, () => {
  it('takes the files left at a restart, oldest first, and says why a refused one was refused', async () => {
    const base = tempDir('pyros-dir-source-');
    const dir = join(base, 'incoming');
    mkdirSync(dir, { recursive: true });
    drop(dir, Buffer.from('<a/>'), 'first.xml');
    drop(dir, Buffer.from([0x3c, 0xff, 0x3e]), 'broken.xml');
    const got: ReceivedNotice[] = [];
    const source = dirSource(new URL(`dir:${dir}`), `dir:${dir}`, sourceContext(base));
    await source.start(async (n) => {
      got.push(n);
    });
    try {
      assert.equal(await verdictOf(dir, 'first.xml'), 'ack');
      assert.equal(await verdictOf(dir, 'broken.xml'), 'refused');
      assert.match(readdirSync(join(dir, 'rejected')).join(' '), /broken\.xml\.why\.txt/);
      assert.deepEqual(
        got.map((n) => [n.text, n.source, n.file]),
        [['<a/>', 'dir incoming/first.xml', join(dir, 'first.xml')]],
      );
    } finally {
      await source.stop();
    }
  });

  it('leaves a file alone while it grows, and skips hidden and temporary names', async () => {
    const base = tempDir('pyros-dir-source-');
    const dir = join(base, 'incoming');
    mkdirSync(dir, { recursive: true });
    const got: string[] = [];
    const source = dirSource(new URL(`dir:${dir}`), `dir:${dir}`, sourceContext(base));
    await source.start(async (n) => {
      got.push(n.text);
    });
    try {
      writeFileSync(join(dir, '.hidden.xml'), '<h/>');
      writeFileSync(join(dir, 'partial.xml.part'), '<p/>');
      const growing = join(dir, 'growing.xml');
      writeFileSync(growing, '<g>');
      for (let i = 0; i < 6; i++) {
        await new Promise((r) => setTimeout(r, 200));
        writeFileSync(growing, `<g>${'x'.repeat(i + 1)}`, { flag: 'w' });
      }
      writeFileSync(growing, '<g>done</g>');
      await waitFor(() => got.length === 1, 10_000, 'the whole file');
      assert.deepEqual(got, ['<g>done</g>'], 'handed over once, whole');
      assert.ok(existsSync(join(dir, '.hidden.xml')) && existsSync(join(dir, 'partial.xml.part')));
    } finally {
      await source.stop();
    }
  });
});
