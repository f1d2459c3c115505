import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { ObservatorySource } from '../../src/dashboard/observatory-source.js';
import { type DashboardWorld, dashboardServer, dashboardWorld } from './dashboard-fixture.js';

const TOKEN = 't0ken';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('the dashboard answers bad input with a 4xx and one line of JSON', () => {
  let world: DashboardWorld;
  let source: ObservatorySource;
  let app: FastifyInstance;
  before(async () => {
    world = await dashboardWorld({ up: ['observation_manager', 'alert_manager', 'majordome'] });
    ({ source, app } = dashboardServer(world, { token: TOKEN }));
  });
  after(async () => {
    await app.close();
    await source.close();
    await world.stop();
  });

  async function refused(request: InjectOptions, status: number, error: RegExp): Promise<void> {
    const res = await app.inject(request);
    assert.equal(res.statusCode, status, `${request.method ?? 'GET'} ${request.url}: ${res.body}`);
    assert.match(res.headers['content-type'] as string, /^application\/json/);
    const body = res.json() as { error: string };
    assert.deepEqual(Object.keys(body), ['error']);
    assert.doesNotMatch(body.error, /\n/);
    assert.match(body.error, error);
  }

  const messages = (payload: string, type = 'application/json'): InjectOptions => ({
    method: 'POST',
    url: '/api/agents/majordome/messages',
    headers: { ...auth, 'content-type': type },
    payload,
  });

  it('400: a body that is not JSON, not an object, or misses a field', async () => {
    await refused(messages('{"message": '), 400, /^body is not JSON/);
    await refused(messages(''), 400, /^empty body/);
    await refused(messages('[1, 2]'), 400, /^body: /);
    await refused(messages('{"payload": 1}'), 400, /^body: missing field "message"$/);
    await refused(messages('{"message": 7}'), 400, /^body: message: /);
    const login = {
      method: 'POST' as const,
      url: '/api/login',
      headers: { 'content-type': 'application/json' },
    };
    await refused({ ...login, payload: '{}' }, 400, /missing field "token"/);
  });

  it('400: a bad query or path', async () => {
    await refused({ url: '/api/messages?limit=ten' }, 400, /limit "ten" is not an integer/);
    await refused({ url: '/api/alerts?limit=2.5' }, 400, /limit "2.5" is not an integer/);
    await refused({ url: '/api/images?limit=0' }, 400, /limit 0 is not within 1-1000/);
    await refused({ url: '/api/images?limit=1001' }, 400, /limit 1001 is not within 1-1000/);
    await refused({ url: '/api/images/abc/preview.png' }, 400, /image id "abc" is not a number/);
    const xml = { ...auth, 'content-type': 'application/xml' };
    await refused(
      { method: 'POST', url: '/api/alerts?drill=maybe', headers: xml, payload: '<x/>' },
      400,
      /^query: drill/,
    );
    await refused({ method: 'POST', url: '/api/alerts', headers: xml, payload: '  ' }, 400, /empty/);
  });

  it('404: an image the observation manager does not have, an unknown route, as JSON', async () => {
    await refused({ url: '/api/images/999/preview.png' }, 404, /^no image 999$/);
    await refused({ url: '/api/nothing' }, 404, /no such route: GET \/api\/nothing/);
    await refused({ method: 'POST', url: '/api/nothing', headers: auth }, 404, /no such route/);
    await refused({ url: '/nothing.html' }, 404, /no such route/);
    await refused({ url: '/../package.json' }, 404, /no such route/);
  });

  it('404: an image whose file has gone from the observation manager’s disk', async () => {
    const image = world.data.images[1] as { id: number; path: string };
    rmSync(image.path);
    await refused(
      { url: `/api/images/${image.id}/preview.png` },
      404,
      new RegExp(`^image ${image.id}: its file is missing on the observation manager's disk$`),
    );
  });

  it('502: a preview of a file that is not FITS on the observation manager’s disk', async () => {
    writeFileSync((world.data.images[0] as { path: string }).path, 'not a FITS file\n');
    await refused({ url: '/api/images/13/preview.png' }, 502, /^image 13: not a FITS file/);
  });

  it('502: a preview when the observation manager does not answer', async () => {
    await world.peer('observation_manager').stop();
    await refused({ url: '/api/images/12/preview.png' }, 502, /^observation_manager ← "Image data": /);
  });

  it('413: a body over 1 MiB, a notice over 4 MiB', async () => {
    await refused(
      {
        method: 'POST',
        url: '/api/agents/scheduler/messages',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: JSON.stringify({ message: 'x', payload: 'a'.repeat(1 << 20) }),
      },
      413,
      /over 1048576 bytes \(1 MiB\)/,
    );
    await refused(
      {
        method: 'POST',
        url: '/api/alerts',
        headers: { ...auth, 'content-type': 'text/xml' },
        payload: `<x>${'a'.repeat(4 << 20)}</x>`,
      },
      413,
      /over 4194304 bytes \(4 MiB\)/,
    );
  });

  it('415: a wrong content type', async () => {
    await refused(
      {
        method: 'POST',
        url: '/api/alerts',
        headers: { ...auth, 'content-type': 'text/plain' },
        payload: '{}',
      },
      415,
      /"text\/plain" is not accepted here: send application\/xml or text\/xml or application\/json/,
    );
    await refused(messages('<x/>', 'text/xml'), 415, /send application\/json/);
    await refused(
      { method: 'POST', url: '/api/login', headers: { 'content-type': 'text/plain' }, payload: 'x' },
      415,
      /send application\/json/,
    );
  });

  it('takes XML with a charset, and JSON with one', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/alerts?drill=1',
      headers: { ...auth, 'content-type': 'application/xml; charset=utf-8' },
      payload: '<x/>',
    });
    assert.equal(res.statusCode, 200, res.body);
    const heard = await world.peer('alert_manager').waitFor('Notice');
    assert.deepEqual(heard.payload, { text: '<x/>', drill: true, source: 'dashboard' });
    // Past validation: the agent is not configured, hence 404 (not 400 or 415).
    const json = await app.inject({
      method: 'POST',
      url: '/api/agents/nobody/messages',
      headers: { ...auth, 'content-type': 'application/json; charset=utf-8' },
      payload: '{"message": "Echo"}',
    });
    assert.equal(json.statusCode, 404, json.body);
  });
});
