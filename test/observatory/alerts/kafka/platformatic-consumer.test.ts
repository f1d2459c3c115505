import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Consumer, consumeOptionsValidator, consumerOptionsValidator } from '@platformatic/kafka';
import {
  defaultGcnGroupId,
  gcnKafkaConfig,
} from '../../../../src/observatory/alerts/kafka/gcn-kafka-config.js';
import type { KafkaConsumerOptions } from '../../../../src/observatory/alerts/kafka/kafka-client.js';
import {
  MAX_MESSAGE_BYTES,
  platformaticConsumeOptions,
  platformaticConsumerFactory,
  platformaticConsumerOptions,
} from '../../../../src/observatory/alerts/kafka/platformatic-consumer.js';
import { DEFAULT_GCN_TOPICS } from '../../../../src/observatory/settings/alert-keys.js';
import { loadObservatorySettings } from '../../../../src/observatory/settings/observatory-settings.js';
import { tempDir } from '../../../helpers.js';

/** `[alert_manager]` as the alert manager gets it: read from an observatory.ini. */
function alertManagerSection(lines: string): Readonly<Record<string, unknown>> {
  const path = join(tempDir('pyros-gcn-kafka-'), 'observatory.ini');
  writeFileSync(path, `[alert_manager]\n${lines}\n`);
  return loadObservatorySettings(path, {}).alert_manager;
}

const token = async () => 'an-access-token';
const ours = (url: string, section: Readonly<Record<string, unknown>>): KafkaConsumerOptions => {
  const config = gcnKafkaConfig(new URL(url), url, section);
  return { clientId: 'pyros-ts-test', groupId: config.groupId ?? 'default', brokers: config.brokers, token };
};

