// Periodic schedules and result retention, in this process, on a real SQLite file.
process.env.PYROS_LOG_LEVEL ??= 'silent';

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../../src/logging/logger.js';
import { SqliteBroker } from '../../src/tasks/brokers/sqlite-broker.js';
import { defineTask } from '../../src/tasks/define-task.js';
import { definePeriodic, nextFiring, startBeat } from '../../src/tasks/periodic.js';
import { TaskWorker } from '../../src/tasks/task-worker.js';
import { tempDir } from '../helpers.js';

test('schedules: every N seconds aligned on the epoch, cron in UTC with seconds', () => {
  const every = nextFiring({ every: 60 });
  assert.equal(every(Date.UTC(2026, 10, 29, 3, 0, 30)), Date.UTC(2026, 10, 29, 3, 1, 0));
  assert.equal(every(Date.UTC(2026, 10, 29, 3, 1, 0)), Date.UTC(2026, 10, 29, 3, 2, 0), 'strictly after');
  const nightly = nextFiring({ cron: '0 30 21 * * *' });
  assert.equal(nightly(Date.UTC(2026, 10, 29, 3, 0, 0)), Date.UTC(2026, 10, 29, 21, 30, 0));
  assert.equal(nightly(Date.UTC(2026, 10, 29, 21, 30, 0)), Date.UTC(2026, 10, 30, 21, 30, 0));
  const quarter = nextFiring({ cron: '*/15 * * * *' });
  assert.equal(quarter(Date.UTC(2026, 10, 29, 3, 7, 12)), Date.UTC(2026, 10, 29, 3, 15, 0));
  assert.throws(() => nextFiring({ cron: 'not a cron' }));
  assert.throws(() => nextFiring({ every: 0 }), /every/);
});

test('two beats on one broker enqueue each firing once', async () => {
  const broker = SqliteBroker.open(join(tempDir('pyros-beat-'), 'tasks.db'));
  const beat = defineTask('beat-once', () => 'tick');
  definePeriodic(beat, { every: 0.1 });
  const started = Date.now();
  const stops = [startBeat(broker, createLogger('a')), startBeat(broker, createLogger('b'))];
  await new Promise((r) => setTimeout(r, 650));
  const periods = (Date.now() - started) / 100;
  await Promise.all(stops.map((stop) => stop()));
  const tasks = await broker.list({ name: 'beat-once', limit: 100 });
  // Two beats, one enqueue per firing: never more than the periods that passed (a late timer
  // catches up, so a loaded machine gives as many), and some did fire.
  assert.ok(
    tasks.length >= 2 && tasks.length <= Math.ceil(periods) + 1,
    `${tasks.length} firings in ${periods} periods`,
  );
  assert.equal(new Set(tasks.map((t) => t.id)).size, tasks.length);
  for (const t of tasks) assert.match(t.id, /^beat-once@\d{4}-\d\d-\d\dT/);
  await broker.close();
});

test('a worker removes finished tasks once their retention has passed', async () => {
  const broker = SqliteBroker.open(join(tempDir('pyros-keep-'), 'tasks.db'));
  const quick = defineTask('kept-briefly', () => 1);
  const worker = new TaskWorker({
    broker,
    log: createLogger('w'),
    pollMs: 5,
    resultTtlMs: 100,
    cleanupEveryMs: 50,
  });
  worker.start();
  const r = await quick.applyAsync([], { broker });
  assert.equal(await r.get({ timeout: 5000 }), 1);
  const until = Date.now() + 5000;
  while ((await broker.get(r.id)) !== undefined && Date.now() < until)
    await new Promise((res) => setTimeout(res, 20));
  assert.equal(await broker.get(r.id), undefined, 'removed after its retention');
  await worker.stop();
  await broker.close();
});
