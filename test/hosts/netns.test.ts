// Smoke test of the namespace harness: hosts on the switch reach each other by address, the root
// namespace (where the test process runs) cannot, and destroy() leaves nothing behind.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { test } from 'node:test';
import { createNetwork } from './netns.js';

const PORT = 7000;

// Listens on argv[1]:argv[2]; prints "listening" once bound and "conn <peer address>" per client,
// and greets every client with "hello <argv[3]>", a per-run token nothing else could send.
const SERVER = `
const net = require('node:net');
const [host, port, token] = process.argv.slice(1);
net
  .createServer((s) => {
    console.log('conn ' + s.remoteAddress);
    s.end('hello ' + token + '\\n');
  })
  .listen(Number(port), host, () => console.log('listening'));
`;

// Connects to argv[1]:argv[2] and prints the first line it reads; a socket error fails the exit code.
const CLIENT = `
const net = require('node:net');
const [host, port] = process.argv.slice(1);
const s = net.connect({ host, port: Number(port) });
let got = '';
s.setEncoding('utf8');
s.on('data', (d) => {
  got += d;
  const nl = got.indexOf('\\n');
  if (nl >= 0) { process.stdout.write(got.slice(0, nl + 1)); s.destroy(); }
});
s.on('error', (e) => { console.error(e.message); process.exit(1); });
`;

/**
 * Rejects when `p` has not settled within `ms`, so a broken network fails the test instead of hanging
 * it. (Not net-helpers' `within`: that module pulls in the whole agent stack, which this test avoids.)
 */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** The server's stdout so far, and a promise of its "listening" line (rejected if it exits first). */
function watchServer(child: ChildProcess): { output(): string; listening: Promise<void> } {
  let out = '';
  let err = '';
  const listening = new Promise<void>((resolve, reject) => {
    child.stdout?.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      if (out.includes('listening\n')) resolve();
    });
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}): ${err}`)));
  });
  return { output: () => out, listening };
}

/**
 * Tries host:port from this process, i.e. from the root namespace, for at most `timeoutMs`:
 * "greeted" when b's greeting came back, otherwise how the attempt ended. A TCP connect alone
 * proves nothing: where the root namespace has a default route, a transparent proxy or firewall on
 * the way may accept the connection for any address (this sandbox's gateway does).
 */
function tryFromRoot(host: string, port: number, greeting: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host, port, timeout: timeoutMs });
    let got = '';
    const end = (how: string) => {
      s.destroy();
      resolve(how);
    };
    s.setEncoding('utf8');
    s.on('data', (d: string) => {
      got += d;
      if (got.includes(greeting)) end('greeted');
    });
    s.once('timeout', () => end('timeout'));
    s.once('close', () => end('closed'));
    s.once('error', (e: NodeJS.ErrnoException) => end(e.code ?? e.message));
  });
}

test('hosts reach each other over the switch, the root namespace does not, destroy removes all', async (t) => {
  const network = await createNetwork(['a', 'b', 'c']);
  // Also runs when an assertion fails or the test times out; destroy() is idempotent.
  t.after(() => network.destroy());
  const namespaces = [...network.hosts.map((h) => h.namespace), network.switchNamespace];
  const token = randomUUID();
  const [a, b, c] = [network.host('a'), network.host('b'), network.host('c')];
  assert.equal(new Set([a.address, b.address, c.address]).size, 3);

  const server = network.spawn('b', process.execPath, ['-e', SERVER, b.address, String(PORT), token], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const watched = watchServer(server);
  await within(watched.listening, 3000, 'server in b listening');

  const [fromA, fromRoot] = await Promise.all([
    within(network.run('a', process.execPath, ['-e', CLIENT, b.address, String(PORT)]), 3000, 'client in a'),
    tryFromRoot(b.address, PORT, token, 1000),
  ]);
  assert.deepEqual(fromA, { code: 0, stdout: `hello ${token}\n`, stderr: '' });
  assert.notEqual(fromRoot, 'greeted', `the root namespace reached ${b.address}:${PORT}`);
  // The root attempt has ended by now: had it arrived, b would have logged it long before.
  assert.deepEqual(watched.output().match(/^conn .*$/gm), [`conn ${a.address}`]);

  // destroy() resolves only after the children it killed have exited.
  await within(network.destroy(), 3000, 'destroy');
  assert.equal(server.signalCode, 'SIGKILL', 'destroy() killed the server left running in b');
  const listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const ns of namespaces) assert.ok(!listed.includes(ns), `namespace ${ns} still listed:\n${listed}`);
});
