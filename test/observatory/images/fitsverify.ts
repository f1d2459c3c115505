import { spawnSync } from 'node:child_process';

/**
 * Runs HEASARC's fitsverify on `path` and returns its one-line verdict. Throws (failing the test,
 * never skipping it) when the tool is not installed, saying how to install it.
 */
export function fitsverify(path: string): string {
  const run = spawnSync('fitsverify', ['-q', path], { encoding: 'utf8' });
  if (run.error !== undefined) {
    throw new Error(
      `fitsverify could not run (${run.error.message}): install it with "apt-get update && apt-get install -y fitsverify"`,
    );
  }
  return `${run.stdout}${run.stderr}`.trim();
}
