// The tasks module of the tasks benchmark, loaded by `pyros worker --tasks bench/tasks/tasks.mjs`
// (and by run.mjs, which enqueues them). Imports the built package, like every benchmark.
import { defineTask } from '../../dist/index.js';

/** The trivial task of the throughput rows (Celery's `add`). */
export const add = defineTask('bench.add', (a, b) => a + b);

/** The lateness task: how many ms after its ETA it ran (negative = early). */
export const late = defineTask('bench.late', (etaMs) => Date.now() - etaMs);
