#!/usr/bin/env node
// The `pyros` executable. The Node version is checked before anything else is imported: on Node 20
// better-sqlite3 13 does not fail cleanly, it crashes the process (segmentation fault).
import { nodeVersionProblem } from './node-version.js';

const problem = nodeVersionProblem(process.versions.node);
if (problem !== undefined) {
  process.stderr.write(`pyros: ${problem}\n`);
  process.exit(1);
}
await import('./program.js');
