// Tasks benchmark: pyros-ts durable tasks (SQLite broker, Redis broker) against BullMQ used directly
// and Celery 5, side by side on one machine and one Redis.
//
//   npm run bench:tasks                      build, then the full run (about 3 min on 2 cores)
//   node bench/tasks/run.mjs --quick         small counts, < 60 s (needs a build)
//   node bench/tasks/run.mjs --quick --no-celery
//                                            what test/bench/tasks.test.ts runs
//   node bench/tasks/run.mjs --update-readme also replace the results block of bench/README.md
//   node bench/tasks/run.mjs --only=sqlite,shm,redis,bullmq,celery
//                                            some systems only (for investigating)
//   node bench/tasks/run.mjs --cpu-prof      pyros workers write V8 CPU profiles to bench/tasks/profiles/
//
// Per system: the enqueue rate (no worker running), end to end (enqueue -> SUCCESS) with 1 and then
// 4 worker processes, and ETA lateness (tasks due over a span, one worker process). Workers are
// real processes: `pyros worker` (node dist/cli/main.js worker), bullmq-worker.mjs, and
// `/usr/bin/python3 -m celery worker`. The bench starts its own redis-server (default config but
// no persistence; hz stays at its default 10) on a free loopback port and stops it at the end.
//
// Prints a markdown block (machine, results, targets) and writes bench/tasks/results.json
// (results-quick.json for --quick). Every child process is started in its own process group and
// killed with it at the end, even on error.

import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, mdTable, updateReadme } from '../report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const NO_CELERY = argv.includes('--no-celery');
const UPDATE_README = argv.includes('--update-readme');
const CPU_PROF = argv.includes('--cpu-prof');
const SYSTEMS = ['sqlite', 'shm', 'redis', 'bullmq', 'celery'];
const ONLY = (
  argv
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',') ?? SYSTEMS
).filter((s) => SYSTEMS.includes(s));
const HOST = '127.0.0.1';
const PYTHON = '/usr/bin/python3';
const REDIS_SERVER = '/usr/bin/redis-server';
const README = join(here, '..', 'README.md');
const RESULTS = join(here, QUICK ? 'results-quick.json' : 'results.json');
const BLOCK_START = '<!-- tasks-bench:start -->';
const BLOCK_END = '<!-- tasks-bench:end -->';

const COUNTS = QUICK
  ? {
      enqueue: 300,
      e2e: 300,
      warm: 50,
      celery: 300,
      celeryWarm: 50,
      late: 200,
      lateSpanS: 1,
      window: 300,
      concurrency: 50,
      waitMs: 30_000,
    }
  : {
      enqueue: 20_000,
      e2e: 20_000,
      warm: 1_000,
      celery: 5_000,
      celeryWarm: 500,
      late: 2_000,
      lateSpanS: 10,
      window: 1_000,
      concurrency: 50,
      waitMs: 180_000,
    };
/** Celery worker command lines: the 1-process and the 4-process rows (see bench/README.md). */
const CELERY_ONE = ['--pool=solo'];
const CELERY_FOUR = ['--pool=prefork', '--concurrency=4'];

process.env.PYROS_LOG_LEVEL ??= 'warn';
const { openBroker } = await import('../../dist/index.js');
const { add, late } = await import('./tasks.mjs');

// ---------------------------------------------------------------- child processes

