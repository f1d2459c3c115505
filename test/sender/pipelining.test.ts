// Many Sender.sendTo calls issued at once share one framed connection: every one is accepted,
// handled exactly once, in the order it was sent.
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { Sender } from '../../src/sender/sender.js';
import { sleep, waitFor } from '../helpers.js';
import { configureAgent, shutdownAgent, status, stopStartedAgents, TestAgent } from '../net-helpers.js';

afterEach(stopStartedAgents);

/** Asserts that `seen` is exactly 0, 1, ..., n-1. */
function assertInOrderOnce(seen: readonly unknown[], n: number): void {
  assert.equal(seen.length, n, 'each message handled exactly once');
  for (let i = 0; i < n; i++) {
    if (seen[i] !== i) assert.fail(`message ${i} handled as #${i} is ${String(seen[i])}`);
  }
}

test('20,000 pipelined sendTo: all accepted, each handled once, in order', async () => {
  await configureAgent('pipeline');
  const seen: unknown[] = [];
  const agent = new TestAgent('pipeline').on('Count', (payload) => {
    seen.push(payload);
  });
  await agent.start();
  const N = 20_000;
  const sends: Promise<void>[] = [];
  for (let i = 0; i < N; i++) sends.push(Sender.sendTo('pipeline', 'Count', i));
  const results = await Promise.allSettled(sends);
  const failed = results.filter((r) => r.status === 'rejected');
  assert.equal(
    failed.length,
    0,
    `rejected: ${String((failed[0] as PromiseRejectedResult | undefined)?.reason)}`,
  );
  // Accepted means in the mailbox; a synchronous handler has run by then.
  await waitFor(() => seen.length >= N, 5000, 'all handled');
  assertInOrderOnce(seen, N);
  const st = await status('pipeline');
  assert.equal(st.received, N);
  assert.equal(st.handled, N);
  assert.equal(st.failed, 0);
  await shutdownAgent(agent);
});

test('20,000 pipelined while the handler is stuck: the agent stops reading at its high-water mark, loses nothing', async () => {
  await configureAgent('pipeline-async');
  const seen: unknown[] = [];
  let running = 0;
  let overlapped = false;
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const agent = new TestAgent('pipeline-async').on('Count', async (payload) => {
    running++;
    if (running > 1) overlapped = true;
    seen.push(payload);
    if (payload === 0) await gate;
    else await Promise.resolve();
    running--;
  });
  await agent.start();
  const N = 20_000;
  let accepted = 0;
  const sends: Promise<void>[] = [];
  for (let i = 0; i < N; i++)
    sends.push(Sender.sendTo('pipeline-async', 'Count', i).then(() => void accepted++));
  // The first handler holds the mailbox: it fills up to the high-water mark (10,000), then the
  // agent pauses its sockets, so acceptance stops well short of N instead of queueing without bound.
  await waitFor(() => agent.status().queued >= 10_000, 5000, 'the mailbox to fill');
  await sleep(200);
  const queued = agent.status().queued;
  assert.ok(queued < N - 1, `reading paused: ${queued} queued`);
  assert.ok(accepted < N, `not all accepted while stuck (${accepted})`);
  open();
  await Promise.all(sends);
  await waitFor(() => seen.length >= N, 10_000, 'all handled');
  assertInOrderOnce(seen, N);
  assert.equal(overlapped, false, 'concurrency 1: one handler at a time');
  await shutdownAgent(agent);
});

test('pipelined requests: each promise gets its own reply', async () => {
  await configureAgent('pipeline-req');
  const agent = new TestAgent('pipeline-req').on('Double', (payload) => (payload as number) * 2);
  await agent.start();
  const N = 5000;
  const replies = await Promise.all(
    Array.from({ length: N }, (_, i) => Sender.request<number>('pipeline-req', 'Double', i)),
  );
  assert.deepEqual(
    replies,
    Array.from({ length: N }, (_, i) => i * 2),
  );
  await shutdownAgent(agent);
});
