// The seed's rule, one agent per application: here one agent per thread. A second agent cannot
// start while one runs, whether started after it or at the same moment; once the first has
// stopped, another can start.
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { Sender } from '../../src/sender/sender.js';
import { freePorts, writeConfig } from '../helpers.js';
import { portClosed, shutdownAgent, stopStartedAgents, TestAgent, within } from '../net-helpers.js';

afterEach(stopStartedAgents);

async function twoAgents(): Promise<{ portA: number; portB: number }> {
  const [portA, portB] = (await freePorts(2)) as [number, number];
  process.env.PYROS_AGENT_CONFIG = writeConfig({ alpha: { port: portA }, beta: { port: portB } });
  return { portA, portB };
}

function assertSlotError(err: unknown, starting: string, running: string): true {
  assert.ok(err instanceof Error);
  assert.match(err.message, new RegExp(`cannot start agent "${starting}"`));
  assert.match(err.message, new RegExp(`agent "${running}" already runs in this process`));
  assert.doesNotMatch(err.message, /[\r\n]/);
  return true;
}

test('a second agent started while one runs: a clear error naming both; the first keeps serving', async () => {
  const { portB } = await twoAgents();
  const alpha = new TestAgent('alpha');
  await alpha.start();
  const beta = new TestAgent('beta');
  await assert.rejects(beta.start(), (err) => assertSlotError(err, 'beta', 'alpha'));
  assert.equal(await portClosed(portB), true, 'beta never bound its port');
  await within(beta.stopped, 1000, "the failed agent's `stopped`");
  await assert.rejects(beta.start(), /already started/);
  assert.equal(await Sender.request('alpha', 'Echo', 1), 1);
  await shutdownAgent(alpha);
});

test('two agents started at the same moment: exactly one runs, the other throws', async () => {
  const { portA, portB } = await twoAgents();
  const alpha = new TestAgent('alpha');
  const beta = new TestAgent('beta');
  const [a, b] = await Promise.allSettled([alpha.start(), beta.start()]);
  assert.equal(a.status, 'fulfilled');
  assert.equal(b.status, 'rejected');
  assertSlotError((b as PromiseRejectedResult).reason, 'beta', 'alpha');
  assert.equal(await portClosed(portA), false);
  assert.equal(await portClosed(portB), true);
  await shutdownAgent(alpha);
});

test('two instances with the same name: the second throws, the first is untouched', async () => {
  await twoAgents();
  const first = new TestAgent('alpha');
  await first.start();
  const second = new TestAgent('alpha');
  await assert.rejects(second.start(), (err) => assertSlotError(err, 'alpha', 'alpha'));
  // The failed start did not free the slot of the running agent.
  await assert.rejects(new TestAgent('beta').start(), (err) => assertSlotError(err, 'beta', 'alpha'));
  await shutdownAgent(first);
});

test('after the first agent stopped, another one starts', async () => {
  await twoAgents();
  const alpha = new TestAgent('alpha');
  await alpha.start();
  await shutdownAgent(alpha);
  const beta = new TestAgent('beta');
  await beta.start();
  assert.equal(await Sender.request('beta', 'Echo', 'b'), 'b');
  await shutdownAgent(beta);
});
