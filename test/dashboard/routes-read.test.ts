// The read endpoints over HTTP, each answered from the agents that own the data: the six owners
// are scripted peers in their own threads (dashboard-fixture.ts), the dashboard's server and its
// ObservatorySource run here and ask them by message.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { PNG } from 'pngjs';
import type { ObservatorySource } from '../../src/dashboard/observatory-source.js';
import { setHostApps } from '../../src/host/host-apps.js';
import { nightOf } from '../../src/observatory/astro/night.js';
import { altAz } from '../../src/observatory/astro/positions.js';
import { IMAGE_CHUNK_BYTES } from '../../src/observatory/contracts/observation-messages.js';
import { TASK_STATES } from '../../src/tasks/task-record.js';
import {
  allMessages,
  type DashboardWorld,
  dashboardServer,
  dashboardWorld,
  IMAGE_SIZES,
  OWNERS,
  T,
} from './dashboard-fixture.js';

const keys = (o: object) => Object.keys(o).sort();

/** Serves the dashboard over `world` on a free port; returns its base URL and a JSON getter. */
async function serve(world: DashboardWorld) {
  const { source, app } = dashboardServer(world);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const get = async <R>(path: string): Promise<R> => {
    const res = await fetch(base + path);
    assert.equal(res.status, 200, `${path}: ${res.status} ${await res.clone().text()}`);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    return (await res.json()) as R;
  };
  return { source, app, base, get };
}

const AGENT_KEYS = [
  'failed',
  'handled',
  'lastError',
  'name',
  'received',
  'restarts',
  'sent',
  'state',
  'uptimeS',
];

