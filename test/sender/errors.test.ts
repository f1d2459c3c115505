// What Sender rejects with when the message cannot get through: each error has its class, its
// code, a one-line message naming the agent, and comes within a bounded time.
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { afterEach, before, test } from 'node:test';
import { UnknownAgentError } from '../../src/config/agent-config.js';
import {
  InvalidMessageError,
  RejectedError,
  SendTimeoutError,
  UnreachableError,
} from '../../src/sender/errors.js';
import { Sender } from '../../src/sender/sender.js';
import { freePorts, writeConfig } from '../helpers.js';
import { assertServing, shutdownAgent, stopStartedAgents, TestAgent } from '../net-helpers.js';

let live = 0;
let dead = 0;

before(async () => {
  [live, dead] = (await freePorts(2)) as [number, number];
  process.env.PYROS_AGENT_CONFIG = writeConfig({ live: { port: live }, dead: { port: dead } });
  Sender.configure({ retry: { retries: 2, baseDelayMs: 10 } });
});

afterEach(stopStartedAgents);

/** An agent with a handler that resolves only when the test says so. */
async function startHanging(): Promise<{ agent: TestAgent; release: () => void }> {
  const pending: Array<() => void> = [];
  const agent = new TestAgent('live').on('Hang', () => new Promise<void>((r) => pending.push(r)));
  await agent.start();
  const release = () => {
    for (const r of pending.splice(0)) r();
  };
  return { agent, release };
}

test('unknown agent name: UnknownAgentError with a one-line message naming the file and the known agents', async () => {
  for (const call of [() => Sender.sendTo('nobody', 'Hello'), () => Sender.request('nobody', 'PING')]) {
    await assert.rejects(call(), (err: unknown) => {
      assert.ok(err instanceof UnknownAgentError);
      assert.equal(err.code, 'UNKNOWN_AGENT');
      assert.equal(err.agent, 'nobody');
      assert.equal(err.file, process.env.PYROS_AGENT_CONFIG);
      assert.doesNotMatch(err.message, /[\r\n]/);
      assert.match(err.message, /"nobody"/);
      assert.match(err.message, /known: live, dead/);
      return true;
    });
  }
});

test('agent not running: UnreachableError after the configured retries, in bounded time', async () => {
  const t0 = Date.now();
  const results = await Promise.allSettled([
    Sender.sendTo('dead', 'Hello', { n: 1 }),
    Sender.request('dead', 'PING'),
  ]);
  const elapsed = Date.now() - t0;
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    const err = (r as PromiseRejectedResult).reason as unknown;
    assert.ok(err instanceof UnreachableError, String(err));
    assert.equal(err.code, 'UNREACHABLE');
    assert.equal(err.agent, 'dead');
    assert.match(err.message, /ECONNREFUSED/);
    assert.match(err.message, /3 attempts/);
    assert.doesNotMatch(err.message, /[\r\n]/);
  }
  assert.ok(elapsed < 1500, `took ${elapsed} ms`);
  // The link is not stuck: once the agent is up, the same name works.
  const agent = new TestAgent('dead');
  await agent.start();
  await assertServing('dead');
  await shutdownAgent(agent);
});

test('request whose handler never resolves: SendTimeoutError after the timeout; others still served', async () => {
  const { agent, release } = await startHanging();
  const t0 = Date.now();
  await assert.rejects(Sender.request('live', 'Hang', undefined, { timeout: 200 }), (err: unknown) => {
    assert.ok(err instanceof SendTimeoutError);
    assert.equal(err.code, 'TIMEOUT');
    assert.match(err.message, /no reply within 200 ms/);
    return true;
  });
  const elapsed = Date.now() - t0;
  release();
  assert.ok(elapsed >= 190 && elapsed < 1000, `timed out after ${elapsed} ms`);
  await assertServing('live');
  await shutdownAgent(agent);
});

test('a short request timeout fires on time even behind a request with a long timeout', async () => {
  const { agent, release } = await startHanging();
  const long = Sender.request('live', 'Hang', undefined, { timeout: 8000 });
  long.catch(() => {});
  try {
    const t0 = Date.now();
    await assert.rejects(Sender.request('live', 'Hang', undefined, { timeout: 200 }), SendTimeoutError);
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < 1000, `the 200 ms request timed out after ${elapsed} ms`);
  } finally {
    release();
  }
  await long; // the first handler resolved: the long request gets its reply
  release();
  await shutdownAgent(agent);
});

test('payload not JSON (BigInt, circular, function, symbol): InvalidMessageError, nothing sent', async () => {
  const seen: unknown[] = [];
  const agent = new TestAgent('live').on('Take', (p) => {
    seen.push(p);
  });
  await agent.start();
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  const bad: unknown[] = [10n, { big: 1n }, circular, () => 1, Symbol('s')];
  for (const payload of bad) {
    for (const send of [Sender.sendTo, Sender.request]) {
      await assert.rejects(send('live', 'Take', payload), (err: unknown) => {
        assert.ok(err instanceof InvalidMessageError, String(err));
        assert.equal(err.code, 'INVALID_MESSAGE');
        assert.match(err.message, /payload is not JSON/);
        return true;
      });
    }
  }
  // A message name over the 65535-byte frame field is refused the same way.
  await assert.rejects(Sender.sendTo('live', 'x'.repeat(70_000)), InvalidMessageError);
  // A payload over max_message_bytes (1 MiB by default) too.
  await assert.rejects(Sender.sendTo('live', 'Take', 'y'.repeat(1_100_000)), /over the 1048576-byte limit/);
  await Sender.sendTo('live', 'Take', { ok: true });
  assert.deepEqual(seen, [{ ok: true }]);
  await shutdownAgent(agent);
});

test('messages after SHUTDOWN was accepted: RejectedError (the agent is shutting down)', async () => {
  let release!: () => void;
  const agent = new TestAgent('live').on('Hold', () => new Promise<void>((r) => (release = r)));
  await agent.start();
  await Sender.sendTo('live', 'Hold');
  await Sender.sendTo('live', 'SHUTDOWN');
  await assert.rejects(Sender.sendTo('live', 'Echo', 1), (err: unknown) => {
    assert.ok(err instanceof RejectedError);
    assert.equal(err.code, 'REJECTED');
    assert.match(err.message, /shutting down/);
    return true;
  });
  release();
  await agent.stopped;
});
