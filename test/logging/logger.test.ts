// The log on a simulated clock: every line, from the main thread and from a worker thread, carries
// the observatory's time (pretty: `[sim …]`; JSON: simTime), which the messages quote.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// The built logger (npm test builds first): worker threads load it as agents' threads do.
const LOGGER = fileURLToPath(new URL('../../dist/logging/logger.js', import.meta.url));

/** Logs one line from the main thread and one from a worker thread, with `env`. */
function logTwice(env: Record<string, string>): string {
  const script = `
    import { Worker, isMainThread } from 'node:worker_threads';
    import { createLogger } from ${JSON.stringify(LOGGER)};
    createLogger('main_thread').info('hello from main');
    await new Promise((done) => new Worker(
      "import(" + JSON.stringify(${JSON.stringify(LOGGER)}) + ").then((m) => m.createLogger('worker_thread').info('hello from worker'))",
      { eval: true },
    ).on('exit', done));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PYROS_SIM_START: '', PYROS_SIM_SPEED: '', PYROS_SIM_ANCHOR: '', ...env },
    timeout: 20_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const SIM = (anchor: number) => ({
  PYROS_SIM_START: '2026-12-02T21:14:05Z',
  PYROS_SIM_SPEED: '1',
  PYROS_SIM_ANCHOR: String(anchor),
});

test('pretty lines on a simulated clock start with [sim DATE TIME], in every thread', () => {
  const out = logTwice({ ...SIM(Date.now()), PYROS_LOG_FORMAT: 'pretty' });
  const plain = stripVTControlCharacters(out); // colours off
  assert.match(plain, /\[sim 2026-12-02 21:14:(0[5-9]|1\d)\] \[main_thread\] hello from main/);
  assert.match(plain, /\[sim 2026-12-02 21:14:(0[5-9]|1\d)\] \[worker_thread\] hello from worker/);
});

test('JSON lines on a simulated clock have simTime; on the real clock neither', () => {
  const anchor = Date.now();
  const lines = logTwice({ ...SIM(anchor), PYROS_LOG_FORMAT: 'json' })
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { simTime?: string; time: number; msg: string });
  assert.equal(lines.length, 2);
  for (const l of lines) {
    // simTime is the simulated clock at the line's wall time.
    const expected = Date.parse('2026-12-02T21:14:05Z') + (l.time - anchor);
    assert.ok(Math.abs(Date.parse(l.simTime ?? '') - expected) < 50, `${l.msg}: ${l.simTime}`);
  }
  const real = stripVTControlCharacters(logTwice({ PYROS_LOG_FORMAT: 'pretty' }));
  assert.match(real, /\[main_thread\] hello from main/);
  assert.doesNotMatch(real, /\[sim /);
});

test('a thread that sets its clock after its first lines: the lines after it carry the time, those before not', () => {
  const clockEnv = fileURLToPath(new URL('../../dist/observatory/clock/clock-from-env.js', import.meta.url));
  const simClock = fileURLToPath(new URL('../../dist/observatory/clock/sim-clock.js', import.meta.url));
  const script = `
    import { createLogger } from ${JSON.stringify(LOGGER)};
    import { exportClock } from ${JSON.stringify(clockEnv)};
    import { SimClock } from ${JSON.stringify(simClock)};
    const log = createLogger('host');
    log.info('before');
    exportClock(new SimClock(Date.parse('2026-12-02T21:14:05Z'), 1));
    log.info('after');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PYROS_SIM_START: '', PYROS_LOG_FORMAT: 'json' },
    timeout: 20_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { simTime?: string; msg: string });
  assert.deepEqual(
    lines.map((l) => [l.msg, l.simTime?.slice(0, 16)]),
    [
      ['before', undefined],
      ['after', '2026-12-02T21:14'],
    ],
  );
});
