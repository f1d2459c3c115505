// Shutting an agent down: the shutdown() override runs once, timers and background tasks stop,
// the port closes, `stopped` resolves; by SHUTDOWN from a peer or by requestShutdown() (what
// SIGINT/SIGTERM call).
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { Agent } from '../../src/agent/agent.js';
import { agentLifecycle } from '../../src/agent/agent-slot.js';
import { RejectedError } from '../../src/sender/errors.js';
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

afterEach(stopStartedAgents);

/** An agent that uses the timer helpers, which are protected. */
class TimerAgent extends TestAgent {
  ticks = 0;
  fired: string[] = [];
  closed = false;
  lateCalls = 0;
  aborted = false;

  protected override work(): void {
    this.every(10, () => {
      if (this.closed) this.lateCalls++;
      this.ticks++;
    });
    this.after(30, () => this.fired.push('after 30'));
    this.after(60_000, () => this.fired.push('after 60 s'));
    const cancelled = this.after(20, () => this.fired.push('cancelled'));
    cancelled.cancel();
    this.runInBackground(async (signal) => {
      await new Promise<void>((r) => signal.addEventListener('abort', () => r()));
      this.aborted = true;
    });
  }

  protected override async shutdown(): Promise<void> {
    this.closed = true;
    // A slow shutdown (parking the telescope...): timers must not fire behind its back.
    await sleep(100);
  }
}

test('every() and after() run through the mailbox and stop at shutdown; background tasks are aborted', async () => {
  const { port } = await configureAgent('timers');
  const agent = new TimerAgent('timers');
  await agent.start();
  await waitFor(() => agent.ticks >= 5 && agent.fired.length === 1, 3000, 'ticks and the 30 ms timer');
  assert.deepEqual(agent.fired, ['after 30']);
  await shutdownAgent(agent);
  assert.equal(agent.aborted, true, 'the background task saw the abort signal');
  assert.equal(agent.lateCalls, 0, 'no tick after shutdown() began');
  const ticks = agent.ticks;
  await sleep(60);
  assert.equal(agent.ticks, ticks, 'no tick after stop');
  assert.deepEqual(agent.fired, ['after 30'], 'the 60 s timer never fired; the cancelled one neither');
  assert.equal(await portClosed(port), true);
});

test('a timer callback that throws is reported and the agent goes on', async () => {
  await configureAgent('timers2');
  let calls = 0;
  class Failing extends TestAgent {
    protected override work(): void {
      this.every(10, () => {
        calls++;
        throw new Error('sensor offline');
      });
      this.after(5, async () => {
        throw new Error('async failure');
      });
    }
  }
  const agent = new Failing('timers2');
  await agent.start();
  await waitFor(() => calls >= 3, 3000, 'three failing ticks');
  assert.deepEqual(await Sender.request('timers2', 'Echo', 'still here'), 'still here');
  await shutdownAgent(agent);
});

test('requestShutdown() (the SIGINT/SIGTERM path): shutdown() once, queued messages first, port closed', async () => {
  const { port } = await configureAgent('stopper');
  const events: string[] = [];
  let release!: () => void;
  const agent = new TestAgent('stopper')
    .on('Slow', async () => {
      await new Promise<void>((r) => (release = r));
      events.push('slow done');
    })
    .on('Quick', () => {
      events.push('quick');
    });
  agent.shutdownFn = () => {
    events.push('shutdown');
  };
  const stoppedEvent = new Promise<string>((r) => agentLifecycle.once('stopped', r));
  await agent.start();
  await Sender.sendTo('stopper', 'Slow');
  await Sender.sendTo('stopper', 'Quick');
  agent.requestShutdown('test');
  agent.requestShutdown('twice'); // ignored
  // Accepted no more.
  await assert.rejects(Sender.sendTo('stopper', 'Quick'), RejectedError);
  release();
  await within(agent.stopped, 3000, 'stopped');
  assert.deepEqual(events, ['slow done', 'quick', 'shutdown']);
  assert.equal(await stoppedEvent, 'stopper');
  assert.equal(await portClosed(port), true);
  agent.requestShutdown('after stop'); // a no-op, not a throw
});

test('SHUTDOWN as a request: the reply comes before the port closes; shutdown() errors do not block stopping', async () => {
  const { port } = await configureAgent('stopper2');
  const agent = new TestAgent('stopper2');
  let calls = 0;
  agent.shutdownFn = () => {
    calls++;
    throw new Error('dome did not close');
  };
  await agent.start();
  assert.deepEqual(await Sender.request('stopper2', Agent.SHUTDOWN), { stopped: 'stopper2' });
  await within(agent.stopped, 3000, 'stopped');
  assert.equal(calls, 1);
  assert.equal(await portClosed(port), true);
});

test('an agent cannot be started twice, and stopping one that never started does nothing', async () => {
  await configureAgent('once');
  const agent = new TestAgent('once');
  agent.requestShutdown();
  await agent.start();
  await assert.rejects(agent.start(), /agent "once" was already started/);
  await shutdownAgent(agent);
  await assert.rejects(agent.start(), /already started/);
});

test('start() on a port already in use: a clear error, the slot is freed, `stopped` resolves', async () => {
  const { port } = await configureAgent('busy');
  const { createServer } = await import('node:net');
  const squatter = createServer();
  await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', r));
  try {
    const agent = new TestAgent('busy');
    await assert.rejects(
      agent.start(),
      new RegExp(`agent "busy" cannot listen on 127.0.0.1:${port}: EADDRINUSE`),
    );
    await within(agent.stopped, 1000, 'stopped');
  } finally {
    await new Promise((r) => squatter.close(r));
  }
  const again = new TestAgent('busy');
  await again.start();
  await shutdownAgent(again);
});

test('with handleSignals, a real SIGTERM shuts the agent down; the handlers are removed after', async () => {
  const { port } = await configureAgent('signalled');
  const before = process.listenerCount('SIGTERM');
  let calls = 0;
  const agent = new TestAgent('signalled', { handleSignals: true });
  agent.shutdownFn = () => {
    calls++;
  };
  await agent.start();
  assert.equal(process.listenerCount('SIGTERM'), before + 1);
  assert.equal(process.listenerCount('SIGINT'), before + 1);
  process.kill(process.pid, 'SIGTERM');
  await within(agent.stopped, 3000, 'stopped on SIGTERM');
  assert.equal(calls, 1);
  assert.equal(await portClosed(port), true);
  assert.equal(process.listenerCount('SIGTERM'), before);
  assert.equal(process.listenerCount('SIGINT'), before);
});
