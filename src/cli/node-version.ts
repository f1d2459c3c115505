/** The oldest Node.js release pyros-ts runs on (package.json's `engines`). */
export const MIN_NODE = '22.12.0';

/**
 * Why this Node.js version (e.g. `process.versions.node`) cannot run pyros-ts, in one line, or
 * undefined when it can.
 */
export function nodeVersionProblem(version: string): string | undefined {
  const have = version.split('.').map(Number);
  const need = MIN_NODE.split('.').map(Number);
  for (let i = 0; i < need.length; i += 1) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (a > b) return undefined;
    if (a < b) {
      return `Node.js ${version} is not supported: install Node.js 24 (LTS) or 22.12 or later (README, Quick start)`;
    }
  }
  return undefined;
}
