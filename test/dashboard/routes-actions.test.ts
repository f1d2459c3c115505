// The operator's actions over HTTP: each one a message to the agent that acts (the alert manager,
// the majordome, the observation manager, or any agent), played by scripted peers in their own
// threads, and each failure mapped to an HTTP status.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { ObservatorySource } from '../../src/dashboard/observatory-source.js';
import { Msg } from '../../src/observatory/messages.js';
import { Sender } from '../../src/sender/sender.js';
import { stopStartedAgents, TestAgent } from '../net-helpers.js';
import { type DashboardWorld, dashboardServer, dashboardWorld } from './dashboard-fixture.js';

const TOKEN = 'correct horse battery staple';
const bearer = { authorization: `Bearer ${TOKEN}` };
const json = { 'content-type': 'application/json' };
const xml = { 'content-type': 'application/xml' };
const VOEVENT = '<voe:VOEvent ivorn="ivo://test#1" role="observation"/>';

/** The dashboard over `world`, listening on a free port, actions behind {@link TOKEN}. */
async function serve(world: DashboardWorld) {
  const { source, app } = dashboardServer(world, { token: TOKEN });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const post = (path: string, init: { headers?: Record<string, string>; body?: string } = {}) =>
    fetch(base + path, { method: 'POST', ...init });
  return { source, app, post };
}

const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;

