/**
 * The Node.js releases pyros-ts runs on (package.json's `engines`): 22 from 22.22, 24 from 24.6
 * (the Kafka client's floors), and anything later than 24.
 */
export const ENGINES = '^22.22.0 || >=24.6.0';

/** The oldest release of each supported major line, by major. */
const FLOORS: ReadonlyArray<readonly [major: number, floor: string]> = [
  [22, '22.22.0'],
  [24, '24.6.0'],
];

/** -1, 0 or 1 as `a` is older than, the same as or newer than `b` (dotted versions). */
function compare(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * Why this Node.js version (e.g. `process.versions.node`) cannot run pyros-ts, in one line, or
 * undefined when it can.
 */
export function nodeVersionProblem(version: string): string | undefined {
  const major = Number(version.split('.')[0]);
  const floor = FLOORS.find(([m]) => m === major)?.[1];
  const fine = floor !== undefined ? compare(version, floor) >= 0 : major > 24;
  if (fine) return undefined;
  return `Node.js ${version} is not supported: install Node.js 24.6 or later (LTS), or 22.22 or later (README, Quick start)`;
}
