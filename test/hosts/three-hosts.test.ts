// The observatory spread over three computers, as Linux network namespaces on one switch, with no
// shared disk (each host its own folder) and the Redis task broker on one of them:
//   (a) alert_manager + scheduler + majordome, (b) observation_manager + monitoring,
//   (c) analyzer + dashboard + redis-server + a `pyros worker`, and an operator's console (ops).
// A notice sent to (a)'s VTP port is planned on (a), observed on (b), analysed on (c) (the image
// travels by message, not by path) and shown by the dashboard on (c). Then (a) is killed with
// SIGKILL mid-observation and restarted: nothing accepted is lost, nothing is observed twice, the
// Pause and the weather verdict hold, and the simulated clock is the same on every host.
import assert from 'node:assert/strict';
import { type ChildProcess, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Msg } from '../../src/observatory/messages.js';
import { tempDir } from '../helpers.js';
import { swiftAlert, zenith } from '../observatory/e2e/alert-samples.js';
import { SHIPPED } from '../observatory/observatory-fixture.js';
import { Console } from './console.js';
import { createNetwork, type Network } from './netns.js';

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const TASKS = fileURLToPath(new URL('../../dist/observatory/tasks/analyze-image.js', import.meta.url));
const START = '2026-11-29T17:10:00Z';
const SPEED = 120;
const TOKEN = 'three-hosts-token';
/** Redis across computers needs a password (protected mode refuses others otherwise). */
const REDIS_PASSWORD = 'three-hosts-redis';
const CALERN = { lat: 43.7523, lon: 6.9219 };
const APPS = {
  a: ['alert_manager', 'scheduler', 'majordome'],
  b: ['observation_manager', 'monitoring'],
  c: ['analyzer', 'dashboard'],
} as const;
type HostName = keyof typeof APPS;

/** The same config on every host: each agent at the address of the host it runs on. */
function agentConfig(addr: Record<HostName, string>): string {
  const lines = [
    '[DEFAULT]',
    'observatory = observatory.ini',
    `broker = redis://:${REDIS_PASSWORD}@${addr.c}:6379/0`,
    '',
  ];
  let port = 8411;
  for (const host of ['a', 'b', 'c'] as const) {
    for (const app of APPS[host])
      lines.push(`[${app}]`, `ip = ${addr[host]}`, `receive_port = ${port++}`, `app = ${app}`, '');
  }
  return lines.join('\n');
}

function observatoryIni(addr: Record<HostName, string>): string {
  return [
    '[observatory]',
    'site_file = site.ini',
    'data_dir = data',
    'routine_requests = routine-requests.json',
    '[alert_manager]',
    `vtp_host = ${addr.a}`,
    'vtp_port = 8098',
    '[analyzer]',
    '; the task worker is a `pyros worker` process of host (c)',
    'workers = 0',
    '[observation_manager]',
    'image_size = 128',
    '[dashboard]',
    `host = ${addr.c}`,
    'port = 8080',
    `token = ${TOKEN}`,
    '',
  ].join('\n');
}

