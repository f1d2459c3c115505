// Where bench/alerts runs the observatory: one host on loopback, or three hosts in network
// namespaces (the layout of test/hosts/observatory-network.ts). Each deployment gives the merged
// log lines of its agents (pino JSON: agent, msg, time), a way to publish a VOEvent on the alert
// manager's VTP port that says when it was sent, the simulated time, and stop().
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentConfig } from '../../dist/config/agent-config.js';
import { Sender } from '../../dist/sender/sender.js';
import { publishVoEvent } from '../../dist/transport/vtp/vtp-publisher.js';
import { FEED_ENV, startKafkaFeed } from './kafka-feed.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const AGENTS = ['alert_manager', 'scheduler', 'majordome', 'observation_manager', 'monitoring', 'analyzer'];

/**
 * What the observatory is told, for the benchmark, by section: routine blocks keep the telescope
 * busy, so that every alert takes the preemption path; an alert's own observation is one short
 * exposure; no analysis worker competes for the CPUs.
 */
export const BENCH_SECTIONS = {
  alert_manager: ['exposures = R:1x1'],
  camera: ['image_size = 64'],
  dome: ['open_s = 1'],
  analyzer: ['workers = 0'],
};

export async function freePorts(n) {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((r) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => r(s));
        }),
    ),
  );
  const ports = servers.map((s) => s.address().port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** Collects a child's pino JSON lines into `lines`. */
export function collect(child, lines) {
  let rest = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p));
      } catch {
        // not a log line
      }
    }
  });
}

/** The topic the benchmark's notices come on, as GCN would publish Swift BAT positions. */
const SWIFT_TOPIC = 'gcn.classic.voevent.SWIFT_BAT_GRB_POS_ACK';

/**
 * The six agents in one `pyros start` on 127.0.0.1. `via`: how notices arrive — `vtp` on the
 * alert manager's VTP port, or `kafka` through its GCN Kafka source, the benchmark standing in for
 * the broker behind the source's consumer interface (kafka-feed.mjs), with a heartbeat a second
 * as GCN's.
 */
export async function oneHost(start, speed, via = 'vtp') {
  const dir = mkdtempSync(join(tmpdir(), 'pyros-bench-alerts-'));
  const ports = await freePorts(AGENTS.length + 1);
  const vtpPort = ports[AGENTS.length];
  const kafka = via === 'kafka' ? await startKafkaFeed() : undefined;
  const appOf = (a) =>
    a === 'alert_manager' && kafka !== undefined
      ? `module = ${join(ROOT, 'bench/alerts/kafka-alert-manager.mjs')}`
      : `app = ${a}`;
  writeFileSync(
    join(dir, 'pyros_agent_config.ini'),
    `[DEFAULT]\nip = 127.0.0.1\nobservatory = observatory.ini\n\n${AGENTS.map((a, i) => `[${a}]\nreceive_port = ${ports[i]}\n${appOf(a)}\n`).join('\n')}`,
  );
  const sections = {
    observatory: [
      `site_file = ${join(ROOT, 'observatory/site.ini')}`,
      'data_dir = data',
      `routine_requests = ${join(ROOT, 'observatory/routine-requests.json')}`,
    ],
    ...BENCH_SECTIONS,
    alert_manager: [
      ...BENCH_SECTIONS.alert_manager,
      kafka === undefined ? `vtp_port = ${vtpPort}` : `sources = gcn-kafka:\ngcn_topics = ${SWIFT_TOPIC}`,
    ],
  };
  writeFileSync(
    join(dir, 'observatory.ini'),
    Object.entries(sections)
      .map(([name, keys]) => `[${name}]\n${keys.join('\n')}\n`)
      .join('\n'),
  );
  const host = spawn(
    process.execPath,
    [
      join(ROOT, 'dist/cli/main.js'),
      'start',
      '--sim-start',
      new Date(start).toISOString(),
      '--speed',
      String(speed),
    ],
    {
      cwd: dir,
      env: {
        ...process.env,
        PYROS_LOG_FORMAT: 'json',
        PYROS_LOG_LEVEL: 'info',
        ...(kafka === undefined
          ? {}
          : { [FEED_ENV]: String(kafka.port), GCN_CLIENT_ID: 'bench', GCN_CLIENT_SECRET: 'bench' }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const anchor = Date.now();
  const lines = [];
  collect(host, lines);
  // Started: each agent answers a query (queries wait for work(): the VTP port is open then).
  const config = AgentConfig.load(join(dir, 'pyros_agent_config.ini'));
  for (const agent of AGENTS) {
    for (;;) {
      const up = await Sender.request(agent, 'Messages', { limit: 1 }, { config, timeout: 1000 }).then(
        () => true,
        () => false,
      );
      if (up) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  let heartbeat;
  if (kafka !== undefined) {
    await kafka.ready();
    const beat = () =>
      void kafka.publish(
        'gcn.heartbeat',
        Buffer.from(
          JSON.stringify({
            $schema: 'https://gcn.nasa.gov/schema/main/gcn/notices/core/Alert.schema.json',
            alert_datetime: new Date().toISOString(),
          }),
        ),
      );
    beat();
    heartbeat = setInterval(beat, 1000);
  }
  return {
    name: kafka === undefined ? 'one host (loopback), VTP' : 'one host (loopback), GCN Kafka source',
    lines,
    simNow: () => start + (Date.now() - anchor) * speed,
    async publish(xml) {
      const sentAt = Date.now();
      if (kafka !== undefined) {
        // Committed: recorded by the alert manager, as an ack says on VTP.
        await kafka.publish(SWIFT_TOPIC, Buffer.from(xml, 'utf8'));
        return { role: 'ack', sentAt };
      }
      const answer = await publishVoEvent({ host: '127.0.0.1', port: vtpPort, xml });
      return { role: answer.role, sentAt };
    },
    async stop() {
      clearInterval(heartbeat);
      kafka?.close();
      Sender.closeAll();
      host.kill('SIGTERM');
      await new Promise((r) => host.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The same observatory over three hosts in network namespaces (needs root and iproute2): the alert
 * is published from the operator's host to (a), the slew happens on (b). The harness is the tests'
 * (TypeScript, loaded through tsx).
 */
export async function threeHosts(start, speed) {
  const { register } = await import('tsx/esm/api');
  register();
  const { ObservatoryNetwork, VTP_PORT } = await import('../../test/hosts/observatory-network.ts');
  // The network's analyzer has no worker already; no `pyros worker` either, as on one host.
  const { analyzer: _, ...sections } = BENCH_SECTIONS;
  const net = await ObservatoryNetwork.create({ start: new Date(start).toISOString(), speed, sections });
  try {
    await net.startAll({ worker: false });
  } catch (err) {
    await net.destroy();
    throw err;
  }
  return {
    name: 'three hosts (network namespaces)',
    lines: net.lines,
    simNow: () => net.simNow('a').now,
    publish: (xml) => net.ops.publishTimed(net.addr.a, VTP_PORT, xml),
    stop: () => net.destroy(),
  };
}
