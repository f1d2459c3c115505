// The order an agent handles things in: work() first, then messages in arrival order, one at a
// time by default (the seed's single receive loop), several at once when `concurrency` says so.
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { agentLifecycle } from '../../src/agent/agent-slot.js';
import { Sender } from '../../src/sender/sender.js';
import { sleep, waitFor } from '../helpers.js';
import {
  configureAgent,
  portClosed,
  shutdownAgent,
  stopStartedAgents,
  TestAgent,
  within,
} from '../net-helpers.js';

/** Ends whatever a failed test left waiting, so that its agent can stop. */
const releases: Array<() => void> = [];
afterEach(async () => {
  for (const release of releases.splice(0)) release();
  await stopStartedAgents();
});

/** A promise and the function that resolves it, registered for cleanup. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  releases.push(open);
  return { wait, open };
}

test('messages that arrive during an async work() are handled after it, in arrival order', async () => {
  await configureAgent('worker');
  const events: string[] = [];
  const work = gate();
  const agent = new TestAgent('worker').on('Step', (payload) => {
    events.push(`step ${String(payload)}`);
  });
  agent.workFn = async () => {
    events.push('work begins');
    await work.wait;
    events.push('work ends');
  };
  const listening = new Promise<void>((r) => agentLifecycle.once('started', () => r()));
  const started = agent.start();
  await listening;
  // The port is open while work() runs: messages are accepted and PING is answered at once.
  for (let i = 0; i < 5; i++) await Sender.sendTo('worker', 'Step', i);
  const pong = await Sender.request<{ pong: boolean }>('worker', 'PING');
  assert.equal(pong.pong, true);
  const reply = Sender.request('worker', 'Echo', 'queued request');
  await waitFor(() => agent.status().queued === 6, 2000, 'six queued');
  await sleep(50);
  assert.deepEqual(events, ['work begins'], 'nothing handled while work() runs');
  work.open();
  await started;
  assert.equal(await reply, 'queued request');
  await waitFor(() => events.length === 7, 2000, 'all steps');
  assert.deepEqual(events, ['work begins', 'work ends', 'step 0', 'step 1', 'step 2', 'step 3', 'step 4']);
  await shutdownAgent(agent);
});

test('SHUTDOWN during work() waits for work() to end, then handles what was queued before it', async () => {
  await configureAgent('worker2');
  const events: string[] = [];
  const work = gate();
  const agent = new TestAgent('worker2').on('Step', (p) => {
    events.push(`step ${String(p)}`);
  });
  agent.workFn = () => work.wait;
  agent.shutdownFn = () => {
    events.push('shutdown');
  };
  const listening = new Promise<void>((r) => agentLifecycle.once('started', () => r()));
  const started = agent.start();
  await listening;
  await Sender.sendTo('worker2', 'Step', 1);
  await Sender.sendTo('worker2', 'SHUTDOWN');
  await sleep(50);
  assert.deepEqual(events, []);
  work.open();
  await started;
  await within(agent.stopped, 3000, 'stopped');
  assert.deepEqual(events, ['step 1', 'shutdown']);
});

test('work() that throws: start() rejects with its error, the agent stops and frees its port', async () => {
  const { port } = await configureAgent('worker3');
  const agent = new TestAgent('worker3');
  agent.workFn = async () => {
    await sleep(10);
    throw new Error('mount not homed');
  };
  await assert.rejects(within(agent.start(), 3000, 'start() settling'), /mount not homed/);
  await within(agent.stopped, 3000, 'stopped');
  assert.equal(await portClosed(port), true);
  // The slot is free again.
  const next = new TestAgent('worker3');
  await next.start();
  await shutdownAgent(next);
});

test('default concurrency 1: the messages of an async handler are never interleaved', async () => {
  await configureAgent('serial');
  const events: string[] = [];
  const agent = new TestAgent('serial').on('Slow', async (p) => {
    events.push(`begin ${String(p)}`);
    await sleep(((p as number) * 7) % 15);
    events.push(`end ${String(p)}`);
  });
  await agent.start();
  const N = 10;
  await Promise.all(Array.from({ length: N }, (_, i) => Sender.sendTo('serial', 'Slow', i)));
  const last = Sender.request('serial', 'Echo', 'after');
  assert.equal(await last, 'after');
  assert.deepEqual(events, Array.from({ length: N }, (_, i) => [`begin ${i}`, `end ${i}`]).flat());
  await shutdownAgent(agent);
});

test('concurrency = 3 in the config: up to three handlers at once, started in arrival order', async () => {
  await configureAgent('parallel', { concurrency: 3 });
  const began: number[] = [];
  let running = 0;
  let peak = 0;
  const agent = new TestAgent('parallel').on('Slow', async (p) => {
    began.push(p as number);
    running++;
    peak = Math.max(peak, running);
    await sleep(30);
    running--;
  });
  await agent.start();
  await Promise.all(Array.from({ length: 9 }, (_, i) => Sender.sendTo('parallel', 'Slow', i)));
  await waitFor(() => began.length === 9 && running === 0, 3000, 'all handled');
  assert.equal(peak, 3);
  assert.deepEqual(began, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  await shutdownAgent(agent);
});
