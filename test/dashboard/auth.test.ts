import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { parseCookies } from '../../src/dashboard/auth.js';
import { type DashboardWorld, dashboardServer, dashboardWorld } from './dashboard-fixture.js';

describe('parseCookies', () => {
  it('reads name=value pairs, the first of a repeated name, quoted and percent-encoded values', () => {
    const cookies = parseCookies(' a=1; pyros_session=abc ;b="x y"; a=2; c=%41%42; bad; d=%zz; =e');
    assert.equal(cookies.get('a'), '1');
    assert.equal(cookies.get('pyros_session'), 'abc');
    assert.equal(cookies.get('b'), 'x y');
    assert.equal(cookies.get('c'), 'AB');
    assert.equal(cookies.get('d'), '%zz');
    assert.equal(cookies.size, 5);
    assert.equal(parseCookies(undefined).size, 0);
  });
});

describe('a dashboard that does not listen on loopback', () => {
  const TOKEN = 'secret-token';
  let world: DashboardWorld;
  let app: FastifyInstance;
  before(async () => {
    world = await dashboardWorld({ configured: ['scheduler'], up: ['scheduler'] });
    ({ app } = dashboardServer(world, { token: TOKEN, loopback: false }));
  });
  after(async () => {
    await app.close();
    await world.stop();
  });

  it('refuses reading the API without a session', async () => {
    for (const url of [
      '/api/state',
      '/api/plan',
      '/api/messages',
      '/api/events',
      '/api/images/1/preview.png',
    ]) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 401, url);
      assert.match((res.json() as { error: string }).error, /no session/);
    }
    const wrong = await app.inject({ url: '/api/plan', headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.statusCode, 403);
  });

  it('serves the page itself, so that one can log in', async () => {
    const page = await app.inject({ url: '/' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /test page/);
    assert.equal((await app.inject({ url: '/app.js' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/style.css' })).statusCode, 200);
    const uplot = await app.inject({ url: '/vendor/uplot.iife.min.js' });
    assert.equal(uplot.statusCode, 200);
    assert.match(uplot.body, /uPlot/);
    assert.equal((await app.inject({ url: '/vendor/uPlot.min.css' })).statusCode, 200);
  });

  it('reads with the session cookie, or the Bearer token', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { 'content-type': 'application/json' },
      payload: { token: TOKEN },
    });
    assert.equal(login.statusCode, 204);
    const cookie = (login.headers['set-cookie'] as string).split(';')[0] as string;
    const withCookie = await app.inject({ url: '/api/plan', headers: { cookie } });
    assert.equal(withCookie.statusCode, 200);
    assert.equal((withCookie.json() as { version: number }).version, world.data.plan.version);
    const withBearer = await app.inject({ url: '/api/plan', headers: { authorization: `bearer ${TOKEN}` } });
    assert.equal(withBearer.statusCode, 200);
    // A session id the server never gave is no session.
    const forged = await app.inject({ url: '/api/plan', headers: { cookie: 'pyros_session=forged' } });
    assert.equal(forged.statusCode, 401);
  });
});

describe('a dashboard on loopback', () => {
  let world: DashboardWorld;
  let app: FastifyInstance;
  before(async () => {
    world = await dashboardWorld({ configured: ['scheduler'], up: ['scheduler'] });
    ({ app } = dashboardServer(world, { token: 'secret-token', loopback: true }));
  });
  after(async () => {
    await app.close();
    await world.stop();
  });

  it('opens reading to requests that name a loopback host, not to a rebound name', async () => {
    for (const host of ['localhost:8080', '127.0.0.1:8080', '[::1]:8080', '127.0.0.1']) {
      const res = await app.inject({ url: '/api/plan', headers: { host } });
      assert.equal(res.statusCode, 200, host);
    }
    const rebound = await app.inject({ url: '/api/plan', headers: { host: 'attacker.example:8080' } });
    assert.equal(rebound.statusCode, 401);
    const withToken = await app.inject({
      url: '/api/plan',
      headers: { host: 'attacker.example:8080', authorization: 'Bearer secret-token' },
    });
    assert.equal(withToken.statusCode, 200);
  });
});
