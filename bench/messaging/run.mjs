// Messaging benchmark: pyros-ts (framed and text protocols, framed with and without a secret)
// against Moleculer 0.15's TCP transporter and raw Node sockets (plain and TLS 1.3 PSK), on
// 127.0.0.1, the receiving side always in a child process.
//
//   npm run bench:messaging                  build, then the full run (< 3 min on 2 cores)
//   node bench/messaging/run.mjs --quick     small counts, < 20 s (what test/bench runs)
//   node bench/messaging/run.mjs --update-readme
//                                            also replace the results block of bench/README.md
//   node bench/messaging/run.mjs --only=pyros,moleculer,raw
//                                            run some scenario groups only (for investigating)
//
// Prints a markdown block (machine, results table, targets) and writes bench/messaging/results.json
// (results-quick.json for --quick, so that a test run never overwrites the full results).
// Imports the built package (dist/), so run `npm run build` first.

import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { machine, mdTable, updateReadme } from '../report.mjs';
import { brokerOptions, loadMoleculer } from './moleculer.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const QUICK = process.argv.includes('--quick');
const UPDATE_README = process.argv.includes('--update-readme');
const GROUPS = ['pyros', 'moleculer', 'raw'];
const ONLY = (
  process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',') ?? GROUPS
).filter((g) => GROUPS.includes(g));
const HOST = '127.0.0.1';
const AGENT = 'bench_sink';
const README = join(here, '..', 'README.md');
const RESULTS = join(here, QUICK ? 'results-quick.json' : 'results.json');
const BLOCK_START = '<!-- messaging-bench:start -->';
const BLOCK_END = '<!-- messaging-bench:end -->';

const COUNTS = QUICK
  ? {
      rounds: 1,
      framedWarm: 2_000,
      framed: 10_000,
      window: 10_000,
      requestWarm: 300,
      request: 2_000,
      textWarm: 100,
      text: 500,
      textConcurrency: 50,
      emitWarm: 2_000,
      emit: 10_000,
      callWarm: 300,
      call: 2_000,
      rawSingle: 50_000,
      rawBatched: 200_000,
      batch: 1_000,
      waitMs: 15_000,
    }
  : {
      rounds: 3,
      framedWarm: 50_000,
      framed: 200_000,
      window: 10_000,
      requestWarm: 5_000,
      request: 30_000,
      textWarm: 1_000,
      text: 4_000,
      textConcurrency: 50,
      emitWarm: 20_000,
      emit: 100_000,
      callWarm: 3_000,
      call: 20_000,
      rawSingle: 1_000_000,
      rawBatched: 10_000_000,
      batch: 1_000,
      waitMs: 120_000,
    };

// Quiet logs everywhere (children inherit the environment); the agent config is written below.
process.env.PYROS_LOG_LEVEL ??= 'warn';
const work = mkdtempSync(join(os.tmpdir(), 'pyros-bench-'));
const framedConfigPath = join(work, 'pyros_agent_config.ini');
const securedConfigPath = join(work, 'secured.ini');
/** The secret of the secured rows: framed traffic then runs inside TLS 1.3 with a PSK derived from it. */
const SECRET = 'bench-secret';
// The sending side finds the agent the usual way: PYROS_AGENT_CONFIG.
process.env.PYROS_AGENT_CONFIG = framedConfigPath;
const { AgentConfig, Sender } = await import('../../dist/index.js');

// ---------------------------------------------------------------- children

const children = new Set();