/** Every child we started (each leads its own process group), killed with its group at the end. */
const children = new Set();

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function killAll() {
  for (const child of children) killGroup(child, 'SIGKILL');
  children.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/**
 * Starts `cmd args` in its own process group; resolves once a line of its stdout or stderr matches
 * `ready` (when given). Output lines are kept (the last 50) for error messages.
 */
async function startChild(name, cmd, args, { cwd = root, env = {}, ready } = {}) {
  const child = spawn(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.benchName = name;
  children.add(child);
  const tail = [];
  let readyResolve;
  let readyReject;
  const readyPromise = new Promise((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  readyPromise.catch(() => {}); // awaited only when `ready` is given
  const onLine = (line) => {
    tail.push(line);
    if (tail.length > 50) tail.shift();
    if (ready?.test(line)) readyResolve();
    if (/"level":(50|60)|\bERROR\b|Traceback/.test(line)) process.stderr.write(`  [${name}] ${line}\n`);
  };
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.setEncoding('utf8').on('data', (s) => {
      buf += s;
      let i = buf.indexOf('\n');
      while (i !== -1) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
        i = buf.indexOf('\n');
      }
    });
  }
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  child.exited.then((how) => {
    children.delete(child);
    readyReject(new Error(`${name} exited (${how}) before it was ready:\n${tail.join('\n')}`));
  });
  child.on('error', (err) => readyReject(err));
  if (ready !== undefined) {
    const timer = setTimeout(() => readyReject(new Error(`${name} not ready within 30 s`)), 30_000);
    try {
      await readyPromise;
    } finally {
      clearTimeout(timer);
    }
  }
  child.tail = tail;
  return child;
}

/** SIGTERM to the child's group, SIGKILL after 10 s. */
async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(timer);
  // Prefork children of a Celery worker, if any outlived their parent.
  killGroup(child, 'SIGKILL');
}

async function stopAll(list) {
  await Promise.all(list.map(stopChild));
}

/** Runs a child to completion; resolves to its stdout (rejects on a non-zero exit). */
async function runChild(name, cmd, args, opts) {
  const child = await startChild(name, cmd, args, opts);
  const chunks = [];
  child.stdout.on('data', (s) => chunks.push(s));
  const how = await child.exited;
  if (how !== 0) throw new Error(`${name} exited (${how}):\n${child.tail.join('\n')}`);
  return chunks.join('');
}

// ---------------------------------------------------------------- helpers

const now = () => process.hrtime.bigint();
const seconds = (t0, t1) => Number(t1 - t0) / 1e9;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** Calls `sendOne(i)` for i in [0, n), at most `window` unsettled at a time. */
async function pump(n, window, sendOne) {
  let next = 0;
  const lane = async () => {
    while (next < n) await sendOne(next++);
  };
  await Promise.all(Array.from({ length: Math.min(window, n) }, lane));
}

/** Polls `count()` every 5 ms until it reaches `target`; throws after COUNTS.waitMs. */
async function waitCount(what, target, count, describe = async () => '') {
  const until = Date.now() + COUNTS.waitMs;
  for (;;) {
    const c = await count();
    if (c >= target) return;
    if (Date.now() > until)
      throw new Error(`${what}: ${c} of ${target} within ${COUNTS.waitMs} ms ${await describe()}`);
    await sleep(5);
  }
}

function lateness(ms) {
  const v = Float64Array.from(ms).sort();
  const n = v.length;
  const pct = (p) => v[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
  return {
    count: n,
    p50: pct(50),
    p99: pct(99),
    max: v[n - 1],
    min: v[0],
    early: ms.filter((x) => x < 0).length,
  };
}

/** Seconds between the end of the enqueueing and the first ETA: 1 s, plus half the expected enqueue time. */
function leadSeconds(enqueueRate, n) {
  return 1 + (1.5 * n) / enqueueRate;
}

function log(line) {
  process.stderr.write(`${line}\n`);
}

// ---------------------------------------------------------------- redis

async function startRedis() {
  const port = await freePort();
  const child = await startChild(
    'redis-server',
    REDIS_SERVER,
    ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no'],
    { ready: /Ready to accept connections/ },
  );
  const { Redis } = await import('ioredis');
  const client = new Redis({ host: HOST, port, lazyConnect: true });
  await client.connect();
  const info = await client.info('server');
  const hz = (await client.config('GET', 'hz'))[1];
  const version = /redis_version:(\S+)/.exec(info)?.[1];
  return { child, client, port, url: `redis://${HOST}:${port}/0`, version, hz };
}

// ---------------------------------------------------------------- pyros-ts

function pyrosWorker(url, i) {
  const prof = CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(here, 'profiles')}`] : [];
  const args = [
    ...prof,
    'dist/cli/main.js',
    'worker',
    '--tasks',
    'bench/tasks/tasks.mjs',
    '--broker',
    url,
    '--concurrency',
    String(COUNTS.concurrency),
  ];
  return startChild(`pyros worker ${i}`, process.execPath, args, {
    env: { PYROS_LOG_LEVEL: 'info', PYROS_LOG_FORMAT: 'json' },
    ready: /takes tasks from/,
  });
}

async function startPyrosWorkers(url, count) {
  const list = [];
  try {
    for (let i = 0; i < count; i++) list.push(await pyrosWorker(url, i));
  } catch (err) {
    await stopAll(list);
    throw err;
  }
  return list;
}

/** Enqueue, end to end with 1 and 4 workers, and lateness, for one pyros-ts broker URL. */
async function pyrosSystem(id, label, url, notes) {
  const broker = await openBroker(url);
  /** SUCCESS count; throws at the first failed task, with its error. */
  const succeeded = async () => {
    const c = await broker.counts();
    if ((c.FAILURE ?? 0) > 0) {
      const [f] = await broker.list({ states: ['FAILURE'], limit: 1 });
      throw new Error(`${label}: ${c.FAILURE} task(s) failed, e.g. ${JSON.stringify(f?.error)}`);
    }
    return c.SUCCESS ?? 0;
  };
  const failed = async () => {
    const c = await broker.counts();
    return (c.FAILURE ?? 0) + (c.EXPIRED ?? 0) + (c.REVOKED ?? 0);
  };
  const enqueueAdd = (n) => pump(n, COUNTS.window, (i) => add.applyAsync([i, i], { broker }));
  const describe = async () => {
    const c = await broker.counts();
    const stuck = await broker.list({ states: ['PENDING', 'SCHEDULED', 'STARTED', 'RETRY'], limit: 3 });
    return `(counts ${JSON.stringify(c)}; e.g. ${JSON.stringify(stuck)})`;
  };
  const e2e = async (workers) => {
    const base = await succeeded();
    await enqueueAdd(COUNTS.warm);
    await waitCount(`${label} warm-up`, base + COUNTS.warm, succeeded, describe);
    const start = await succeeded();
    const t0 = now();
    await enqueueAdd(COUNTS.e2e);
    const accepted = now();
    await waitCount(`${label} end to end, ${workers} worker(s)`, start + COUNTS.e2e, succeeded, describe);
    const t1 = now();
    if ((await failed()) > 0) throw new Error(`${label}: some tasks failed`);
    return {
      count: COUNTS.e2e,
      seconds: seconds(t0, t1),
      acceptedSeconds: seconds(t0, accepted),
      rate: COUNTS.e2e / seconds(t0, t1),
    };
  };
  const row = { id, system: label, notes };
  let workers = [];
  try {
    log(`${label}: enqueue`);
    await enqueueAdd(COUNTS.warm);
    await broker.purge();
    let t0 = now();
    await enqueueAdd(COUNTS.enqueue);
    row.enqueue = { count: COUNTS.enqueue, seconds: seconds(t0, now()) };
    row.enqueue.rate = COUNTS.enqueue / row.enqueue.seconds;
    await broker.purge();

    log(`${label}: end to end, 1 worker process`);
    workers = await startPyrosWorkers(url, 1);
    row.e2e1 = await e2e(1);

    log(`${label}: ETA lateness, ${COUNTS.late} tasks over ${COUNTS.lateSpanS} s`);
    const base = await succeeded();
    const lead = leadSeconds(row.enqueue.rate, COUNTS.late);
    const start = Date.now() + Math.round(lead * 1000);
    const span = COUNTS.lateSpanS * 1000;
    t0 = now();
    await pump(COUNTS.late, COUNTS.window, (i) => {
      const eta = start + Math.floor((span * i) / COUNTS.late);
      return late.applyAsync([eta], { broker, eta: new Date(eta) });
    });
    const leadAfter = (start - Date.now()) / 1000;
    await waitCount(`${label} lateness`, base + COUNTS.late, succeeded, describe);
    const done = await broker.list({ states: ['SUCCESS'], name: late.name });
    if (done.length !== COUNTS.late) throw new Error(`${label}: ${done.length} lateness results`);
    row.late = { ...lateness(done.map((r) => r.result)), leadAfterEnqueue: leadAfter };
    await stopAll(workers);

    log(`${label}: end to end, 4 worker processes`);
    workers = await startPyrosWorkers(url, 4);
    row.e2e4 = await e2e(4);
    await stopAll(workers);
    workers = [];
  } finally {
    await stopAll(workers);
    await broker.close();
  }
  return row;
}

// ---------------------------------------------------------------- BullMQ

async function bullmqSystem(redis) {
  const { Queue } = await import('bullmq');
  const version = JSON.parse(readFileSync(join(root, 'node_modules/bullmq/package.json'), 'utf8')).version;
  const label = `BullMQ ${version} direct`;
  const QUEUE = 'bench';
  const queue = new Queue(QUEUE, { connection: { host: HOST, port: redis.port } });
  await queue.waitUntilReady();
  const completed = () => queue.getCompletedCount();
  const enqueueAdd = (n) => pump(n, COUNTS.window, (i) => queue.add('add', { a: i, b: i }));
  const startWorkers = async (count) => {
    const list = [];
    try {
      for (let i = 0; i < count; i++) {
        const args = [
          join(here, 'bullmq-worker.mjs'),
          HOST,
          String(redis.port),
          QUEUE,
          String(COUNTS.concurrency),
        ];
        list.push(await startChild(`bullmq worker ${i}`, process.execPath, args, { ready: /^ready$/ }));
      }
    } catch (err) {
      await stopAll(list);
      throw err;
    }
    return list;
  };
  const e2e = async (workers) => {
    const base = await completed();
    await enqueueAdd(COUNTS.warm);
    await waitCount(`${label} warm-up`, base + COUNTS.warm, completed);
    const start = await completed();
    const t0 = now();
    await enqueueAdd(COUNTS.e2e);
    const accepted = now();
    await waitCount(`${label} end to end, ${workers} worker(s)`, start + COUNTS.e2e, completed);
    const t1 = now();
    if ((await queue.getFailedCount()) > 0) throw new Error(`${label}: some jobs failed`);
    return {
      count: COUNTS.e2e,
      seconds: seconds(t0, t1),
      acceptedSeconds: seconds(t0, accepted),
      rate: COUNTS.e2e / seconds(t0, t1),
    };
  };
  const row = {
    id: 'bullmq',
    system: label,
    notes: `Queue.add (${COUNTS.window} in flight) + Worker, concurrency ${COUNTS.concurrency} per process; delayed jobs (\`delay\`) for lateness`,
  };
  let workers = [];
  try {
    log(`${label}: enqueue`);
    await enqueueAdd(COUNTS.warm);
    await queue.obliterate({ force: true });
    let t0 = now();
    await enqueueAdd(COUNTS.enqueue);
    row.enqueue = { count: COUNTS.enqueue, seconds: seconds(t0, now()) };
    row.enqueue.rate = COUNTS.enqueue / row.enqueue.seconds;
    await queue.obliterate({ force: true });
    // addBulk, for reference (pyros-ts has no bulk enqueue).
    t0 = now();
    for (let i = 0; i < COUNTS.enqueue; i += 1000) {
      const batch = [];
      for (let j = i; j < Math.min(COUNTS.enqueue, i + 1000); j++)
        batch.push({ name: 'add', data: { a: j, b: j } });
      await queue.addBulk(batch);
    }
    row.enqueueBulkRate = COUNTS.enqueue / seconds(t0, now());
    await queue.obliterate({ force: true });

    log(`${label}: end to end, 1 worker process`);
    workers = await startWorkers(1);
    row.e2e1 = await e2e(1);

    log(`${label}: delayed-job lateness, ${COUNTS.late} jobs over ${COUNTS.lateSpanS} s`);
    const base = await completed();
    const lead = leadSeconds(row.enqueue.rate, COUNTS.late);
    const start = Date.now() + Math.round(lead * 1000);
    const span = COUNTS.lateSpanS * 1000;
    await pump(COUNTS.late, COUNTS.window, (i) => {
      const eta = start + Math.floor((span * i) / COUNTS.late);
      // `timestamp` pinned so that BullMQ's due time (timestamp + delay) is exactly `eta`.
      const ts = Date.now();
      return queue.add('late', { eta }, { delay: eta - ts, timestamp: ts });
    });
    const leadAfter = (start - Date.now()) / 1000;
    await waitCount(`${label} lateness`, base + COUNTS.late, completed);
    const jobs = (await queue.getCompleted(0, -1)).filter((j) => j.name === 'late');
    if (jobs.length !== COUNTS.late) throw new Error(`${label}: ${jobs.length} lateness results`);
    row.late = { ...lateness(jobs.map((j) => j.returnvalue)), leadAfterEnqueue: leadAfter };
    await stopAll(workers);

    log(`${label}: end to end, 4 worker processes`);
    workers = await startWorkers(4);
    row.e2e4 = await e2e(4);
    await stopAll(workers);
    workers = [];
  } finally {
    await stopAll(workers);
    await queue.close();
  }
  return row;
}

// ---------------------------------------------------------------- Celery

/** Celery's version, or undefined when `/usr/bin/python3 -m celery` does not run. */
function celeryVersion() {
  try {
    return execFileSync(PYTHON, ['-m', 'celery', '--version'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .split(' ')[0];
  } catch {
    return undefined;
  }
}

async function celerySystem(redis, version) {
  const label = `Celery ${version}`;
  const env = { BENCH_REDIS_URL: redis.url, PYTHONDONTWRITEBYTECODE: '1' };
  const client = async (...args) => {
    const out = await runChild(
      'celery client',
      PYTHON,
      [join(here, 'celery_client.py'), ...args.map(String)],
      {
        cwd: here,
        env,
      },
    );
    return JSON.parse(out.trim().split('\n').pop());
  };
  const worker = (pool) =>
    startChild(
      'celery worker',
      PYTHON,
      [
        '-m',
        'celery',
        '-A',
        'celery_app',
        'worker',
        ...pool,
        '--loglevel=warning',
        '--without-gossip',
        '--without-mingle',
        '--without-heartbeat',
      ],
      {
        cwd: here,
        env,
      },
    );
  const row = {
    id: 'celery',
    system: label,
    notes: `${PYTHON} -m celery; ${COUNTS.celery.toLocaleString('en-US')} tasks; add.delay() in a loop, ResultSet.get(); 1 process: ${CELERY_ONE.join(' ')}, 4 processes: ${CELERY_FOUR.join(' ')}; eta= for lateness, with the prefork pool`,
  };
  let workers = [];
  try {
    log(`${label}: enqueue`);
    row.enqueue = await client('enqueue', COUNTS.celery);
    await redis.client.flushall();

    log(`${label}: end to end, 1 worker process (${CELERY_ONE.join(' ')})`);
    workers = [await worker(CELERY_ONE)];
    row.e2e1 = await client('e2e', COUNTS.celery, COUNTS.celeryWarm);
    await stopAll(workers);
    await redis.client.flushall();

    log(`${label}: end to end, 4 worker processes (${CELERY_FOUR.join(' ')})`);
    workers = [await worker(CELERY_FOUR)];
    row.e2e4 = await client('e2e', COUNTS.celery, COUNTS.celeryWarm);
    await redis.client.flushall();
    // Lateness with Celery's default prefork pool: its solo pool runs one task at a time and falls behind on 2,000 ETAs.
    log(`${label}: ETA lateness, ${COUNTS.late} tasks over ${COUNTS.lateSpanS} s (${CELERY_FOUR.join(' ')})`);
    const lead = leadSeconds(row.enqueue.rate, COUNTS.late);
    const out = await client('late', COUNTS.late, COUNTS.lateSpanS, lead.toFixed(3));
    row.late = { ...lateness(out.lateMs), leadAfterEnqueue: out.leadAfterEnqueue };
    await stopAll(workers);
    workers = [];
  } finally {
    await stopAll(workers);
  }
  return row;
}

// ---------------------------------------------------------------- report

function fmtRate(x) {
  return x === undefined ? '' : Math.round(x).toLocaleString('en-US');
}

function fmtMs(x) {
  if (x === undefined) return '';
  return Math.abs(x) < 10 ? x.toFixed(1) : x.toFixed(0);
}

/** The filesystem type of the folder holding `path` (from df), e.g. "ext4". */
function fsType(path) {
  try {
    return execFileSync('df', ['--output=fstype', path], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()
      .trim();
  } catch {
    return 'unknown filesystem';
  }
}

function targets(byId) {
  const r = byId.redis;
  const b = byId.bullmq;
  const c = byId.celery;
  const s = byId.sqlite;
  const ratio = (x, y) => (x !== undefined && y !== undefined && y > 0 ? x / y : undefined);
  const rows = [];
  const add = (target, goal, value, met, shown) =>
    rows.push({
      target,
      goal,
      value,
      met: value !== undefined && met,
      shown: value === undefined ? 'not measured' : shown,
    });
  for (const [k, n] of [
    ['e2e1', 1],
    ['e2e4', 4],
  ]) {
    const vb = ratio(r?.[k]?.rate, b?.[k]?.rate);
    add(
      `Redis broker vs BullMQ direct, end to end, ${n} worker${n > 1 ? 's' : ''}`,
      '≥ 0.8×',
      vb,
      vb >= 0.8,
      `${vb?.toFixed(2)}×`,
    );
  }
  for (const [k, n] of [
    ['e2e1', 1],
    ['e2e4', 4],
  ]) {
    const vc = ratio(r?.[k]?.rate, c?.[k]?.rate);
    add(
      `Redis broker vs Celery, end to end, ${n} worker${n > 1 ? 's' : ''}`,
      '≥ 10×',
      vc,
      vc >= 10,
      `${vc?.toFixed(1)}×`,
    );
  }
  const s4 = s?.e2e4?.rate;
  add('SQLite broker end to end, 4 workers', '≥ 10,000 tasks/s', s4, s4 >= 10_000, `${fmtRate(s4)} tasks/s`);
  add('SQLite ETA lateness p99', '≤ 10 ms', s?.late?.p99, s?.late?.p99 <= 10, `${fmtMs(s?.late?.p99)} ms`);
  add('Redis ETA lateness p99', '≤ 20 ms', r?.late?.p99, r?.late?.p99 <= 20, `${fmtMs(r?.late?.p99)} ms`);
  const early = s?.late === undefined || r?.late === undefined ? undefined : s.late.early + r.late.early;
  add('never early (SQLite and Redis)', '0 early tasks', early, early === 0, `${early} early`);
  return rows;
}

function markdown(report) {
  const m = report.machine;
  return [
    BLOCK_START,
    `Measured ${report.date} (${report.quick ? 'quick run: small counts, indicative only' : 'full run'}) on ${m.nproc} CPUs (${m.cpu}), ${m.ramGiB} GiB RAM, ${m.os}, Node ${m.node}, ${report.redis.version === undefined ? '' : `Redis ${report.redis.version} (hz ${report.redis.hz}, no persistence), `}${report.counts.e2e.toLocaleString('en-US')} tasks per rate (Celery: ${report.counts.celery.toLocaleString('en-US')}), lateness: ${report.counts.late.toLocaleString('en-US')} tasks due over ${report.counts.lateSpanS} s.`,
    '',
    ...mdTable(
      [
        'system',
        'enqueue /s',
        'end to end /s, 1 worker',
        'end to end /s, 4 workers',
        'late p50 ms',
        'late p99 ms',
        'late max ms',
        'early',
        'notes',
      ],
      [false, true, true, true, true, true, true, true, false],
      report.results.map((r) =>
        r.notRun !== undefined
          ? [r.system, '', '', '', '', '', '', '', `not run: ${r.notRun}`]
          : [
              r.system,
              fmtRate(r.enqueue?.rate),
              fmtRate(r.e2e1?.rate),
              fmtRate(r.e2e4?.rate),
              fmtMs(r.late?.p50),
              fmtMs(r.late?.p99),
              fmtMs(r.late?.max),
              r.late?.early ?? '',
              r.notes,
            ],
      ),
    ),
    '',
    ...mdTable(
      ['target', 'goal', 'measured', 'status'],
      [false, false, true, false],
      report.targets.map((t) => [
        t.target,
        t.goal,
        t.shown,
        t.value === undefined ? 'not measured' : t.met ? 'met' : '**not met**',
      ]),
    ),
    BLOCK_END,
  ].join('\n');
}

// ---------------------------------------------------------------- main

let exitCode = 0;
const work = mkdtempSync(join(os.tmpdir(), 'pyros-tasks-bench-'));
const shmWork = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/pyros-tasks-bench-') : undefined;
let redis;
try {
  if (!existsSync(join(root, 'dist/cli/main.js')))
    throw new Error('dist/ is missing: run `npm run build` first');
  if (CPU_PROF) mkdirSync(join(here, 'profiles'), { recursive: true });
  const started = now();
  const results = [];
  if (ONLY.includes('sqlite')) {
    const file = join(work, 'tasks.db');
    results.push(
      await pyrosSystem(
        'sqlite',
        'pyros-ts SQLite broker',
        `sqlite:${file}`,
        `file in ${work} (${fsType(work)}); concurrency ${COUNTS.concurrency} per worker process`,
      ),
    );
  }
  if (ONLY.includes('shm') && shmWork !== undefined) {
    const file = join(shmWork, 'tasks.db');
    results.push(
      await pyrosSystem(
        'shm',
        'pyros-ts SQLite broker, /dev/shm',
        `sqlite:${file}`,
        `file in /dev/shm (${fsType(shmWork)}); concurrency ${COUNTS.concurrency} per worker process`,
      ),
    );
  }
  const needRedis = ['redis', 'bullmq', 'celery'].some((s) => ONLY.includes(s));
  if (needRedis) redis = await startRedis();
  if (ONLY.includes('redis')) {
    await redis.client.flushall();
    results.push(
      await pyrosSystem(
        'redis',
        'pyros-ts Redis broker',
        redis.url,
        `concurrency ${COUNTS.concurrency} per worker process; same Redis as BullMQ and Celery`,
      ),
    );
  }
  if (ONLY.includes('bullmq')) {
    await redis.client.flushall();
    results.push(await bullmqSystem(redis));
  }
  if (ONLY.includes('celery')) {
    const version = celeryVersion();
    if (NO_CELERY) {
      results.push({ id: 'celery', system: 'Celery', notRun: '--no-celery' });
    } else if (version === undefined) {
      if (!QUICK)
        throw new Error(
          `Celery is not installed (${PYTHON} -m celery): apt-get install python3-celery python3-redis`,
        );
      results.push({ id: 'celery', system: 'Celery', notRun: `not installed (${PYTHON} -m celery failed)` });
    } else {
      await redis.client.flushall();
      results.push(await celerySystem(redis, version));
    }
  }
  const byId = Object.fromEntries(results.map((r) => [r.id, r]));
  const report = {
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    quick: QUICK,
    machine: machine(),
    redis: redis === undefined ? {} : { version: redis.version, hz: redis.hz },
    counts: COUNTS,
    seconds: seconds(started, now()),
    results,
    targets: targets(byId),
  };
  writeFileSync(RESULTS, `${JSON.stringify(report, null, 2)}\n`);
  const block = markdown(report);
  process.stdout.write(`\n${block}\n\nresults: ${RESULTS} (${report.seconds.toFixed(1)} s)\n`);
  if (UPDATE_README) {
    updateReadme(README, BLOCK_START, BLOCK_END, block);
    process.stdout.write(`updated ${README}\n`);
  }
} catch (err) {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack : err}\n`);
  exitCode = 1;
} finally {
  if (redis !== undefined) {
    redis.client.disconnect();
    await stopChild(redis.child).catch(() => {});
  }
  for (const child of [...children]) await stopChild(child).catch(() => {});
  killAll();
  rmSync(work, { recursive: true, force: true });
  if (shmWork !== undefined) rmSync(shmWork, { recursive: true, force: true });
}
process.exit(exitCode);
