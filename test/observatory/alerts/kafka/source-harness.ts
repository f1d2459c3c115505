import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type {
  AlertSource,
  NoticeSink,
  ReceivedNotice,
  SourceContext,
} from '../../../../src/observatory/alerts/sources/alert-source.js';
import {
  createGcnKafkaSourceFactory,
  type GcnKafkaSourceOptions,
} from '../../../../src/observatory/alerts/sources/gcn-kafka-source.js';
import { eventLog } from './event-log.js';
import type { FakeKafka } from './fake-kafka.js';
import { noticeSamples } from './notice-samples.js';

/** What a GCN Kafka source test needs: a source on a fake broker, a sink that records, samples. */

export const SECRET = 'sEcReT-4kq9zv1xw3m5n7b2c8d0f6g4h1j3k5l7';
export const GROUP = 'pyros-test-group';
export const TOPIC = 'gcn.classic.voevent.FERMI_GBM_FLT_POS';
export const FAST = { initialMs: 10, maxMs: 40, resetAfterMs: 60_000 };
export const samples = noticeSamples();
export const xml = (i: number) => (samples[i % samples.length] as (typeof samples)[number]).bytes;

/** A sink that keeps what it gets; `behave` decides each call's outcome (resolve, throw, hang). */
export function recordingSink(behave?: (notice: ReceivedNotice, call: number) => Promise<void> | void) {
  const got: ReceivedNotice[] = [];
  const events = new EventEmitter();
  const sink: NoticeSink = async (notice) => {
    got.push(notice);
    events.emit('notice');
    await behave?.(notice, got.length - 1);
  };
  const until = (count: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (got.length < count) return;
        events.off('notice', check);
        resolve();
      };
      events.on('notice', check);
      check();
    });
  return { sink, got, until };
}

const opened: AlertSource[] = [];

/** Stops every source opened since the last call: for afterEach, so that none outlives its test, failed or not. */
export async function stopAll(): Promise<void> {
  await Promise.all(opened.splice(0).map((s) => s.stop()));
}

export function open(
  fake: FakeKafka,
  settings: Record<string, unknown> = {},
  options: GcnKafkaSourceOptions = {},
  raw = 'gcn-kafka:',
) {
  const log = eventLog();
  const ctx: SourceContext = {
    log: log.log,
    baseDir: '/nonexistent',
    settings: { gcn_topics: [TOPIC], gcn_group_id: GROUP, gcn_heartbeat_timeout_s: 30, ...settings },
    localIvorn: 'ivo://pyros.test/alerts',
    env: { GCN_CLIENT_ID: 'pyrosclient', GCN_CLIENT_SECRET: SECRET },
    now: Date.now,
  };
  const factory = createGcnKafkaSourceFactory({
    consumerFactory: fake.factory,
    tokenProvider: () => async () => 'an-access-token',
    backoff: FAST,
    observatoryName: 'Test Observatory',
    ...options,
  });
  const source = factory(new URL(raw), raw, ctx);
  opened.push(source);
  /** No line, no status, ever holds the secret. */
  const assertNoSecret = () => {
    for (const line of log.texts()) assert.ok(!line.includes(SECRET), `secret in log line: ${line}`);
    assert.ok(!JSON.stringify(source.status()).includes(SECRET));
  };
  return { source, log, assertNoSecret };
}

export const offsetOf = (n: ReceivedNotice) => Number(/@(\d+)$/.exec(n.source)?.[1]);
export const partitionOf = (n: ReceivedNotice) => Number(/\[(\d+)\]@/.exec(n.source)?.[1]);