describe('the dashboard actions, the acting agents up', () => {
  let world: DashboardWorld;
  let source: ObservatorySource;
  let app: FastifyInstance;
  let post: Awaited<ReturnType<typeof serve>>['post'];

  before(async () => {
    world = await dashboardWorld({ up: ['alert_manager', 'majordome', 'observation_manager', 'scheduler'] });
    await world.script('majordome', 'Fail', "throw new Error('not now');");
    ({ source, app, post } = await serve(world));
  });
  after(async () => {
    await app.close();
    await source.close();
    await world.stop();
  });

  it('refuses an action without a session (401) and with a wrong token (403)', async () => {
    const none = await post('/api/majordome/pause');
    assert.equal(none.status, 401);
    assert.match(await errorOf(none), /no session/);
    const wrong = await post('/api/majordome/pause', { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 403);
    const badLogin = await post('/api/login', { headers: json, body: JSON.stringify({ token: 'nope' }) });
    assert.equal(badLogin.status, 403);
    assert.equal(badLogin.headers.get('set-cookie'), null);
    assert.equal(world.peer('majordome').all('Pause').length, 0, 'nothing reached the majordome');
  });

  it('logs in, pauses and resumes the majordome with the cookie (its state as the answer), logs out', async () => {
    const majordome = world.peer('majordome');
    const login = await post('/api/login', { headers: json, body: JSON.stringify({ token: TOKEN }) });
    assert.equal(login.status, 204);
    const setCookie = login.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^pyros_session=[A-Za-z0-9_-]{20,}; /);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.match(setCookie, /Path=\//);
    const cookie = setCookie.split(';')[0] as string;

    const pause = await post('/api/majordome/pause', { headers: { cookie } });
    assert.equal(pause.status, 200);
    const paused = (await pause.json()) as { state: string; paused: { reason: string } | null };
    assert.equal(paused.state, 'paused');
    assert.equal(paused.paused?.reason, 'paused from the dashboard');
    const heard = await majordome.waitFor('Pause');
    assert.deepEqual(heard.payload, { reason: 'paused from the dashboard' });
    assert.equal(heard.sender, Sender.from, 'sent through Sender, under the dashboard thread’s name');

    const resume = await post('/api/majordome/resume', { headers: { cookie: `other=1; ${cookie}` } });
    assert.equal(resume.status, 200);
    assert.equal(((await resume.json()) as { paused: unknown }).paused, null);
    assert.equal((await majordome.waitFor('Resume')).payload, undefined);

    const logout = await post('/api/logout', { headers: { cookie } });
    assert.equal(logout.status, 204);
    assert.match(logout.headers.get('set-cookie') ?? '', /Max-Age=0/);
    assert.equal((await post('/api/majordome/pause', { headers: { cookie } })).status, 401);
    assert.equal(majordome.all('Pause').length, 1);
  });

  it('takes the token as a Bearer header', async () => {
    const pause = await post('/api/majordome/pause', { headers: bearer });
    assert.equal(pause.status, 200);
    assert.equal(((await pause.json()) as { state: string }).state, 'paused');
  });

  it('injects an alert: the notice to the alert manager, drill or not, its decision as the answer', async () => {
    const am = world.peer('alert_manager');
    const drill = await post('/api/alerts?drill=1', { headers: { ...bearer, ...xml }, body: VOEVENT });
    assert.equal(drill.status, 200);
    assert.deepEqual(await drill.json(), {
      outcome: 'accepted',
      reason: 'new GRB position: urgent request',
      ivorn: 'ivo://test#1',
      requestId: 'alert-1',
      summary: 'GRB at 45.100 +36.200',
    });
    const first = await am.waitFor('Notice');
    assert.deepEqual(first.payload, { text: VOEVENT, drill: true, source: 'dashboard' });
    const real = await post('/api/alerts', {
      headers: { ...bearer, 'content-type': 'text/xml' },
      body: VOEVENT,
    });
    assert.equal(real.status, 200);
    assert.equal(((await am.waitFor('Notice', 2)).payload as { drill: boolean }).drill, false);
    // A JSON notice goes as the text it came as (its id hashes it), even one over 1 MiB.
    const json = `{ "instrument" :  "WXT", "id": ["1"], "pad": "${'x'.repeat(1_200_000)}" }\n`;
    const sent = await post('/api/alerts', {
      headers: { ...bearer, 'content-type': 'application/json' },
      body: json,
    });
    assert.equal(sent.status, 200, await sent.clone().text());
    assert.equal(((await am.waitFor('Notice', 3)).payload as { text: string }).text, json);
  });

  it('closes the dome: Close dome with park to the observation manager, its reply as the answer', async () => {
    const res = await post('/api/dome/close', { headers: bearer });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { aborted: 7, dome: 'closed', telescope: 'parked' });
    const heard = await world.peer('observation_manager').waitFor('Close dome');
    assert.deepEqual(heard.payload, { reason: 'closed from the dashboard', park: true });
  });

  it('sends any message to a configured agent and passes its reply through', async () => {
    const replan = await post('/api/agents/scheduler/messages', {
      headers: { ...bearer, ...json },
      body: JSON.stringify({ message: 'Replan', payload: { why: 'é' } }),
    });
    assert.equal(replan.status, 200);
    assert.deepEqual(await replan.json(), { reply: { version: 5, blocks: 3 } });
    assert.deepEqual((await world.peer('scheduler').waitFor('Replan')).payload, { why: 'é' });
    // A handler that returns nothing: the reply is null.
    const nothing = await post('/api/agents/scheduler/messages', {
      headers: { ...bearer, ...json },
      body: JSON.stringify({ message: 'Echo' }),
    });
    assert.equal(nothing.status, 200);
    assert.deepEqual(await nothing.json(), { reply: null });
  });

  it('answers 404 for an agent not in the config', async () => {
    const res = await post('/api/agents/nobody/messages', {
      headers: { ...bearer, ...json },
      body: JSON.stringify({ message: 'Echo' }),
    });
    assert.equal(res.status, 404);
    assert.match(await errorOf(res), /unknown agent "nobody"/);
  });

  it('answers 400 with the agent’s words when its handler throws', async () => {
    const res = await post('/api/agents/majordome/messages', {
      headers: { ...bearer, ...json },
      body: JSON.stringify({ message: 'Fail' }),
    });
    assert.equal(res.status, 400);
    assert.match(await errorOf(res), /not now/);
  });

  it('answers 502 when the owner replies what its contract does not allow', async () => {
    await world.script('majordome', 'Pause', "return { paused: 'yes' };");
    const res = await post('/api/majordome/pause', { headers: bearer });
    assert.equal(res.status, 502);
    assert.match(await errorOf(res), /majordome ← "Pause": reply: /);
  });

  it('answers 502, naming the agent, when a configured agent is down', async () => {
    const res = await post('/api/agents/monitoring/messages', {
      headers: { ...bearer, ...json },
      body: JSON.stringify({ message: 'Weather' }),
    });
    assert.equal(res.status, 502);
    assert.match(await errorOf(res), /monitoring/);
  });
});

