import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createDashboardServer } from '../../src/dashboard/dashboard-server.js';
import { ObservatorySource } from '../../src/dashboard/observatory-source.js';
import { Sender } from '../../src/sender/sender.js';
import { freePorts, writeConfig } from '../helpers.js';
import { stopStartedAgents, TestAgent } from '../net-helpers.js';
import { type FilledObservatory, filledObservatory, tempPublicDir } from './dashboard-fixture.js';

const TOKEN = 'correct horse battery staple';

describe('the dashboard actions, with a real majordome', () => {
  let obs: FilledObservatory;
  let source: ObservatorySource;
  let app: FastifyInstance;
  let base: string;
  let paused = false;
  const heard: Array<{ message: string; payload: unknown; sender: string }> = [];

  before(async () => {
    const [majordomePort, alertPort, omPort] = (await freePorts(3)) as [number, number, number];
    // The majordome runs; the alert manager and the observation manager are configured but down.
    process.env.PYROS_AGENT_CONFIG = writeConfig({
      majordome: { port: majordomePort },
      alert_manager: { port: alertPort },
      observation_manager: { port: omPort },
    });
    Sender.closeAll();
    const majordome = new TestAgent('majordome');
    const state = () => ({ paused, weatherOk: true, running: null });
    majordome.on('Pause', (payload, meta) => {
      heard.push({ message: 'Pause', payload, sender: meta.sender });
      paused = true;
      return state();
    });
    majordome.on('Resume', () => {
      paused = false;
      return state();
    });
    majordome.on('Fail', () => {
      throw new Error('not now');
    });
    await majordome.start();
    obs = await filledObservatory();
    source = new ObservatorySource(obs.ctx);
    app = createDashboardServer(source, { token: TOKEN, loopback: true, publicDir: tempPublicDir() });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
    await source.close();
    await stopStartedAgents();
    obs.dispose();
  });

  const post = (path: string, init: { headers?: Record<string, string>; body?: string } = {}) =>
    fetch(base + path, { method: 'POST', ...init });
  const bearer = { authorization: `Bearer ${TOKEN}` };
  const json = { 'content-type': 'application/json' };

  it('refuses an action without a session (401) and with a wrong token (403)', async () => {
    const none = await post('/api/majordome/pause');
    assert.equal(none.status, 401);
    assert.match(((await none.json()) as { error: string }).error, /no session/);
    const wrong = await post('/api/majordome/pause', { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 403);
    const badLogin = await post('/api/login', { headers: json, body: JSON.stringify({ token: 'nope' }) });
    assert.equal(badLogin.status, 403);
    assert.equal(badLogin.headers.get('set-cookie'), null);
    assert.equal(heard.length, 0, 'nothing reached the majordome');
  });

  it('logs in, acts with the cookie (the majordome answers), logs out', async () => {
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
    assert.deepEqual(await pause.json(), { paused: true, weatherOk: true, running: null });
    assert.equal(heard.at(-1)?.sender, Sender.from, 'sent through Sender');

    const resume = await post('/api/majordome/resume', { headers: { cookie: `other=1; ${cookie}` } });
    assert.deepEqual(await resume.json(), { paused: false, weatherOk: true, running: null });

    const logout = await post('/api/logout', { headers: { cookie } });
    assert.equal(logout.status, 204);
    assert.match(logout.headers.get('set-cookie') ?? '', /Max-Age=0/);
    assert.equal((await post('/api/majordome/pause', { headers: { cookie } })).status, 401);
  });

  it('takes the token as a Bearer header', async () => {
    const pause = await post('/api/majordome/pause', { headers: bearer });
    assert.equal(pause.status, 200);
    assert.equal(((await pause.json()) as { paused: boolean }).paused, true);
  });

  it('sends any message to a configured agent and passes its reply through', async () => {
    const echo = await post('/api/agents/majordome/messages', {
      headers: { ...bearer, ...json },
      body: JSON.stringify({ message: 'Echo', payload: { n: 42, s: 'é' } }),
    });
    assert.equal(echo.status, 200);
    assert.deepEqual(await echo.json(), { reply: { n: 42, s: 'é' } });
    const noPayload = await post('/api/agents/majordome/messages', {
      headers: { ...bearer, ...json },
      body: JSON.stringify({ message: 'Echo' }),
    });
    assert.deepEqual(await noPayload.json(), { reply: null });
  });

  it('answers 404 for an agent not in the config', async () => {
    const res = await post('/api/agents/nobody/messages', {
      headers: { ...bearer, ...json },
      body: JSON.stringify({ message: 'Echo' }),
    });
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { error: string }).error, /unknown agent "nobody"/);
  });

  it('answers 400 with the agent’s words when its handler throws', async () => {
    const res = await post('/api/agents/majordome/messages', {
      headers: { ...bearer, ...json },
      body: JSON.stringify({ message: 'Fail' }),
    });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /not now/);
  });

  it('answers 502 when a configured agent is down', async () => {
    const alert = await post('/api/alerts?drill=1', {
      headers: { ...bearer, 'content-type': 'application/xml' },
      body: '<voe:VOEvent/>',
    });
    assert.equal(alert.status, 502);
    assert.match(((await alert.json()) as { error: string }).error, /alert_manager/);
    const dome = await post('/api/dome/close', { headers: bearer });
    assert.equal(dome.status, 502);
    assert.match(((await dome.json()) as { error: string }).error, /observation_manager/);
  });
});

describe('the dashboard with no token configured', () => {
  let obs: FilledObservatory;
  let app: FastifyInstance;
  before(async () => {
    obs = await filledObservatory();
    app = createDashboardServer(new ObservatorySource(obs.ctx), {
      loopback: true,
      publicDir: tempPublicDir(),
    });
  });
  after(async () => {
    await app.close();
    obs.dispose();
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
    assert.equal((await app.inject({ url: '/api/plan' })).statusCode, 200);
  });
});