function killAll() {
  for (const child of children) {
    try {
      child.proc.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/** A forked receiver (receiver.mjs) and the IPC messages it sends. */
class Receiver {
  constructor(mode, env) {
    this.mode = mode;
    this.waiters = [];
    this.proc = fork(join(here, 'receiver.mjs'), [mode], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.add(this);
    this.proc.on('message', (msg) => this.onMessage(msg));
    this.proc.on('exit', (code, signal) => {
      children.delete(this);
      this.failAll(new Error(`receiver "${mode}" exited (${signal ?? code})`));
    });
  }

  onMessage(msg) {
    if (msg?.type === 'error') {
      this.failAll(new Error(`receiver "${this.mode}" failed: ${msg.message}`));
      return;
    }
    for (const w of [...this.waiters]) {
      if (w.match(msg)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(msg);
      }
    }
  }

  failAll(err) {
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  /** The next message that `match` accepts; rejects on timeout or if the child dies. */
  waitFor(match, what, ms = COUNTS.waitMs) {
    let waiter;
    const promise = new Promise((resolve, reject) => {
      waiter = { match, resolve, reject };
      waiter.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`receiver "${this.mode}": no ${what} within ${ms} ms`));
      }, ms);
    });
    this.waiters.push(waiter);
    promise.catch(() => {}); // awaited later; do not let an early failure count as unhandled
    return promise;
  }

  ready() {
    return this.waitFor((m) => m.type === 'ready', 'ready message');
  }

  /** Arms the child's counter for `n` messages; resolves to `{ done }`, a promise of its 'done' report. */
  async expect(n, tag) {
    const done = this.waitFor((m) => m.type === 'done' && m.tag === tag, `"${tag}" done (${n} messages)`);
    const armed = this.waitFor((m) => m.type === 'armed' && m.tag === tag, `"${tag}" armed`);
    this.proc.send({ cmd: 'expect', n, tag });
    await armed;
    return { done }; // wrapped: an async function would otherwise wait for it
  }

  async stop() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = once(this.proc, 'exit');
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- helpers

const now = () => process.hrtime.bigint();
const seconds = (t0, t1) => Number(t1 - t0) / 1e9;

async function freePorts(count) {
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = createServer();
      server.listen(0, HOST);
      await once(server, 'listening');
      return server;
    }),
  );
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Calls `sendOne(i)` for i in [0, n), keeping at most `window` unsettled; resolves when all resolved. */
function pump(n, window, sendOne) {
  return new Promise((resolve, reject) => {
    let started = 0;
    let settled = 0;
    let failed = false;
    const ok = () => {
      settled++;
      if (settled === n) resolve();
      else if (started < n && !failed) launch();
    };
    const fail = (err) => {
      if (failed) return;
      failed = true;
      reject(err);
    };
    const launch = () => {
      const i = started++;
      let p;
      try {
        p = sendOne(i);
      } catch (err) {
        fail(err);
        return;
      }
      p.then(ok, fail);
    };
    if (n === 0) resolve();
    for (let k = Math.min(window, n); k > 0; k--) launch();
  });
}

/** `n` messages through `send`, timed until the receiver reports them all handled. */
async function throughputOnce(rx, tag, n, send) {
  const { done } = await rx.expect(n, tag);
  const t0 = now();
  await send(n);
  const accepted = now();
  await done;
  const t1 = now();
  return {
    count: n,
    seconds: seconds(t0, t1),
    acceptedSeconds: seconds(t0, accepted),
    rate: n / seconds(t0, t1),
  };
}

/** COUNTS.rounds rounds of throughputOnce; the median round, with every round's rate in `rates`. */
async function throughput(rx, tag, n, send) {
  const rounds = [];
  for (let r = 0; r < COUNTS.rounds; r++) rounds.push(await throughputOnce(rx, `${tag}#${r}`, n, send));
  const rates = rounds.map((x) => x.rate);
  const median = [...rounds].sort((a, b) => a.rate - b.rate)[Math.floor(rounds.length / 2)];
  return { ...median, rates };
}

/** "median of 3 rounds (min–max)" for a throughput result. */
function spread(m) {
  return `median of ${m.rates.length} rounds (${fmtRate(Math.min(...m.rates))}–${fmtRate(Math.max(...m.rates))})`;
}

/** `warm` untimed calls, then `n` timed calls one at a time; latencies in µs. */
async function latency(warm, n, call) {
  for (let i = 0; i < warm; i++) await call(i);
  const us = new Float64Array(n);
  const t0 = now();
  for (let i = 0; i < n; i++) {
    const s = now();
    await call(i);
    us[i] = Number(now() - s) / 1000;
  }
  const total = seconds(t0, now());
  us.sort();
  const pct = (p) => us[Math.min(n - 1, Math.ceil((p / 100) * n) - 1)];
  return { count: n, seconds: total, rate: n / total, p50: pct(50), p99: pct(99), max: us[n - 1] };
}

