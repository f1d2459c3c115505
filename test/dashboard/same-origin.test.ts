// What a request that changes something must show: that it comes from the dashboard's own page
// (or from no browser at all), and, for a token, that its address has not guessed too often.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { FREE_FAILURES } from '../../src/dashboard/login-limiter.js';
import { recordingLog } from '../helpers.js';
import { type DashboardWorld, dashboardServer, dashboardWorld } from './dashboard-fixture.js';

const TOKEN = 'the-right-token-0123';
const HOST = '127.0.0.1:8080';
const json = { 'content-type': 'application/json' };

describe('requests that change something, from elsewhere', () => {
  let world: DashboardWorld;
  let app: FastifyInstance;
  before(async () => {
    world = await dashboardWorld({ configured: ['majordome'], up: ['majordome'] });
    ({ app } = dashboardServer(world, {
      token: TOKEN,
      loopback: true,
      allowedOrigins: ['https://dome.example.org'],
    }));
  });
  after(async () => {
    await app.close();
    await world.stop();
  });

  const pause = (headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/api/majordome/pause',
      headers: { host: HOST, authorization: `Bearer ${TOKEN}`, ...headers },
    });
  const error = (res: { json(): unknown }) => (res.json() as { error: string }).error;

  it('refuses every action, login and logout from another origin (another port of this machine too)', async () => {
    const before = world.peer('majordome').all('Pause').length;
    for (const origin of [
      'http://127.0.0.1:9999',
      'http://localhost:8080',
      'https://127.0.0.1:8080',
      'null',
    ]) {
      const res = await pause({ origin });
      assert.equal(res.statusCode, 403, origin);
      assert.match(error(res), /^request from another origin refused: /);
    }
    const viaReferer = await pause({ referer: 'http://127.0.0.1:9999/evil.html' });
    assert.equal(viaReferer.statusCode, 403);
    const crossSite = await pause({ 'sec-fetch-site': 'cross-site' });
    assert.equal(crossSite.statusCode, 403);
    assert.match(error(crossSite), /Sec-Fetch-Site: cross-site/);
    const sameSite = await pause({ origin: 'http://127.0.0.1:9999', 'sec-fetch-site': 'same-site' });
    assert.equal(sameSite.statusCode, 403);
    for (const url of ['/api/login', '/api/logout']) {
      const res = await app.inject({
        method: 'POST',
        url,
        headers: { ...json, host: HOST, origin: 'http://127.0.0.1:9999' },
        payload: { token: TOKEN },
      });
      assert.equal(res.statusCode, 403, url);
    }
    assert.equal(world.peer('majordome').all('Pause').length, before, 'the majordome was never asked');
  });

  it('on loopback, refuses a Host that is not a loopback name (DNS rebinding), even same-origin', async () => {
    const res = await pause({ host: 'attacker.example:8080', origin: 'http://attacker.example:8080' });
    assert.equal(res.statusCode, 403);
    assert.match(error(res), /is not a loopback name/);
  });

  it('accepts its own page, an allowed origin, and clients that are not browsers', async () => {
    const cases: Array<Record<string, string>> = [
      { origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin' },
      { referer: `http://${HOST}/` },
      { 'sec-fetch-site': 'none' },
      {},
      { host: 'dome.example.org', origin: 'https://dome.example.org', 'sec-fetch-site': 'same-origin' },
    ];
    for (const headers of cases) {
      const res = await pause(headers);
      assert.equal(res.statusCode, 200, JSON.stringify(headers));
    }
    const login = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { ...json, host: HOST, origin: `http://${HOST}` },
      payload: { token: TOKEN },
    });
    assert.equal(login.statusCode, 204);
    assert.match(String(login.headers['set-cookie']), /; HttpOnly; SameSite=Strict; Path=\//);
  });
});

describe('guessing the token', () => {
  let world: DashboardWorld;
  let app: FastifyInstance;
  let now = Date.parse('2026-12-01T20:00:00Z');
  const recorded = recordingLog();
  before(async () => {
    world = await dashboardWorld({ configured: ['majordome'], up: ['majordome'] });
    ({ app } = dashboardServer(world, { token: TOKEN, loopback: false, log: recorded.log, now: () => now }));
  });
  after(async () => {
    await app.close();
    await world.stop();
  });

  const login = (token: string, remoteAddress = '192.0.2.10') =>
    app.inject({ method: 'POST', url: '/api/login', headers: json, payload: { token }, remoteAddress });

  it('a few wrong tokens, then 429 with Retry-After, growing; each logged with the address, never the token', async () => {
    for (let i = 1; i <= FREE_FAILURES; i++) assert.equal((await login(`guess-${i}`)).statusCode, 403);
    const limited = await login('guess-next');
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.headers['retry-after'], '1');
    assert.match(
      (limited.json() as { error: string }).error,
      /^too many wrong tokens from 192\.0\.2\.10: try again in 1 s$/,
    );
    // Even the right token waits: otherwise guessing would go on at full speed.
    assert.equal((await login(TOKEN)).statusCode, 429);
    now += 1000;
    assert.equal((await login('guess-again')).statusCode, 403);
    assert.equal((await login('guess-again')).headers['retry-after'], '2');
    // Bearer guesses count as well, from the same address.
    const bearer = await app.inject({
      url: '/api/plan',
      headers: { authorization: 'Bearer another-guess' },
      remoteAddress: '192.0.2.10',
    });
    assert.equal(bearer.statusCode, 429);
    // Another address is not concerned.
    assert.equal((await login(TOKEN, '198.51.100.7')).statusCode, 204);

    const warns = recorded.lines.filter((l) => l.level === 'warn').map((l) => l.text);
    assert.equal(warns.length, FREE_FAILURES + 1);
    assert.match(warns[0] as string, /^dashboard: wrong token from 192\.0\.2\.10 \(1 in a row\)$/);
    assert.match(
      warns.at(-1) as string,
      /^dashboard: wrong token from 192\.0\.2\.10 \(6 in a row; its next try in 2 s\)$/,
    );
    assert.ok(
      recorded.lines.every((l) => !/guess|the-right-token/.test(l.text)),
      'no token in the log',
    );
  });

  it('the right token, once the wait is over, logs in and clears the count', async () => {
    now += 60_000;
    assert.equal((await login(TOKEN)).statusCode, 204);
    assert.equal((await login('one-wrong')).statusCode, 403);
    assert.match(recorded.lines.at(-1)?.text ?? '', /\(1 in a row\)$/);
  });
});
