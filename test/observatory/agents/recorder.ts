import type { MessageMeta } from '../../../src/agent/message.js';
import { Sender } from '../../../src/sender/sender.js';
import { freePorts, writeConfig } from '../../helpers.js';
import { TestAgent } from '../../net-helpers.js';

/** A message a recorder agent received. */
export interface Recorded {
  readonly message: string;
  readonly payload: unknown;
  readonly sender: string;
  /** When it arrived, on `clock` when one was given to startRecorder, else the wall clock. */
  readonly at: number;
}

/**
 * A real agent standing in for one peer of the agent under test (one agent per thread: the agent
 * under test is not started, its handlers are called directly). It records what it receives and
 * answers with `replies[message]`. Other peers have no section: sending to them fails at once,
 * which the observatory agents log and survive.
 */
export async function startRecorder(
  name: string,
  replies: Record<string, (payload: unknown) => unknown> = {},
  clock: { now(): number } = Date,
): Promise<{
  agent: TestAgent;
  received: Recorded[];
  waitFor(message: string, count?: number): Promise<Recorded>;
}> {
  const [port] = (await freePorts(1)) as [number];
  process.env.PYROS_AGENT_CONFIG = writeConfig({ [name]: { port } });
  Sender.closeAll();
  const agent = new TestAgent(name);
  const received: Recorded[] = [];
  const record = (message: string) => (payload: unknown, meta: MessageMeta) => {
    received.push({ message, payload, sender: meta.sender, at: clock.now() });
    return replies[message]?.(payload);
  };
  for (const message of [
    'New alert',
    'Alert retracted',
    'Plan updated',
    'Bad weather',
    'Good weather',
    'Observation finished',
    'Observation failed',
    'Start observation',
    'Abort observation',
    'Close dome',
    'New image',
    'Replan',
  ]) {
    agent.on(message, record(message));
  }
  await agent.start();
  return {
    agent,
    received,
    async waitFor(message, count = 1) {
      const until = Date.now() + 10_000;
      for (;;) {
        const found = received.filter((r) => r.message === message);
        if (found.length >= count) return found[count - 1] as Recorded;
        if (Date.now() > until)
          throw new Error(`no "${message}" (#${count}) within 10 s: ${JSON.stringify(received)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}
