// The alert manager for bench/alerts' Kafka row: the shipped agent, its `gcn-kafka:` source given
// the benchmark's feed as its Kafka consumer (kafka-feed.mjs) and a fixed token. Everything else —
// the source, the agent, the observatory behind it — is the code that runs against GCN.
import { defineApp } from '../../dist/host/app.js';
import { AlertManagerAgent } from '../../dist/observatory/agents/alert-manager-agent.js';
import { createGcnKafkaSourceFactory } from '../../dist/observatory/alerts/sources/gcn-kafka-source.js';
import { registerAlertSource } from '../../dist/observatory/alerts/sources/source-registry.js';
import { feedConsumerFactory } from './kafka-feed.mjs';

export default defineApp({
  name: 'alert_manager',
  async ready() {
    registerAlertSource(
      'gcn-kafka:',
      createGcnKafkaSourceFactory({
        consumerFactory: feedConsumerFactory,
        tokenProvider: () => async () => 'bench',
      }),
    );
    await new AlertManagerAgent().start();
  },
});
