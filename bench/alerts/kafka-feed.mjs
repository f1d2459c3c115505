// A Kafka feed for bench/alerts: the benchmark stands in for GCN's broker behind the GCN Kafka
// source's own consumer interface (src/observatory/alerts/kafka/kafka-client.ts), so that the
// notice goes through everything of ours — the source, its decoding, hand-over and commit, the
// alert manager — as it would from kafka.gcn.nasa.gov. No Kafka broker can be installed here.
//
// The benchmark side (`startKafkaFeed`) is a TCP server on 127.0.0.1; the consumer side
// (`feedConsumerFactory`, used by kafka-alert-manager.mjs inside the host) connects to it:
// records go as JSON lines one way, commits the other.
import { once } from 'node:events';
import { connect, createServer } from 'node:net';

/** Env var that tells the consumer where the feed listens. */
export const FEED_ENV = 'PYROS_BENCH_KAFKA_FEED';

/** The benchmark's side: publish records, learn when each is committed. */
export async function startKafkaFeed() {
  const server = createServer();
  let socket;
  let offset = 0n;
  const committed = new Map();
  const waiting = new Map();
  let connected;
  const ready = new Promise((r) => {
    connected = r;
  });
  server.on('connection', (s) => {
    socket = s;
    s.setNoDelay(true);
    let rest = '';
    s.setEncoding('utf8').on('data', (chunk) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) {
        const { commit } = JSON.parse(p);
        committed.set(commit, Date.now());
        waiting.get(commit)?.(Date.now());
        waiting.delete(commit);
      }
    });
    s.on('error', () => undefined);
    connected();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: server.address().port,
    /** Resolves once the source's consumer has subscribed. */
    ready: () => ready,
    /** Publishes `bytes` on `topic` (partition 0); resolves when the source has committed it. */
    publish(topic, bytes) {
      const record = {
        topic,
        partition: 0,
        offset: String(offset++),
        value: Buffer.from(bytes).toString('base64'),
      };
      const key = `${topic}/0/${record.offset}`;
      const done = new Promise((r) => waiting.set(key, r));
      socket.write(`${JSON.stringify(record)}\n`);
      return done;
    },
    close() {
      socket?.destroy();
      server.close();
    },
  };
}

/** The consumer side: a KafkaConsumerFactory reading the feed at $PYROS_BENCH_KAFKA_FEED. */
export function feedConsumerFactory() {
  let socket;
  return {
    async subscribe() {
      socket = connect({ host: '127.0.0.1', port: Number(process.env[FEED_ENV]) });
      socket.setNoDelay(true);
      await once(socket, 'connect');
      const s = socket;
      return {
        async *[Symbol.asyncIterator]() {
          let rest = '';
          for await (const chunk of s.setEncoding('utf8')) {
            const parts = (rest + chunk).split('\n');
            rest = parts.pop() ?? '';
            for (const p of parts) {
              const r = JSON.parse(p);
              yield {
                topic: r.topic,
                partition: r.partition,
                offset: BigInt(r.offset),
                value: Buffer.from(r.value, 'base64'),
              };
            }
          }
        },
      };
    },
    async commit(record) {
      socket.write(`${JSON.stringify({ commit: `${record.topic}/${record.partition}/${record.offset}` })}\n`);
    },
    async close() {
      socket?.destroy();
    },
  };
}