describe('three hosts, no shared disk', { timeout: 240_000 }, () => {
  let network: Network;
  let ops: Console;
  const dirs = {} as Record<HostName | 'ops', string>;
  const hosts = new Map<HostName, ChildProcess>();
  const logs = new Map<string, string[]>();
  let anchor: string;
  let addr: Record<HostName, string>;

  /** `pyros start` of a host's apps, on the clock every host shares. */
  function startHost(host: HostName, when: string): void {
    const args = [BIN, 'start', ...APPS[host], '--config', join(dirs[host], 'pyros_agent_config.ini')];
    args.push('--sim-start', when, '--data-dir', join(dirs[host], 'data'));
    if (when !== 'resume') args.push('--speed', String(SPEED), '--sim-anchor', anchor);
    const child = network.spawn(host, process.execPath, args, {
      cwd: dirs[host],
      env: { ...process.env, PYROS_LOG_LEVEL: 'info', PYROS_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = logs.get(host) ?? [];
    logs.set(host, log);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => log.push(...d.split('\n').filter(Boolean)));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => log.push(...d.split('\n').filter(Boolean)));
    hosts.set(host, child);
  }

  const tail = () => [...logs.entries()].map(([h, l]) => `--- ${h}\n${l.slice(-12).join('\n')}`).join('\n');

  async function until<T>(check: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const value = await check().catch(() => undefined);
      if (value !== undefined && value !== false) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${tail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const up = (apps: readonly string[]) =>
    until(
      async () =>
        (await Promise.all(apps.map((a) => ops.request(a, 'STATUS').then(() => true)))).every(Boolean),
      30_000,
      `${apps.join(', ')} up`,
    );

  /** Simulated now on a host, from the clock it saved (start, speed, anchor). */
  function simNow(host: HostName): { now: number; triple: string } {
    const s = JSON.parse(readFileSync(join(dirs[host], 'data', 'sim-session.json'), 'utf8')) as {
      start: number;
      speed: number;
      anchor: number;
    };
    return { now: s.start + (Date.now() - s.anchor) * s.speed, triple: `${s.start}|${s.speed}|${s.anchor}` };
  }

  before(async () => {
    network = await createNetwork(['a', 'b', 'c', 'ops']);
    addr = { a: network.host('a').address, b: network.host('b').address, c: network.host('c').address };
    for (const host of ['a', 'b', 'c', 'ops'] as const) {
      const dir = tempDir(`pyros-host-${host}-`);
      dirs[host] = dir;
      writeFileSync(join(dir, 'pyros_agent_config.ini'), agentConfig(addr));
      writeFileSync(join(dir, 'observatory.ini'), observatoryIni(addr));
      cpSync(join(SHIPPED, 'site.ini'), join(dir, 'site.ini'));
      cpSync(join(SHIPPED, 'routine-requests.json'), join(dir, 'routine-requests.json'));
      mkdirSync(join(dir, 'data'));
    }
    const redis = network.spawn(
      'c',
      '/usr/bin/redis-server',
      [
        '--bind',
        addr.c,
        '--port',
        '6379',
        '--save',
        '',
        '--appendonly',
        'no',
        '--requirepass',
        REDIS_PASSWORD,
      ],
      {
        stdio: 'ignore',
      },
    );
    redis.once('error', () => {});
    await until(
      async () =>
        (
          await network.run('c', 'redis-cli', [
            '-h',
            addr.c,
            '-a',
            REDIS_PASSWORD,
            '--no-auth-warning',
            'ping',
          ])
        ).stdout.trim() === 'PONG',
      10_000,
      'redis-server on (c)',
    );
    ops = await Console.open(network, 'ops', join(dirs.ops, 'pyros_agent_config.ini'));
    anchor = new Date(Date.now() + 1000).toISOString();
    for (const host of ['a', 'b', 'c'] as const) startHost(host, START);
    const worker = network.spawn(
      'c',
      process.execPath,
      [
        BIN,
        'worker',
        '--tasks',
        TASKS,
        '--queues',
        'analysis',
        '--broker',
        `redis://:${REDIS_PASSWORD}@${addr.c}:6379/0`,
      ],
      {
        cwd: dirs.c,
        env: { ...process.env, PYROS_AGENT_CONFIG: join(dirs.c, 'pyros_agent_config.ini') },
        stdio: 'ignore',
      },
    );
    worker.once('error', () => {});
    await up([...APPS.a, ...APPS.b, ...APPS.c]);
  });

  after(async () => {
    ops?.close();
    await network?.destroy();
  });

  const observations = async () =>
    (await ops.ask('observation_manager', Msg.OBSERVATIONS, { limit: 1000 })).observations;

  it('a notice sent to (a) is planned on (a), observed on (b), analysed on (c) and shown by the dashboard on (c)', async () => {
    await until(
      async () => {
        const { observing } = await ops.ask('observation_manager', Msg.DEVICES);
        return observing !== null && observing.block.kind === 'routine';
      },
      30_000,
      'a routine block observed on (b)',
    );
    const now = simNow('a').now;
    const { ra, dec } = zenith(now, CALERN.lat, CALERN.lon);
    const xml = swiftAlert({ ivorn: 'ivo://test/hosts#GRB-1', triggerId: '910001', ra, dec, time: now });
    assert.equal(await ops.publish(addr.a, 8098, xml), 'ack');
    const observed = await until(
      async () =>
        (await observations()).find(
          (o) => o.requestId.startsWith('alert-swift-910001') && o.state === 'done',
        ),
      60_000,
      'the alert observed on (b)',
    );
    const { images } = await ops.ask('observation_manager', Msg.IMAGES, { limit: 100 });
    const mine = images.filter((i) => i.observationId === observed.id).map((i) => i.id);
    assert.ok(mine.length > 0);
    await until(
      async () => {
        const { analyses } = await ops.ask('analyzer', Msg.ANALYSES, { imageIds: mine });
        return (
          analyses.length === mine.length && analyses.every((a) => a.state === 'done' && a.analysis !== null)
        );
      },
      60_000,
      "the alert's images analysed on (c)",
    );
    // The image files are on (b) only: (c) has no images folder at all.
    assert.equal(spawnSync('ls', [join(dirs.c, 'data', 'observation_manager')]).status !== 0, true);
    const page = await ops.http(`http://${addr.c}:8080/api/images?limit=50`, TOKEN);
    assert.equal(page.status, 200);
    const shown = (page.body as Array<{ id: number; analysisState: string | null; object: string }>).filter(
      (i) => mine.includes(i.id),
    );
    assert.equal(shown.length, mine.length, 'the dashboard on (c) shows the images of (b)');
    assert.ok(shown.every((i) => i.analysisState === 'done'));
    const alerts = await ops.http(`http://${addr.c}:8080/api/alerts`, TOKEN);
    const alert = (alerts.body as Array<{ ivorn: string; requestState: string }>).find(
      (x) => x.ivorn === 'ivo://test/hosts#GRB-1',
    );
    assert.equal(alert?.requestState, 'done');
  });

  it('(a) killed mid-observation and restarted: nothing lost or done twice, the Pause and the verdict hold, one clock', async () => {
    const running = await until(
      async () => (await ops.ask('observation_manager', Msg.DEVICES)).observing ?? undefined,
      30_000,
      'an observation running on (b)',
    );
    await ops.ask('majordome', Msg.PAUSE, { reason: 'three-host test' });
    const { alerts: alertsBefore } = await ops.ask('alert_manager', Msg.ALERTS, { limit: 100 });
    hosts.get('a')?.kill('SIGKILL');
    await until(
      async () =>
        await ops.request('majordome', 'STATUS').then(
          () => false,
          () => true,
        ),
      10_000,
      '(a) down',
    );
    // (b) goes on with its observation meanwhile: it needs no one to finish it.
    await until(
      async () => (await observations()).find((o) => o.id === running.observationId && o.state !== 'running'),
      60_000,
      'the running observation ended on (b)',
    );
    startHost('a', 'resume');
    await up(APPS.a);
    // One clock: every host has the same start, speed and anchor, so the same time.
    assert.equal(simNow('a').triple, simNow('b').triple);
    assert.equal(simNow('a').triple, simNow('c').triple);
    const execution = await ops.ask('majordome', Msg.EXECUTION);
    assert.equal(execution.state, 'paused', JSON.stringify(execution));
    assert.equal(execution.paused?.reason, 'three-host test');
    const weather = await ops.ask('monitoring', Msg.WEATHER);
    assert.equal(execution.safe, weather.verdict.safe, 'the majordome holds monitoring verdict');
    // Nothing accepted is lost: every alert is still there, and its request at the scheduler.
    const { alerts } = await ops.ask('alert_manager', Msg.ALERTS, { limit: 100 });
    assert.deepEqual(alerts.map((a) => a.ivorn).sort(), alertsBefore.map((a) => a.ivorn).sort());
    const ids = alerts.flatMap((a) => (a.requestId === null ? [] : [a.requestId]));
    const { requests } = await ops.ask('scheduler', Msg.REQUESTS, { ids });
    assert.equal(requests.length, ids.length);
    // The observation that ended while (a) was down was heard by the scheduler (the outbox kept it).
    const ended = (await observations()).find((o) => o.id === running.observationId);
    const {
      requests: [request],
    } = await ops.ask('scheduler', Msg.REQUESTS, { ids: [running.block.requestId] });
    await until(
      async () => {
        const r = (await ops.ask('scheduler', Msg.REQUESTS, { ids: [running.block.requestId] })).requests[0];
        return r !== undefined && r.state !== 'observing' && r;
      },
      20_000,
      `request ${running.block.requestId} no longer observing at the scheduler (observation ${ended?.state})`,
    );
    assert.ok(request !== undefined);
    const count = (await observations()).length;
    await ops.ask('majordome', Msg.RESUME);
    await until(async () => (await observations()).length > count, 30_000, 'observing again after Resume');
    const done = (await observations()).filter((o) => o.state === 'done').map((o) => o.requestId);
    assert.equal(new Set(done).size, done.length, `a request observed twice: ${done.join(', ')}`);
  });
});
