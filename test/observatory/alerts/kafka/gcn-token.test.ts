import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { GcnCredentials } from '../../../../src/observatory/alerts/kafka/gcn-credentials.js';
import {
  createGcnTokenProvider,
  GcnTokenError,
  gcnTokenUrl,
} from '../../../../src/observatory/alerts/kafka/gcn-token.js';

const SECRET = 'q8v2-secret+/=';
const credentials = new GcnCredentials('pyrosclient', SECRET, 'test');

interface Seen {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** A local OIDC token endpoint: answers with `reply`, keeps every request it got. */
describe('GCN token provider (a real HTTP endpoint on 127.0.0.1)', { timeout: 10_000 }, () => {
  const seen: Seen[] = [];
  let reply: (res: ServerResponse, n: number) => void = () => {};
  let url = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const h = req.headers;
      seen.push({
        method: req.method,
        url: req.url,
        authorization: h.authorization,
        contentType: h['content-type'],
        body,
      });
      reply(res, seen.length);
    });
  });
  const json = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  const token = (n: number, expiresIn = 3600) => ({
    access_token: `token-${n}`,
    token_type: 'Bearer',
    expires_in: expiresIn,
  });

  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/token`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  beforeEach(() => {
    seen.length = 0;
    reply = (res, n) => json(res, 200, token(n));
  });

  test('the endpoint of a domain is https://auth.DOMAIN/oauth2/token', () => {
    assert.equal(gcnTokenUrl('gcn.nasa.gov'), 'https://auth.gcn.nasa.gov/oauth2/token');
    assert.equal(gcnTokenUrl('test.gcn.nasa.gov'), 'https://auth.test.gcn.nasa.gov/oauth2/token');
  });

  test('client credentials grant: POST, HTTP Basic client id and secret, no scope', async () => {
    const provider = createGcnTokenProvider({ credentials, tokenUrl: url, allowLoopbackHttp: true });
    assert.equal(await provider(), 'token-1');
    const [req] = seen;
    assert.equal(req?.method, 'POST');
    assert.equal(req?.url, '/oauth2/token');
    assert.equal(req?.contentType, 'application/x-www-form-urlencoded;charset=UTF-8');
    assert.deepEqual([...new URLSearchParams(req?.body)], [['grant_type', 'client_credentials']]);
    // As librdkafka sends it for the official clients: `id:secret` as they are, in base64.
    const basic = Buffer.from(`pyrosclient:${SECRET}`).toString('base64');
    assert.equal(req?.authorization, `Basic ${basic}`);
  });

  test('cached, and renewed before it expires (at most a tenth of its life, 60 s, before)', async () => {
    let now = 1_000_000;
    reply = (res, n) => json(res, 200, token(n, 300)); // a 5-minute token: renewed 30 s before its end
    const provider = createGcnTokenProvider({
      credentials,
      tokenUrl: url,
      allowLoopbackHttp: true,
      now: () => now,
    });
    assert.equal(await provider(), 'token-1');
    now += 269_000;
    assert.equal(await provider(), 'token-1');
    assert.equal(seen.length, 1);
    now += 2_000; // 29 s left
    assert.equal(await provider(), 'token-2');
    assert.equal(provider.requests, 2);
  });

  test('callers that ask at once share one request', async () => {
    let answer: () => void = () => {};
    const asked = new Promise<void>((r) => {
      reply = (res, n) => {
        answer = () => json(res, 200, token(n));
        r();
      };
    });
    const provider = createGcnTokenProvider({ credentials, tokenUrl: url, allowLoopbackHttp: true });
    const calls = [provider(), provider(), provider()];
    await asked;
    answer();
    assert.deepEqual(await Promise.all(calls), ['token-1', 'token-1', 'token-1']);
    assert.equal(seen.length, 1);
  });

  test('401: one line naming the endpoint and the error, never the secret; the next call asks again', async () => {
    reply = (res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'invalid_client', error_description: `bad secret ${SECRET}` }));
    };
    const provider = createGcnTokenProvider({ credentials, tokenUrl: url, allowLoopbackHttp: true });
    const error = await provider().then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof GcnTokenError);
    assert.equal(
      error.message,
      `GCN token request to ${url} failed: HTTP 401 invalid_client (bad secret ***)`,
      'the echoed secret is masked',
    );
    assert.ok(!error.message.includes(SECRET) && !error.message.includes('\n'));
    reply = (res, n) => json(res, 200, token(n));
    assert.equal(await provider(), 'token-2', 'a failure is not cached');
  });

  test('an endpoint that cannot be reached: one line with the reason', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const provider = createGcnTokenProvider({
      credentials,
      tokenUrl: `http://127.0.0.1:${port}/oauth2/token`,
      allowLoopbackHttp: true,
    });
    await assert.rejects(provider(), (e: Error) => {
      assert.match(
        e.message,
        /^GCN token request to http:\/\/127\.0\.0\.1:\d+\/oauth2\/token failed: .*ECONNREFUSED/,
      );
      return !e.message.includes(SECRET);
    });
  });

  test('plain HTTP only on the loopback address, and only when asked for', () => {
    assert.throws(() => createGcnTokenProvider({ credentials, tokenUrl: url }), /must be https:\/\//);
    assert.throws(
      () =>
        createGcnTokenProvider({
          credentials,
          tokenUrl: 'http://auth.gcn.nasa.gov/oauth2/token',
          allowLoopbackHttp: true,
        }),
      /must be https:\/\//,
    );
  });
});
