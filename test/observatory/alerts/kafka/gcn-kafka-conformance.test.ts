import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGcnKafkaSourceFactory } from '../../../../src/observatory/alerts/sources/gcn-kafka-source.js';
import { tempDir } from '../../../helpers.js';
import { sourceConformance, type Verdict } from '../sources/source-conformance.js';
import { eventLog } from './event-log.js';
import { FakeKafka } from './fake-kafka.js';

const TOPIC = 'gcn.notices.svom.voevent.eclairs';
const GROUP = 'pyros-conformance';

// The suite every source passes, on the fake broker. Credentials come from a gcn_credentials file
// in the observatory folder (the suite's context has no environment). Kafka has one answer,
// the commit; whether it was a refusal only the source's log line says.
sourceConformance(
  {
    name: 'gcn-kafka: (on the in-memory Kafka fake)',
    afterTransientFailure: 'redelivered',
    refusedAs: 'refused',
    async open(ctx) {
      writeFileSync(
        join(ctx.baseDir, 'gcn.ini'),
        'client_id = conformance\nclient_secret = not-a-real-secret\n',
        {
          mode: 0o600,
        },
      );
      const fake = new FakeKafka();
      const log = eventLog();
      const factory = createGcnKafkaSourceFactory({
        consumerFactory: fake.factory,
        tokenProvider: () => async () => 'an-access-token',
        backoff: { initialMs: 10, maxMs: 40, resetAfterMs: 60_000 },
      });
      const settings = { gcn_topics: [TOPIC], gcn_group_id: GROUP, gcn_credentials: 'gcn.ini' };
      const source = factory(new URL('gcn-kafka:'), 'gcn-kafka:', { ...ctx, log: log.log, settings });
      return {
        source,
        publish: async (bytes): Promise<Verdict> => {
          const offset = fake.produce(TOPIC, bytes);
          await fake.committedAtLeast(GROUP, TOPIC, 0, offset + 1n);
          const said = new RegExp(
            `${TOPIC.replace(/\./g, '\\.')}\\[0\\]@${offset}: .*(skipped|not delivered again)`,
          );
          return log.lines.some((l) => l.level === 'warn' && said.test(l.text)) ? 'refused' : 'ack';
        },
        close: () => source.stop(),
      };
    },
  },
  () => tempDir('pyros-gcn-kafka-'),
);
