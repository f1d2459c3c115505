// The receiving side of the messaging benchmark, run by run.mjs with child_process.fork.
//
//   node receiver.mjs agent      a pyros-ts Agent named bench_sink (config from PYROS_AGENT_CONFIG)
//   node receiver.mjs moleculer  a Moleculer ServiceBroker (node "sink") with a "sink" service
//   node receiver.mjs raw        plain net servers: newline counting, echo, text, and the first two
//                                inside TLS 1.3 with a PSK as pyros-ts sets it up (see startRaw)
//
// IPC with the parent (process.send / 'message'):
//   parent → child  { cmd: 'expect', n, tag }   reset the counter; report once n messages were handled
//   child → parent  { type: 'ready', ... }      once listening
//                   { type: 'armed', tag }      after 'expect'
//                   { type: 'done', tag, n }    once n messages were handled
//                   { type: 'error', message }  on a startup failure
// The child exits when the parent goes away (IPC disconnect), so it never outlives a crashed run.

import { createServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { brokerOptions, loadMoleculer } from './moleculer.mjs';

const mode = process.argv[2];

/** Counts handled messages and tells the parent once the expected number is reached. */
const counter = {
  count: 0,
  expected: Number.POSITIVE_INFINITY,
  tag: '',
  add(k) {
    this.count += k;
    if (this.count >= this.expected) {
      const { tag, count } = this;
      this.expected = Number.POSITIVE_INFINITY;
      process.send?.({ type: 'done', tag, n: count });
    }
  },
};

process.on('message', (msg) => {
  if (msg?.cmd === 'expect') {
    counter.count = 0;
    counter.expected = msg.n;
    counter.tag = msg.tag;
    process.send?.({ type: 'armed', tag: msg.tag });
  }
});
process.on('disconnect', () => process.exit(0));

async function startAgent() {
  const { Agent } = await import('../../dist/index.js');
  class BenchSink extends Agent {
    constructor() {
      super('bench_sink', { handleSignals: false });
      this.actionsByMessage.count = () => {
        counter.add(1);
      };
      this.actionsByMessage.echo = (payload) => payload;
    }
  }
  const agent = new BenchSink();
  await agent.start();
  return { port: agent.port };
}

async function startMoleculer() {
  const { ServiceBroker, version } = loadMoleculer();
  const urls = JSON.parse(process.env.BENCH_MOLECULER_URLS ?? '[]');
  const broker = new ServiceBroker(brokerOptions('sink', urls));
  broker.createService({
    name: 'sink',
    actions: {
      echo(ctx) {
        return ctx.params;
      },
    },
    events: {
      'bench.count'() {
        counter.add(1);
      },
    },
  });
  await broker.start();
  return { version };
}

/** Listens on 127.0.0.1:port with `onConnection` (inside TLS with `tls` options); resolves once listening. */
async function listen(port, onConnection, tls) {
  const accept = (socket) => {
    socket.on('error', () => {});
    onConnection(socket);
  };
  const server =
    tls === undefined ? createServer(accept) : createTlsServer(tls).on('secureConnection', accept);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, resolve);
  });
}

/**
 * Three plain net servers, the ceilings: `count` counts newline-terminated messages on a stream;
 * `echo` writes every chunk back (request/reply); `text` counts one message per connection, ended by
 * the peer, then ends its side (the text protocol without any of the agent's work).
 */
async function startRaw() {
  const ports = JSON.parse(process.env.BENCH_RAW_PORTS ?? '{}');
  const { serverTlsOptions } = await import('../../dist/transport/tls-psk.js');
  const tls = serverTlsOptions(process.env.BENCH_SECRET ?? 'bench', 'bench_sink');
  const countLines = (socket) =>
    socket.on('data', (chunk) => {
      // A message split across chunks counts once, at its newline.
      let k = 0;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) k++;
      if (k > 0) counter.add(k);
    });
  const echo = (socket) => socket.on('data', (chunk) => socket.write(chunk));
  await listen(ports.count, countLines);
  await listen(ports.echo, echo);
  await listen(ports.tlsCount, countLines, tls);
  await listen(ports.tlsEcho, echo, tls);
  await listen(ports.text, (socket) => {
    socket.on('data', () => {});
    socket.on('end', () => {
      counter.add(1);
      socket.end();
    });
  });
  return { ports };
}

const starters = { agent: startAgent, moleculer: startMoleculer, raw: startRaw };

try {
  const start = starters[mode];
  if (start === undefined) throw new Error(`unknown mode ${JSON.stringify(mode)}`);
  const info = await start();
  process.send?.({ type: 'ready', mode, pid: process.pid, ...info });
} catch (err) {
  process.send?.({ type: 'error', message: err instanceof Error ? err.stack : String(err) });
  process.exitCode = 1;
  process.disconnect?.();
}
