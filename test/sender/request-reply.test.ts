// Sender.request: the handler's value comes back; a handler's failure and an unknown message come
// back as RemoteError; the built-in PING and STATUS answer without a handler.
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import type { AgentStatus } from '../../src/agent/agent-status.js';
import type { MessageMeta } from '../../src/agent/message.js';
import { RemoteError } from '../../src/sender/errors.js';
import { Sender } from '../../src/sender/sender.js';
import { sleep } from '../helpers.js';
import { configureAgent, shutdownAgent, status, stopStartedAgents, TestAgent } from '../net-helpers.js';

const NAME = 'observation_manager';
let agent: TestAgent;
let metas: MessageMeta[];

class Boom extends Error {
  override readonly name = 'Boom';
}

beforeEach(async () => {
  await configureAgent(NAME);
  metas = [];
  agent = new TestAgent(NAME)
    .on('Sync', function (this: TestAgent, payload, meta) {
      metas.push(meta);
      return { got: payload, self: this.name };
    })
    .on('Async', async (payload) => {
      await sleep(20);
      return { later: payload };
    })
    .on('Nothing', () => undefined)
    .on('Throw', () => {
      throw new Boom('the dome is stuck');
    })
    .on('Reject', async () => {
      await sleep(5);
      throw new Error('async failure');
    })
    .on('ThrowString', () => {
      throw 'not an Error object';
    });
  await agent.start();
});

afterEach(stopStartedAgents);

test('the reply is the value a synchronous handler returns, with `this` bound to the agent', async () => {
  const payload = { id: 42, list: [1, 'two', null], nested: { é: '✓' } };
  assert.deepEqual(await Sender.request(NAME, 'Sync', payload), { got: payload, self: NAME });
  assert.equal(metas.length, 1);
  const meta = metas[0] as MessageMeta;
  assert.equal(meta.message, 'Sync');
  assert.equal(meta.protocol, 'framed');
  assert.equal(meta.sender, NAME, "Sender's from name is the agent of this thread");
  assert.ok(Math.abs(meta.time.getTime() - Date.now()) < 5000);
  await shutdownAgent(agent);
});

test('the reply is the value an async handler resolves to; undefined and no payload come back as such', async () => {
  assert.deepEqual(await Sender.request(NAME, 'Async', 7), { later: 7 });
  assert.equal(await Sender.request(NAME, 'Nothing'), undefined);
  assert.deepEqual(await Sender.request(NAME, 'Sync'), { self: NAME }); // JSON drops the undefined key
  await shutdownAgent(agent);
});

test('a handler that throws: RemoteError REMOTE_ERROR with its name and message; the agent goes on', async () => {
  await assert.rejects(Sender.request(NAME, 'Throw', { x: 1 }), (err: unknown) => {
    assert.ok(err instanceof RemoteError);
    assert.equal(err.code, 'REMOTE_ERROR');
    assert.equal(err.agent, NAME);
    assert.equal(err.messageName, 'Throw');
    assert.equal(err.remote.name, 'Boom');
    assert.match(err.remote.stack ?? '', /the dome is stuck/);
    assert.match(err.message, /the dome is stuck/);
    assert.match(err.message, new RegExp(NAME));
    return true;
  });
  await assert.rejects(Sender.request(NAME, 'Reject'), { name: 'RemoteError', code: 'REMOTE_ERROR' });
  await assert.rejects(Sender.request(NAME, 'ThrowString'), (err: unknown) => {
    assert.ok(err instanceof RemoteError);
    assert.match(err.message, /not an Error object/);
    return true;
  });
  // The next messages are served, and a sendTo to a failing handler is accepted all the same.
  await Sender.sendTo(NAME, 'Throw');
  assert.deepEqual(await Sender.request(NAME, 'Sync', 1), { got: 1, self: NAME });
  const st = await status(NAME);
  assert.equal(st.failed, 4);
  assert.equal(st.handled, 1);
  await shutdownAgent(agent);
});

test('an unknown message: RemoteError UNKNOWN_MESSAGE, counted in STATUS `unknown`', async () => {
  await assert.rejects(Sender.request(NAME, 'No such message'), (err: unknown) => {
    assert.ok(err instanceof RemoteError);
    assert.equal(err.code, 'UNKNOWN_MESSAGE');
    assert.match(err.message, /no handler for message "No such message"/);
    return true;
  });
  await Sender.sendTo(NAME, 'Nor this one'); // accepted: the sender does not wait for the handler
  const st = await status(NAME);
  assert.equal(st.unknown, 2);
  assert.equal(st.failed, 0);
  assert.equal(st.received, 2);
  await shutdownAgent(agent);
});

test('PING and STATUS are answered by the agent itself', async () => {
  const before = Date.now();
  const pong = await Sender.request<{ pong: boolean; agent: string; time: string }>(NAME, 'PING');
  assert.equal(pong.pong, true);
  assert.equal(pong.agent, NAME);
  assert.ok(Date.parse(pong.time) >= before - 1000);
  await Sender.request(NAME, 'Sync', 1);
  await assert.rejects(Sender.request(NAME, 'Throw'));
  const st: AgentStatus = await status(NAME);
  assert.equal(st.agent, NAME);
  assert.equal(st.pid, process.pid);
  assert.equal(st.threadId, 0);
  assert.ok(st.uptimeSeconds >= 0 && st.uptimeSeconds < 60);
  assert.ok(Date.parse(st.startedAt) <= Date.now());
  assert.equal(st.received, 2, 'PING and STATUS are not counted as received');
  assert.equal(st.handled, 1);
  assert.equal(st.failed, 1);
  assert.equal(st.queued, 0);
  assert.ok(st.connections >= 1, 'the Sender connection is open');
  assert.equal(st.rejectedConnections, 0);
  await shutdownAgent(agent);
});

test('PING and STATUS are answered while a slow handler holds the mailbox', async () => {
  let release!: () => void;
  agent.on('Slow', () => new Promise<void>((r) => (release = r)));
  await Sender.sendTo(NAME, 'Slow');
  const t0 = Date.now();
  await Sender.request(NAME, 'PING');
  const st = await status(NAME);
  assert.ok(Date.now() - t0 < 1000);
  assert.equal(st.handled, 0);
  release();
  await shutdownAgent(agent);
});