describe('the dashboard actions, the acting agents down', () => {
  let world: DashboardWorld;
  let source: ObservatorySource;
  let app: FastifyInstance;
  let post: Awaited<ReturnType<typeof serve>>['post'];

  before(async () => {
    world = await dashboardWorld({ up: [] });
    ({ source, app, post } = await serve(world));
  });
  after(async () => {
    await app.close();
    await source.close();
    await world.stop();
  });

  it('answers 502 with the agent that did not answer, for every action', async () => {
    for (const [path, agent, headers, body] of [
      ['/api/alerts?drill=1', 'alert_manager', { ...bearer, ...xml }, VOEVENT],
      ['/api/dome/close', 'observation_manager', bearer, undefined],
      ['/api/majordome/pause', 'majordome', bearer, undefined],
      ['/api/majordome/resume', 'majordome', bearer, undefined],
    ] as const) {
      const res = await post(path, { headers, ...(body === undefined ? {} : { body }) });
      assert.equal(res.status, 502, path);
      assert.match(await errorOf(res), new RegExp(`^${agent} ← `), path);
    }
  });
});

/** An agent that declares a message, so that it refuses a payload of the wrong shape. */
class StrictAnalyzer extends TestAgent {
  constructor() {
    super('analyzer');
    this.onMessage(Msg.NEW_IMAGE, ({ imageId }) => ({ taskId: `t${imageId}`, queued: true }));
  }
}

describe('the dashboard sending a declared message', () => {
  let world: DashboardWorld;
  let source: ObservatorySource;
  let app: FastifyInstance;
  let post: Awaited<ReturnType<typeof serve>>['post'];

  before(async () => {
    world = await dashboardWorld({ up: [] });
    await new StrictAnalyzer().start();
    ({ source, app, post } = await serve(world));
  });
  after(async () => {
    await app.close();
    await source.close();
    await stopStartedAgents();
    await world.stop();
  });

  const send = (payload: unknown) =>
    post('/api/agents/analyzer/messages', {
      headers: { ...bearer, ...json },
      body: JSON.stringify({ message: 'New image', payload }),
    });

  it('answers 400 naming the field when the agent refuses the payload, the reply when it takes it', async () => {
    const refused = await send({
      imageId: 'twelve',
      observationId: 7,
      object: 'M45',
      filter: 'R',
      dateObs: 0,
    });
    assert.equal(refused.status, 400);
    assert.match(await errorOf(refused), /imageId/);
    const taken = await send({ imageId: 12, observationId: 7, object: 'M45', filter: 'R', dateObs: 0 });
    assert.equal(taken.status, 200);
    assert.deepEqual(await taken.json(), { reply: { taskId: 't12', queued: true } });
  });
});

describe('the dashboard with no token configured', () => {
  let world: DashboardWorld;
  let app: FastifyInstance;
  before(async () => {
    world = await dashboardWorld({ up: ['scheduler'] });
    ({ app } = dashboardServer(world));
  });
  after(async () => {
    await app.close();
    await world.stop();
  });

  it('refuses every action and every login with 403, saying how to set one', async () => {
    for (const request of [
      { method: 'POST' as const, url: '/api/majordome/pause' },
      { method: 'POST' as const, url: '/api/majordome/pause', headers: { authorization: 'Bearer x' } },
      {
        method: 'POST' as const,
        url: '/api/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"token":"x"}',
      },
    ]) {
      const res = await app.inject(request);
      assert.equal(res.statusCode, 403, request.url);
      const { error } = res.json() as { error: string };
      assert.match(error, /^no dashboard token configured: .*\[dashboard\] token.*PYROS_DASHBOARD_TOKEN/);
    }
  });

  it('still lets anyone read on a loopback address', async () => {
    const plan = await app.inject({ url: '/api/plan' });
    assert.equal(plan.statusCode, 200);
    assert.equal((plan.json() as { version: number }).version, world.data.plan.version);
  });
});