/** The seed's text protocol with a plain client: connect, write, end, wait for the peer's close. */
function rawTextOnce(port, text) {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: HOST, port });
    socket.on('connect', () => socket.end(text));
    socket.on('data', () => {});
    socket.on('error', reject);
    socket.on('close', (hadError) => {
      if (!hadError) resolve();
    });
  });
}

/** The addresses listening on `ports` (from `ss -ltnH`), or undefined when ss is not available. */
function listeners(ports) {
  try {
    const out = execFileSync('ss', ['-ltnH'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[3])
      .filter((addr) => addr !== undefined && ports.some((p) => addr.endsWith(`:${p}`)));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- scenarios

const results = [];

function record(id, scenario, unit, m, notes) {
  const row = {
    id,
    scenario,
    unit,
    rate: m.rate,
    p50Us: m.p50,
    p99Us: m.p99,
    maxUs: m.max,
    count: m.count,
    seconds: m.seconds,
    rates: m.rates,
    notes: m.rates === undefined || m.rates.length < 2 ? notes : `${notes}; ${spread(m)}`,
  };
  results.push(row);
  process.stderr.write(
    `  ${scenario}: ${fmtRate(m.rate)} ${unit}/s (${m.count} in ${m.seconds.toFixed(2)} s)\n`,
  );
}

async function pyrosScenarios() {
  const [port] = await freePorts(1);
  writeFileSync(framedConfigPath, `[${AGENT}]\nip = ${HOST}\nreceive_port = ${port}\n`);
  // The same agent and port, seen by the sender as a text-protocol peer (the agent accepts both).
  const textConfig = AgentConfig.parse(
    `[${AGENT}]\nip = ${HOST}\nreceive_port = ${port}\nprotocol = text\n`,
    join(work, 'text.ini'),
  );
  const rx = new Receiver('agent', { PYROS_AGENT_CONFIG: framedConfigPath });
  try {
    await rx.ready();
    Sender.configure({ from: 'bench' });
    const { window, textConcurrency: conc } = COUNTS;
    const sendFramed = (n) => pump(n, window, (i) => Sender.sendTo(AGENT, 'count', { seq: i }));

    process.stderr.write('pyros-ts framed\n');
    await throughputOnce(rx, 'framed-warm', COUNTS.framedWarm, sendFramed);
    const framed = await throughput(rx, 'framed', COUNTS.framed, sendFramed);
    record(
      'framed',
      'pyros-ts framed sendTo, pipelined',
      'msgs',
      framed,
      `${fmtRate(window)} in flight; until all handled (all accepted after ${framed.acceptedSeconds.toFixed(2)} s)`,
    );

    const echo = await Sender.request(AGENT, 'echo', { seq: 1 });
    if (echo?.seq !== 1) throw new Error(`echo returned ${JSON.stringify(echo)}`);
    const req = await latency(COUNTS.requestWarm, COUNTS.request, (i) =>
      Sender.request(AGENT, 'echo', { seq: i }),
    );
    record(
      'request',
      'pyros-ts framed request/reply',
      'calls',
      req,
      `one in flight, ${fmtRate(COUNTS.requestWarm)} warm-up; max ${req.max.toFixed(0)} µs`,
    );

    process.stderr.write('pyros-ts text\n');
    const sendText = (n) =>
      pump(n, conc, () => Sender.sendTo(AGENT, 'count', undefined, { config: textConfig }));
    const sendRawText = (n) => pump(n, conc, () => rawTextOnce(port, 'count'));
    await throughputOnce(rx, 'text-warm', COUNTS.textWarm, sendText);
    await throughputOnce(rx, 'text-raw-warm', COUNTS.textWarm, sendRawText);
    const text = await throughput(rx, 'text', COUNTS.text, sendText);
    record('text', 'pyros-ts text sendTo', 'msgs', text, `a connection per message, ${conc} at a time`);

    const rawText = await throughput(rx, 'text-raw', COUNTS.text, sendRawText);
    record(
      'textRaw',
      'text protocol, plain net client',
      'msgs',
      rawText,
      `connect/write/end per message, ${conc} at a time; same agent`,
    );
  } finally {
    Sender.closeAll();
    await rx.stop();
  }
}

/** The same agent with a secret: framed traffic inside TLS 1.3 (PSK from the secret). */
async function securedScenarios() {
  const [port] = await freePorts(1);
  writeFileSync(securedConfigPath, `[${AGENT}]\nip = ${HOST}\nreceive_port = ${port}\nsecret = ${SECRET}\n`);
  const config = AgentConfig.load(securedConfigPath);
  const rx = new Receiver('agent', { PYROS_AGENT_CONFIG: securedConfigPath });
  try {
    await rx.ready();
    Sender.configure({ from: 'bench' });
    const { window } = COUNTS;
    const send = (n) => pump(n, window, (i) => Sender.sendTo(AGENT, 'count', { seq: i }, { config }));
    process.stderr.write('pyros-ts framed, secret set (TLS 1.3 PSK)\n');
    await throughputOnce(rx, 'tls-warm', COUNTS.framedWarm, send);
    const framed = await throughput(rx, 'tls', COUNTS.framed, send);
    record(
      'framedTls',
      'pyros-ts framed sendTo, pipelined, secret set',
      'msgs',
      framed,
      `inside TLS 1.3 (PSK from the secret, AES-128-GCM); ${fmtRate(window)} in flight`,
    );
    const req = await latency(COUNTS.requestWarm, COUNTS.request, (i) =>
      Sender.request(AGENT, 'echo', { seq: i }, { config }),
    );
    record(
      'requestTls',
      'pyros-ts framed request/reply, secret set',
      'calls',
      req,
      `inside TLS 1.3; one in flight; max ${req.max.toFixed(0)} µs`,
    );
  } finally {
    Sender.closeAll();
    await rx.stop();
  }
}

async function moleculerScenarios() {
  const { ServiceBroker, version } = loadMoleculer();
  const [portA, portB] = await freePorts(2);
  const urls = [`${HOST}:${portA}/bench`, `${HOST}:${portB}/sink`];
  const rx = new Receiver('moleculer', { BENCH_MOLECULER_URLS: JSON.stringify(urls) });
  const broker = new ServiceBroker(brokerOptions('bench', urls));
  try {
    await rx.ready();
    await broker.start();
    await broker.waitForServices('sink', COUNTS.waitMs);
    const bound = listeners([portA, portB]);
    const where = bound === undefined ? 'ss not available' : `listening on ${bound.join(', ')}`;
    if (bound?.some((addr) => !addr.startsWith(`${HOST}:`))) {
      throw new Error(`Moleculer listens outside loopback: ${bound.join(', ')}`);
    }
    process.stderr.write(`moleculer ${version} (${where})\n`);

    const emit = (n) => pump(n, COUNTS.window, (i) => broker.emit('bench.count', { seq: i }));
    await throughputOnce(rx, 'emit-warm', COUNTS.emitWarm, emit);
    const emits = await throughput(rx, 'emit', COUNTS.emit, emit);
    record(
      'moleculerEmit',
      `Moleculer ${version} TCP broker.emit`,
      'msgs',
      emits,
      `${fmtRate(COUNTS.window)} in flight; until all handled`,
    );

    const calls = await latency(COUNTS.callWarm, COUNTS.call, (i) => broker.call('sink.echo', { seq: i }));
    record(
      'moleculerCall',
      `Moleculer ${version} TCP broker.call`,
      'calls',
      calls,
      `one in flight, ${fmtRate(COUNTS.callWarm)} warm-up; max ${calls.max.toFixed(0)} µs`,
    );
    return version;
  } finally {
    await broker.stop().catch(() => {});
    await rx.stop();
  }
}

/** One request/reply on a raw socket: write a line, wait until the echo of its newline is back. */
function rawEchoClient(socket) {
  let pending;
  socket.on('data', (chunk) => {
    if (pending !== undefined && chunk.indexOf(10) !== -1) {
      const resolve = pending;
      pending = undefined;
      resolve();
    }
  });
  return (i) =>
    new Promise((resolve) => {
      pending = resolve;
      socket.write(`{"seq":${i}}\n`);
    });
}

async function rawScenarios() {
  const [count, echo, text, tlsCount, tlsEcho] = await freePorts(5);
  const rx = new Receiver('raw', {
    BENCH_RAW_PORTS: JSON.stringify({ count, echo, text, tlsCount, tlsEcho }),
    BENCH_SECRET: SECRET,
  });
  const sockets = [];
  const { clientTlsOptions } = await import('../../dist/transport/tls-psk.js');
  const open = async (port, tls = false) => {
    const socket = tls
      ? tlsConnect({ host: HOST, port, ...clientTlsOptions(SECRET, AGENT) })
      : connect({ host: HOST, port });
    sockets.push(socket);
    await once(socket, tls ? 'secureConnect' : 'connect'); // rejects on 'error'
    return socket;
  };
  try {
    await rx.ready();
    process.stderr.write('raw socket\n');
    const socket = await open(count);
    const streamOn = (socket, perWrite) => async (n) => {
      let i = 0;
      while (i < n) {
        let chunk = '';
        const end = Math.min(n, i + perWrite);
        for (; i < end; i++) chunk += `{"seq":${i}}\n`;
        if (!socket.write(chunk)) await once(socket, 'drain');
      }
    };
    const stream = (perWrite) => streamOn(socket, perWrite);
    await throughputOnce(rx, 'raw-warm', Math.min(COUNTS.rawSingle, 50_000), stream(1));
    const single = await throughput(rx, 'raw-single', COUNTS.rawSingle, stream(1));
    record(
      'rawSingle',
      'raw socket, a write per message',
      'msgs',
      single,
      'newline-delimited {"seq":n}, receiver counts newlines; ceiling',
    );
    const batched = await throughput(rx, 'raw-batched', COUNTS.rawBatched, stream(COUNTS.batch));
    record(
      'rawBatched',
      `raw socket, ${COUNTS.batch} messages per write`,
      'msgs',
      batched,
      'same, batched by the sender; ceiling',
    );

    const call = rawEchoClient(await open(echo));
    const pingPong = await latency(COUNTS.requestWarm, COUNTS.request, call);
    record(
      'rawEcho',
      'raw socket ping-pong',
      'calls',
      pingPong,
      `one line out, its echo back, one in flight; max ${pingPong.max.toFixed(0)} µs; latency ceiling`,
    );

    process.stderr.write('raw TLS 1.3 socket (PSK)\n');
    const tlsStream = streamOn(await open(tlsCount, true), 1);
    await throughputOnce(rx, 'tls-raw-warm', Math.min(COUNTS.rawSingle, 50_000), tlsStream);
    const tlsSingle = await throughput(rx, 'tls-raw-single', COUNTS.rawSingle, tlsStream);
    record(
      'rawTlsSingle',
      'raw TLS 1.3 socket, a write per message',
      'msgs',
      tlsSingle,
      'as the raw socket row, inside TLS with the same PSK setup; ceiling of the secured rows',
    );
    const tlsCall = rawEchoClient(await open(tlsEcho, true));
    const tlsPingPong = await latency(COUNTS.requestWarm, COUNTS.request, tlsCall);
    record(
      'rawTlsEcho',
      'raw TLS 1.3 socket ping-pong',
      'calls',
      tlsPingPong,
      `one line out, its echo back; max ${tlsPingPong.max.toFixed(0)} µs; latency ceiling with a secret`,
    );

    const conc = COUNTS.textConcurrency;
    const sendText = (n) => pump(n, conc, () => rawTextOnce(text, 'count'));
    await throughputOnce(rx, 'raw-text-warm', COUNTS.textWarm, sendText);
    const textCeiling = await throughput(rx, 'raw-text', COUNTS.text, sendText);
    record(
      'rawText',
      'raw socket, a connection per message',
      'msgs',
      textCeiling,
      `connect/write/end against a plain net server, ${conc} at a time; text protocol ceiling`,
    );
  } finally {
    for (const socket of sockets) socket.destroy();
    await rx.stop();
  }
}

// ---------------------------------------------------------------- report

function fmtRate(x) {
  return Math.round(x).toLocaleString('en-US');
}

function fmtUs(x) {
  if (x === undefined) return '';
  return x < 100 ? x.toFixed(1) : x.toFixed(0);
}

function targets(byId) {
  const framed = byId.framed?.rate;
  const request = byId.request;
  const emit = byId.moleculerEmit?.rate;
  const call = byId.moleculerCall?.rate;
  const text = byId.text?.rate;
  const ratio = (a, b) => (a !== undefined && b ? a / b : undefined);
  const framedRatio = ratio(framed, emit);
  const callRatio = ratio(request?.rate, call);
  const rows = [
    ['framed throughput', '≥ 250,000 msgs/s', framed, framed >= 250_000, `${fmtRate(framed)} msgs/s`],
    ['framed vs Moleculer emit', '≥ 3× ', framedRatio, framedRatio >= 3, `${framedRatio?.toFixed(2)}×`],
    ['request p50', '≤ 50 µs', request?.p50Us, request?.p50Us <= 50, `${fmtUs(request?.p50Us)} µs`],
    ['request p99', '≤ 150 µs', request?.p99Us, request?.p99Us <= 150, `${fmtUs(request?.p99Us)} µs`],
    ['request vs Moleculer call', '≥ 1.5×', callRatio, callRatio >= 1.5, `${callRatio?.toFixed(2)}×`],
    ['text protocol', '≥ 5,000 msgs/s', text, text >= 5_000, `${fmtRate(text)} msgs/s`],
    [
      'framed with a secret vs without',
      'reported',
      ratio(byId.framedTls?.rate, framed),
      true,
      `${ratio(byId.framedTls?.rate, framed)?.toFixed(2)}× (${fmtRate(byId.framedTls?.rate ?? 0)} msgs/s)`,
    ],
  ];
  return rows.map(([target, goal, value, met, shown]) => ({
    target,
    goal: goal.trim(),
    value,
    met: value !== undefined && met === true,
    shown: value === undefined ? 'not measured' : shown,
  }));
}

function markdown(report) {
  const m = report.machine;
  return [
    BLOCK_START,
    `Measured ${report.date} (${report.quick ? 'quick run: small counts, indicative only' : 'full run'}) on ${m.nproc} CPUs (${m.cpu}), ${m.ramGiB} GiB RAM, ${m.os}, Node ${m.node}, Moleculer ${report.moleculer}.`,
    '',
    ...mdTable(
      ['scenario', 'msgs/s or calls/s', 'p50 µs', 'p99 µs', 'notes'],
      [false, true, true, true, false],
      report.results.map((r) => [
        r.scenario,
        `${fmtRate(r.rate)} ${r.unit}/s`,
        fmtUs(r.p50Us),
        fmtUs(r.p99Us),
        r.notes,
      ]),
    ),
    '',
    ...mdTable(
      ['target', 'goal', 'measured', 'status'],
      [false, false, true, false],
      report.targets.map((t) => [
        t.target,
        t.goal,
        t.shown,
        t.goal === 'reported' ? 'reported' : t.met ? 'met' : '**not met**',
      ]),
    ),
    BLOCK_END,
  ].join('\n');
}

// ---------------------------------------------------------------- main

let exitCode = 0;
try {
  const started = now();
  if (ONLY.includes('pyros')) await pyrosScenarios();
  if (ONLY.includes('pyros')) await securedScenarios();
  const moleculer = ONLY.includes('moleculer') ? await moleculerScenarios() : 'not run';
  if (ONLY.includes('raw')) await rawScenarios();
  const byId = Object.fromEntries(results.map((r) => [r.id, r]));
  const report = {
    date: `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    quick: QUICK,
    machine: machine(),
    moleculer,
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
  for (const child of [...children]) await child.stop().catch(() => {});
  killAll();
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode);