describe('GCN Kafka settings and the library options built from them', () => {
  test('URL forms: gcn-kafka: is gcn.nasa.gov, gcn-kafka://DOMAIN another; anything else one line', () => {
    const section = alertManagerSection('');
    assert.deepEqual(gcnKafkaConfig(new URL('gcn-kafka:'), 'gcn-kafka:', section).brokers, [
      'kafka.gcn.nasa.gov:9092',
    ]);
    const testing = gcnKafkaConfig(
      new URL('gcn-kafka://test.gcn.nasa.gov'),
      'gcn-kafka://test.gcn.nasa.gov',
      section,
    );
    assert.equal(testing.domain, 'test.gcn.nasa.gov');
    assert.deepEqual(testing.brokers, ['kafka.test.gcn.nasa.gov:9092']);
    for (const bad of [
      'gcn-kafka://test.gcn.nasa.gov:9093',
      'gcn-kafka:test',
      'gcn-kafka://x/topic',
      'gcn-kafka://u@gcn.nasa.gov',
    ]) {
      assert.throws(
        () => gcnKafkaConfig(new URL(bad), bad, section),
        new Error(
          `alert source "${bad}": expected gcn-kafka: or gcn-kafka://DOMAIN (e.g. test.gcn.nasa.gov)`,
        ),
      );
    }
  });

  test('observatory.ini keys: topics (default list) plus gcn.heartbeat, group id, heartbeat timeout', () => {
    const defaults = gcnKafkaConfig(new URL('gcn-kafka:'), 'gcn-kafka:', alertManagerSection(''));
    assert.deepEqual(defaults.topics, [...DEFAULT_GCN_TOPICS, 'gcn.heartbeat']);
    assert.equal(defaults.groupId, undefined);
    assert.equal(defaults.heartbeatTimeoutMs, 60_000);
    const set = alertManagerSection(
      'gcn_topics = igwn.gwalert, gcn.heartbeat gcn.classic.voevent.FERMI_GBM_FLT_POS\ngcn_group_id = my-observatory\ngcn_heartbeat_timeout_s = 90\ngcn_credentials = secrets/gcn.ini',
    );
    const config = gcnKafkaConfig(new URL('gcn-kafka:'), 'gcn-kafka:', set);
    assert.deepEqual(config.topics, [
      'igwn.gwalert',
      'gcn.heartbeat',
      'gcn.classic.voevent.FERMI_GBM_FLT_POS',
    ]);
    assert.equal(config.groupId, 'my-observatory');
    assert.equal(config.heartbeatTimeoutMs, 90_000);
    assert.equal(config.credentialsFile, 'secrets/gcn.ini');
    // The alert manager passes `[observatory] name` as observatory_name: the default group id's.
    const named = gcnKafkaConfig(new URL('gcn-kafka:'), 'gcn-kafka:', {
      ...set,
      observatory_name: 'Pic du Midi T1M',
    });
    assert.equal(named.observatoryName, 'Pic du Midi T1M');
    assert.equal(defaultGcnGroupId('Pic du Midi T1M', 'abc123'), 'pyros-pic-du-midi-t1m-abc123');
  });

  test('consumer options: brokers, SASL_SSL with OAUTHBEARER from the provider, fixed group, no autocommit, 4 MiB', () => {
    for (const [url, broker] of [
      ['gcn-kafka:', 'kafka.gcn.nasa.gov:9092'],
      ['gcn-kafka://test.gcn.nasa.gov', 'kafka.test.gcn.nasa.gov:9092'],
    ] as const) {
      const o = platformaticConsumerOptions(ours(url, alertManagerSection('gcn_group_id = my-observatory')));
      assert.deepEqual(o.bootstrapBrokers, [broker]);
      assert.equal(o.groupId, 'my-observatory');
      assert.equal(o.clientId, 'pyros-ts-test');
      assert.equal(o.sasl?.mechanism, 'OAUTHBEARER');
      assert.equal(o.sasl?.token, token, 'the provider itself, asked at each (re)authentication');
      assert.deepEqual(o.tls, { rejectUnauthorized: true });
      assert.equal(o.tlsServerName, true);
      assert.equal(o.autocommit, false);
      assert.ok((o.maxBytesPerPartition ?? 0) > MAX_MESSAGE_BYTES && MAX_MESSAGE_BYTES === 4 * 1024 * 1024);
      assert.ok((o.maxBytes ?? 0) >= (o.maxBytesPerPartition ?? 0));
      const raw = Buffer.from([0xff, 0x00, 0x3c]);
      assert.equal(o.deserializers?.value?.(raw), raw, 'values stay raw bytes');
      assert.ok(consumerOptionsValidator(o), JSON.stringify(consumerOptionsValidator.errors));
    }
  });

  test('consume options: committed offsets, else the earliest; every topic and the heartbeat', () => {
    const config = gcnKafkaConfig(new URL('gcn-kafka:'), 'gcn-kafka:', alertManagerSection(''));
    const c = platformaticConsumeOptions(config.topics);
    assert.equal(c.mode, 'committed');
    assert.equal(c.fallbackMode, 'earliest');
    assert.equal(c.autocommit, false);
    assert.ok(c.topics.includes('gcn.heartbeat') && c.topics.includes('igwn.gwalert'));
    assert.ok(consumeOptionsValidator(c), JSON.stringify(consumeOptionsValidator.errors));
  });

  test('the library takes the options: a Consumer made and closed without a broker', async () => {
    const consumer = new Consumer(platformaticConsumerOptions(ours('gcn-kafka:', alertManagerSection(''))));
    assert.equal(consumer.groupId, 'default');
    await consumer.close(true);
  });

  test('the adapter, a broker that refuses: subscribe rejects with one line, close() resolves', {
    timeout: 20_000,
  }, async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    const consumer = platformaticConsumerFactory({
      clientId: 'pyros-ts-test',
      groupId: 'g',
      brokers: [`localhost:${port}`],
      token,
    });
    await assert.rejects(consumer.subscribe(['gcn.heartbeat']), (e: Error) => {
      assert.match(e.message, new RegExp(`^Kafka localhost:${port}: .*ECONNREFUSED`));
      return !e.message.includes('\n');
    });
    await consumer.close();
  });
});
