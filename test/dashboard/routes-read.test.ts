import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { PNG } from 'pngjs';
import { createDashboardServer } from '../../src/dashboard/dashboard-server.js';
import { ObservatorySource } from '../../src/dashboard/observatory-source.js';
import { nightOf } from '../../src/observatory/astro/night.js';
import { altAz } from '../../src/observatory/astro/positions.js';
import { analyzeImageTask } from '../../src/observatory/tasks/analyze-image.js';
import { Sender } from '../../src/sender/sender.js';
import { SqliteBroker } from '../../src/tasks/brokers/sqlite-broker.js';
import { freePorts, writeConfig } from '../helpers.js';
import { shutdownAgent, stopStartedAgents, TestAgent } from '../net-helpers.js';
import {
  type FilledObservatory,
  filledObservatory,
  IMAGE_SIZE,
  T,
  tempPublicDir,
} from './dashboard-fixture.js';

const DEVICES = {
  telescope: { status: 'tracking', pointing: { raDeg: 56.75, decDeg: 24.12 } },
  dome: 'open',
  filter: 'R',
  observing: null,
};

const keys = (o: object) => Object.keys(o).sort();

describe('the dashboard read endpoints over HTTP', () => {
  let obs: FilledObservatory;
  let source: ObservatorySource;
  let app: FastifyInstance;
  let base: string;
  let om: TestAgent;

  before(async () => {
    delete process.env.PYROS_BROKER;
    const [omPort, schedulerPort] = (await freePorts(2)) as [number, number];
    // observation_manager is up (a real agent answering Devices); the scheduler is down.
    process.env.PYROS_AGENT_CONFIG = writeConfig({
      observation_manager: { port: omPort },
      scheduler: { port: schedulerPort },
    });
    Sender.closeAll();
    om = new TestAgent('observation_manager').on('Devices', () => DEVICES);
    await om.start();
    obs = await filledObservatory();
    source = new ObservatorySource(obs.ctx);
    app = createDashboardServer(source, { loopback: true, publicDir: tempPublicDir() });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
    await source.close();
    await stopStartedAgents();
    obs.dispose();
  });

  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(base + path);
    assert.equal(res.status, 200, `${path}: ${res.status} ${await res.clone().text()}`);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    return (await res.json()) as T;
  };

  it('GET /api/agents: every configured agent, up with its counters, or what the host said', async () => {
    const agents = await get<Array<Record<string, unknown>>>('/api/agents');
    assert.deepEqual(agents.map((a) => a.name).sort(), ['observation_manager', 'scheduler']);
    for (const a of agents) {
      assert.deepEqual(keys(a), [
        'failed',
        'handled',
        'lastError',
        'name',
        'received',
        'sent',
        'state',
        'uptimeS',
      ]);
    }
    const up = agents.find((a) => a.name === 'observation_manager') as Record<string, unknown>;
    assert.equal(up.state, 'up');
    assert.equal(typeof up.uptimeS, 'number');
    assert.equal(typeof up.received, 'number');
    assert.equal(up.sent, 0);
    const restarting = agents.find((a) => a.name === 'scheduler') as Record<string, unknown>;
    assert.equal(restarting.state, 'restarting');
    assert.equal(restarting.lastError, 'scheduler crashed: boom');
    assert.equal(restarting.uptimeS, null);
    assert.equal(restarting.sent, 1, 'one message from the scheduler in the log');
  });

  it('GET /api/tasks: the broker, a count for every state, the analyzer workers', async () => {
    // One analysis waiting in the observatory's broker, as the analyzer would enqueue it.
    const broker = SqliteBroker.open(join(obs.ctx.settings.paths.dataDir, 'tasks.db'));
    await analyzeImageTask.applyAsync([obs.imageId, obs.ctx.settings.paths.database], { broker });
    await broker.close();
    const tasks = await get<{ broker: string; counts: Record<string, number>; workers: number }>(
      '/api/tasks',
    );
    assert.equal(tasks.broker, `sqlite:${obs.ctx.settings.paths.dataDir}/tasks.db`);
    assert.equal(tasks.workers, 1);
    assert.deepEqual(keys(tasks.counts), [
      'EXPIRED',
      'FAILURE',
      'PENDING',
      'RETRY',
      'REVOKED',
      'SCHEDULED',
      'STARTED',
      'SUCCESS',
    ]);
    assert.equal(tasks.counts.PENDING, 1);
    assert.equal(tasks.counts.SUCCESS, 0);
  });

  it('GET /api/messages: newest first, limited, filtered by agent', async () => {
    const all =
      await get<Array<{ time: number; from: string; to: string; message: string }>>('/api/messages');
    assert.deepEqual(
      all.map((m) => m.message),
      ['Pause', 'Replan', 'Start observation', 'Plan updated'],
    );
    assert.deepEqual(keys(all[0] as object), ['from', 'message', 'time', 'to']);
    assert.equal((await get<unknown[]>('/api/messages?limit=2')).length, 2);
    const dashboard = await get<Array<{ from: string; to: string }>>('/api/messages?agent=dashboard');
    assert.deepEqual(dashboard, [{ time: T + 3, from: 'dashboard', to: 'majordome', message: 'Pause' }]);
  });

  it('GET /api/plan: the version, the night and the blocks', async () => {
    const plan = await get<{ version: number; night: Record<string, unknown>; blocks: unknown[] }>(
      '/api/plan',
    );
    assert.equal(plan.version, obs.planVersion);
    assert.deepEqual(plan.blocks, obs.blocks);
    const night = nightOf(obs.ctx.site, '2026-11-29');
    assert.deepEqual(plan.night, {
      date: '2026-11-29',
      sunset: night.sunset,
      civilDusk: night.civilDusk,
      nauticalDusk: night.nauticalDusk,
      astronomicalDusk: night.astronomicalDusk,
      astronomicalDawn: night.astronomicalDawn,
      nauticalDawn: night.nauticalDawn,
      civilDawn: night.civilDawn,
      sunrise: night.sunrise,
      dark: night.dark,
    });
  });

  it('GET /api/plan/altitudes: each planned target every 10 minutes from sunset to sunrise', async () => {
    const view = await get<{ times: number[]; series: Array<{ target: string; altitudes: number[] }> }>(
      '/api/plan/altitudes',
    );
    const night = nightOf(obs.ctx.site, '2026-11-29');
    assert.equal(view.times[0], night.sunset);
    assert.ok((view.times.at(-1) as number) <= (night.sunrise as number));
    assert.ok((view.times.at(-1) as number) > (night.sunrise as number) - 600_000);
    assert.ok(view.times.every((t, i) => i === 0 || t - (view.times[i - 1] as number) === 600_000));
    assert.deepEqual(
      view.series.map((s) => s.target),
      ['M45', 'M42'],
    );
    const m42 = view.series[1] as { altitudes: number[] };
    assert.equal(m42.altitudes.length, view.times.length);
    for (const i of [0, 20, view.times.length - 1]) {
      const expected = altAz(obs.ctx.site, { raDeg: 83.82, decDeg: -5.39 }, view.times[i] as number).altDeg;
      assert.ok(Math.abs((m42.altitudes[i] as number) - expected) < 0.01, `M42 at step ${i}`);
    }
  });

  it('GET /api/now: the running observation, the devices, the weather and its limits', async () => {
    const now = await get<Record<string, unknown>>('/api/now');
    assert.deepEqual(keys(now), ['dome', 'filter', 'observation', 'telescope', 'weather']);
    assert.equal((now.observation as { id: number }).id, obs.observationId);
    assert.deepEqual(now.telescope, DEVICES.telescope);
    assert.equal(now.dome, 'open');
    assert.equal(now.filter, 'R');
    const weather = now.weather as { reading: { windSpeedMps: number }; good: boolean; limits: unknown };
    assert.equal(weather.reading.windSpeedMps, 3);
    assert.equal(weather.good, true);
    assert.deepEqual(weather.limits, { maxWindMps: 15, maxCloudPct: 80 });
  });

  it('GET /api/alerts: the notices without their XML, with their request state', async () => {
    const alerts = await get<Array<Record<string, unknown>>>('/api/alerts');
    assert.equal(alerts.length, 1);
    const a = alerts[0] as Record<string, unknown>;
    assert.deepEqual(keys(a), [
      'decDeg',
      'errorDeg',
      'eventTime',
      'ivorn',
      'mission',
      'outcome',
      'packetName',
      'raDeg',
      'reason',
      'receivedAt',
      'requestId',
      'requestState',
      'role',
      'source',
    ]);
    assert.equal(a.ivorn, obs.alertIvorn);
    assert.equal(a.outcome, 'accepted');
    assert.equal(a.requestId, obs.alertRequestId);
    assert.equal(a.requestState, obs.ctx.requests.get(obs.alertRequestId)?.state);
    assert.equal(a.requestState, 'pending');
  });

  it('GET /api/images and the preview: a PNG of the image size, cached for an hour', async () => {
    const images = await get<Array<Record<string, unknown>>>('/api/images');
    assert.equal(images.length, 1);
    const image = images[0] as Record<string, unknown>;
    assert.deepEqual(keys(image), [
      'analysis',
      'dateObs',
      'decDeg',
      'exposureS',
      'filter',
      'id',
      'object',
      'observationId',
      'preview',
      'raDeg',
    ]);
    assert.equal(image.id, obs.imageId);
    assert.equal(image.preview, `/api/images/${obs.imageId}/preview.png`);
    assert.deepEqual(image.analysis, { background: 1000, noise: 10, sourceCount: 0, sources: [] });
    const res = await fetch(base + (image.preview as string));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('cache-control'), 'max-age=3600');
    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    assert.equal(png.width, IMAGE_SIZE);
    assert.equal(png.height, IMAGE_SIZE);
  });

  it('GET /api/state: everything in one object, the clock included', async () => {
    const state = await get<Record<string, unknown>>('/api/state');
    assert.deepEqual(keys(state), ['agents', 'alerts', 'clock', 'images', 'now', 'plan', 'tasks', 'time']);
    assert.deepEqual(state.clock, { simulated: true, speed: 1000 });
    assert.ok((state.time as number) >= T);
    assert.equal((state.plan as { version: number }).version, obs.planVersion);
    assert.equal((state.images as unknown[]).length, 1);
  });

  it('GET /api/events: an "event: state" within 1.5 s', async () => {
    const abort = new AbortController();
    const t0 = performance.now();
    const res = await fetch(`${base}/api/events`, { signal: abort.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!/event: state\ndata: .*\n\n/.test(text)) {
      const { value, done } = await reader.read();
      assert.ok(!done, 'stream ended before a state event');
      text += decoder.decode(value, { stream: true });
    }
    assert.ok(performance.now() - t0 < 1500, `first state after ${performance.now() - t0} ms`);
    const data = JSON.parse((/event: state\ndata: (.*)\n\n/.exec(text) as RegExpExecArray)[1] as string);
    assert.equal(data.plan.version, obs.planVersion);
    abort.abort();
  });

  it('GET /api/now when the observation manager is down: null devices and the error', async () => {
    await shutdownAgent(om);
    const now = await get<Record<string, unknown>>('/api/now');
    assert.deepEqual(now.telescope, { status: null, pointing: null });
    assert.equal(now.dome, null);
    assert.equal(now.filter, null);
    assert.match(now.error as string, /observation_manager/);
    const agents = await get<Array<{ name: string; state: string }>>('/api/agents');
    assert.equal(agents.find((a) => a.name === 'observation_manager')?.state, 'down');
  });
});