describe('the dashboard read endpoints, every owner up', () => {
  let world: DashboardWorld;
  let source: ObservatorySource;
  let app: FastifyInstance;
  let base: string;
  let get: <R>(path: string) => Promise<R>;

  before(async () => {
    // The dashboard agent's own port is played by a peer too (it answers STATUS and its log).
    world = await dashboardWorld({ up: [...OWNERS, 'dashboard'] });
    ({ source, app, base, get } = await serve(world));
    // What this host's supervisor says of its apps (the dashboard's own host).
    setHostApps([
      { name: 'scheduler', state: 'running', restarts: 1, port: 0, lastError: 'scheduler: boom' },
      { name: 'dashboard', state: 'running', restarts: 0, port: 0, lastError: undefined },
    ]);
  });
  after(async () => {
    setHostApps([]);
    await app.close();
    await source.close();
    await world.stop();
  });

  it('GET /api/agents: every configured agent, up with its counters, restarts from its host', async () => {
    const agents = await get<Array<Record<string, unknown>>>('/api/agents');
    assert.deepEqual(agents.map((a) => a.name).sort(), [...OWNERS, 'dashboard'].sort());
    for (const a of agents) assert.deepEqual(keys(a), AGENT_KEYS, String(a.name));
    const by = new Map(agents.map((a) => [a.name, a]));
    for (const name of [...OWNERS, 'dashboard']) {
      const a = by.get(name) as Record<string, unknown>;
      assert.equal(a.state, 'up', name);
      assert.equal(typeof a.uptimeS, 'number', name);
      assert.equal(typeof a.received, 'number', name);
      assert.equal(a.failed, 0, name);
    }
    // The messages from each agent in the others' logs.
    const sent = Object.fromEntries(agents.map((a) => [a.name, a.sent]));
    assert.deepEqual(sent, {
      alert_manager: 1,
      scheduler: 1,
      majordome: 1,
      observation_manager: 3,
      monitoring: 0,
      analyzer: 0,
      dashboard: 2,
    });
    assert.equal(by.get('scheduler')?.restarts, 1);
    assert.equal(by.get('scheduler')?.lastError, 'scheduler: boom');
    assert.equal(by.get('majordome')?.restarts, null, 'not an app of this host');
    assert.equal(by.get('dashboard')?.restarts, 0);
  });

  it('GET /api/tasks: the analyzer’s broker, a count for every state, its workers', async () => {
    const tasks = await get<{ broker: string; counts: Record<string, number>; workers: number }>(
      '/api/tasks',
    );
    assert.deepEqual(tasks, world.data.tasks);
    assert.deepEqual(keys(tasks.counts), [...TASK_STATES].sort());
  });

  it('GET /api/messages: every agent’s log merged, newest first, limited, filtered by agent', async () => {
    const all =
      await get<Array<{ time: number; from: string; to: string; message: string }>>('/api/messages');
    assert.deepEqual(all, allMessages(world.data));
    assert.equal(all.length, 8);
    assert.deepEqual(keys(all[0] as object), ['from', 'message', 'time', 'to']);
    assert.deepEqual(await get('/api/messages?limit=2'), all.slice(0, 2));
    const dashboard = await get<Array<{ from: string; to: string; message: string }>>(
      '/api/messages?agent=dashboard',
    );
    assert.deepEqual(
      dashboard.map((m) => [m.from, m.to, m.message]),
      [
        ['dashboard', 'majordome', 'Resume'],
        ['dashboard', 'alert_manager', 'Notice'],
      ],
    );
    const scheduler = await get<Array<{ from: string; to: string }>>('/api/messages?agent=scheduler');
    assert.equal(scheduler.length, 3);
    assert.ok(scheduler.every((m) => m.from === 'scheduler' || m.to === 'scheduler'));
  });

  it('GET /api/plan: the scheduler’s version and blocks, and the night', async () => {
    const plan = await get<{
      version: number;
      night: Record<string, unknown>;
      blocks: unknown[];
      observed: unknown[];
    }>('/api/plan');
    assert.equal(plan.version, world.data.plan.version);
    assert.deepEqual(plan.blocks, world.data.plan.blocks);
    const night = nightOf(world.obs.ctx.site, '2026-11-29');
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
    // The night's history, oldest first, from the observation manager (the plan holds what is to come).
    assert.deepEqual(plan.observed, [...world.data.observations].reverse());
  });

  it('GET /api/plan/altitudes: each planned target every 10 minutes from sunset to sunrise', async () => {
    const view = await get<{
      times: number[];
      series: Array<{ target: string; altitudes: number[] }>;
      horizonLimitDeg: number;
    }>('/api/plan/altitudes');
    const night = nightOf(world.obs.ctx.site, '2026-11-29');
    assert.equal(view.times[0], night.sunset);
    assert.ok((view.times.at(-1) as number) <= (night.sunrise as number));
    assert.ok((view.times.at(-1) as number) > (night.sunrise as number) - 600_000);
    assert.ok(view.times.every((t, i) => i === 0 || t - (view.times[i - 1] as number) === 600_000));
    assert.deepEqual(
      view.series.map((s) => s.target),
      ['M45', 'GRB 261129A', 'M42'],
    );
    assert.equal(view.horizonLimitDeg, world.obs.ctx.site.horizonLimitDeg);
    const m42 = view.series[2] as { altitudes: number[] };
    assert.equal(m42.altitudes.length, view.times.length);
    for (const i of [0, 20, view.times.length - 1]) {
      const expected = altAz(world.obs.ctx.site, { raDeg: 83.82, decDeg: -5.39 }, view.times[i] as number);
      assert.ok(Math.abs((m42.altitudes[i] as number) - expected.altDeg) < 0.01, `M42 at step ${i}`);
    }
  });

  it('GET /api/now: the observation, devices and interlock, the weather verdict, the night', async () => {
    const now = await get<Record<string, unknown>>('/api/now');
    const { data } = world;
    assert.deepEqual(keys(now), [
      'dome',
      'execution',
      'filter',
      'interlock',
      'observation',
      'telescope',
      'weather',
    ]);
    assert.deepEqual(now.observation, data.observations[0]);
    assert.deepEqual(now.telescope, data.devices.telescope);
    assert.equal(now.dome, 'open');
    assert.equal(now.filter, 'R');
    assert.deepEqual(now.interlock, data.devices.safety);
    assert.deepEqual(now.weather, {
      reading: data.weather.reading,
      safe: true,
      reason: 'within limits',
      time: data.weather.verdict.time,
      validUntil: data.weather.verdict.validUntil,
      limits: { maxWindMps: 20, maxCloudPct: 80, maxHumidityPct: 90 },
    });
    assert.deepEqual(now.execution, data.execution);
    // The running observation is asked as such.
    const asked = world.peer('observation_manager').all('Observations').at(-1);
    assert.deepEqual(asked?.payload, { limit: 1, state: 'running' });
  });

  it('GET /api/alerts: the alert manager’s notices, with the scheduler’s state of their request', async () => {
    const alerts = await get<Array<Record<string, unknown>>>('/api/alerts');
    assert.equal(alerts.length, 2);
    for (const a of alerts) {
      assert.deepEqual(keys(a), [
        'area90Deg2',
        'classification',
        'decDeg',
        'drill',
        'errorDeg',
        'eventKey',
        'eventTime',
        'format',
        'instrument',
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
    }
    const [drill, grb] = alerts as [Record<string, unknown>, Record<string, unknown>];
    assert.deepEqual(drill, { ...world.data.alerts[0], requestState: null });
    assert.equal(drill.drill, true);
    assert.deepEqual(grb, { ...world.data.alerts[1], requestState: 'scheduled' });
    const asked = world.peer('scheduler').all('Requests').at(-1);
    assert.deepEqual(asked?.payload, { ids: [grb.requestId], limit: 1 });
    assert.equal((await get<unknown[]>('/api/alerts?limit=1')).length, 1);
    // Over what the alert manager gives at once (500): cut to it, not refused.
    assert.equal((await get<unknown[]>('/api/alerts?limit=1000')).length, 2);
    const alertsAsked = world.peer('alert_manager').all('Alerts').at(-1);
    assert.equal((alertsAsked?.payload as { limit: number } | undefined)?.limit, 500);
  });

  it('GET /api/images: the observation manager’s records with the analyzer’s analyses', async () => {
    const images = await get<Array<Record<string, unknown>>>('/api/images');
    assert.equal(images.length, 2);
    for (const image of images) {
      assert.deepEqual(keys(image), [
        'analysis',
        'analysisState',
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
    }
    const [pending, done] = images as [Record<string, unknown>, Record<string, unknown>];
    assert.equal(pending.id, 13);
    assert.equal(pending.analysis, null);
    assert.equal(pending.analysisState, 'pending');
    assert.equal(pending.preview, '/api/images/13/preview.png');
    assert.equal(done.id, 12);
    assert.deepEqual(done.analysis, world.data.analyses[1]?.analysis);
    assert.equal(done.analysisState, 'done');
    assert.equal(done.raDeg, 56.75);
    assert.equal(done.decDeg, 24.12);
    const asked = world.peer('analyzer').all('Analyses').at(-1);
    assert.deepEqual(asked?.payload, { imageIds: [13, 12] });
    assert.equal((await get<unknown[]>('/api/images?limit=1000')).length, 2);
    assert.equal((await get<unknown[]>('/api/images?limit=1')).length, 1);
  });

  it('GET /api/images/:id/preview.png: the FITS file fetched in pieces, a PNG of its size, cached', async () => {
    const om = world.peer('observation_manager');
    const before = om.all('Image data').length;
    const res = await fetch(`${base}/api/images/13/preview.png`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(res.headers.get('cache-control'), 'max-age=3600');
    const png = PNG.sync.read(Buffer.from(await res.arrayBuffer()));
    assert.equal(png.width, IMAGE_SIZES[0]);
    assert.equal(png.height, IMAGE_SIZES[0]);
    const pieces = om.all('Image data').slice(before);
    assert.deepEqual(
      pieces.map((p) => p.payload),
      [
        { imageId: 13, offset: 0, length: IMAGE_CHUNK_BYTES },
        { imageId: 13, offset: IMAGE_CHUNK_BYTES, length: IMAGE_CHUNK_BYTES },
      ],
    );
    // A preview is made once: the second request asks nothing of the observation manager.
    const again = await fetch(`${base}/api/images/13/preview.png`);
    assert.equal(again.status, 200);
    assert.equal(om.all('Image data').length, before + 2);
  });

  it('GET /api/state: everything in one object, the clock included', async () => {
    const state = await get<Record<string, unknown>>('/api/state');
    assert.deepEqual(keys(state), [
      'agents',
      'alertSources',
      'alerts',
      'clock',
      'images',
      'now',
      'plan',
      'tasks',
      'time',
    ]);
    assert.deepEqual(state.alertSources, world.data.alertSources, "the alert manager's sources, as it says");
    assert.deepEqual(state.clock, { simulated: true, speed: 1 });
    assert.ok((state.time as number) >= T);
    assert.equal((state.plan as { version: number }).version, world.data.plan.version);
    assert.equal((state.images as unknown[]).length, 2);
    assert.equal((state.alerts as unknown[]).length, 2);
    assert.equal((state.now as { execution: { state: string } }).execution.state, 'observing');
    assert.equal((state.agents as unknown[]).length, 7);
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
    assert.equal(data.plan.version, world.data.plan.version);
    abort.abort();
  });

  it('GET /api/now before monitoring’s first reading: no verdict yet (safe null), its reason', async () => {
    const { data } = world;
    await world.script(
      'monitoring',
      'Weather',
      `return { reading: null, verdict: { ...${JSON.stringify(data.weather.verdict)}, safe: false, reason: 'no reading yet', reading: null }, limits: ${JSON.stringify(data.weather.limits)} };`,
    );
    const now = await get<{ weather: Record<string, unknown> }>('/api/now');
    assert.equal(now.weather.reading, null);
    assert.equal(now.weather.safe, null);
    assert.equal(now.weather.reason, 'no reading yet');
  });
});

describe('the dashboard read endpoints, most owners down', () => {
  // Up: the observation manager and the alert manager; the scheduler, the majordome, monitoring
  // and the analyzer are configured but do not answer (their computers are off).
  let world: DashboardWorld;
  let source: ObservatorySource;
  let app: FastifyInstance;
  let get: <R>(path: string) => Promise<R>;

  before(async () => {
    world = await dashboardWorld({ up: ['observation_manager', 'alert_manager'] });
    ({ source, app, get } = await serve(world));
    setHostApps([
      { name: 'analyzer', state: 'restarting', restarts: 3, port: 0, lastError: 'analyzer: out of memory' },
    ]);
  });
  after(async () => {
    setHostApps([]);
    await app.close();
    await source.close();
    await world.stop();
  });

  it('GET /api/agents: down, or what the host says (restarting, with its error)', async () => {
    const agents = await get<Array<{ name: string; state: string; uptimeS: number | null }>>('/api/agents');
    const states = Object.fromEntries(agents.map((a) => [a.name, a.state]));
    assert.deepEqual(states, {
      alert_manager: 'up',
      scheduler: 'down',
      majordome: 'down',
      observation_manager: 'up',
      monitoring: 'down',
      analyzer: 'restarting',
      dashboard: 'down',
    });
    const analyzer = agents.find((a) => a.name === 'analyzer') as Record<string, unknown>;
    assert.equal(analyzer.restarts, 3);
    assert.equal(analyzer.lastError, 'analyzer: out of memory');
    assert.equal(analyzer.uptimeS, null);
    assert.equal(analyzer.received, null);
  });

  it('GET /api/plan: version 0 and no blocks when the scheduler does not answer', async () => {
    const plan = await get<{ version: number; blocks: unknown[]; night: { date: string } }>('/api/plan');
    assert.equal(plan.version, 0);
    assert.deepEqual(plan.blocks, []);
    assert.equal(plan.night.date, '2026-11-29');
    const altitudes = await get<{ series: unknown[] }>('/api/plan/altitudes');
    assert.deepEqual(altitudes.series, []);
  });

  it('GET /api/tasks: zero counts and the analyzer’s error', async () => {
    const tasks = await get<{ broker: string; counts: Record<string, number>; error: string }>('/api/tasks');
    assert.equal(tasks.broker, '');
    assert.deepEqual(tasks.counts, Object.fromEntries(TASK_STATES.map((s) => [s, 0])));
    assert.match(tasks.error, /^analyzer: /);
  });

  it('GET /api/now: the devices, no weather and no night, and who did not answer', async () => {
    const now = await get<Record<string, unknown>>('/api/now');
    assert.deepEqual(now.telescope, world.data.devices.telescope);
    assert.deepEqual(now.interlock, world.data.devices.safety);
    assert.deepEqual(now.weather, {
      reading: null,
      safe: null,
      reason: null,
      time: null,
      validUntil: null,
      limits: null,
    });
    assert.equal(now.execution, null);
    assert.match(now.error as string, /monitoring: /);
    assert.match(now.error as string, /majordome: /);
    assert.doesNotMatch(now.error as string, /observation_manager/);
  });

  it('GET /api/alerts and /api/images: the owners’ records, unknown request states and analyses', async () => {
    const alerts = await get<Array<{ requestId: string | null; requestState: string | null }>>('/api/alerts');
    assert.equal(alerts.length, 2);
    assert.ok(alerts.every((a) => a.requestState === null));
    const images = await get<Array<{ analysis: unknown; analysisState: unknown }>>('/api/images');
    assert.equal(images.length, 2);
    assert.ok(images.every((i) => i.analysis === null && i.analysisState === null));
  });

  it('GET /api/messages: the logs of those that answered', async () => {
    const messages = await get<Array<{ to: string }>>('/api/messages');
    assert.deepEqual(
      messages,
      allMessages(world.data).filter((m) => m.to === 'observation_manager' || m.to === 'alert_manager'),
    );
  });

  it('GET /api/now with the observation manager down too: null devices and its error', async () => {
    await world.peer('observation_manager').stop();
    const now = await get<Record<string, unknown>>('/api/now');
    assert.deepEqual(now.telescope, { status: null, pointing: null });
    assert.equal(now.dome, null);
    assert.equal(now.filter, null);
    assert.equal(now.interlock, null);
    assert.equal(now.observation, null);
    assert.match(now.error as string, /observation_manager: /);
    assert.deepEqual(await get('/api/images'), []);
    const state = await get<{ images: unknown[]; now: { dome: unknown } }>('/api/state');
    assert.deepEqual(state.images, []);
    assert.equal(state.now.dome, null);
  });

  it('GET /api/alerts with the alert manager down: none', async () => {
    await world.peer('alert_manager').stop();
    assert.deepEqual(await get('/api/alerts'), []);
  });
});
