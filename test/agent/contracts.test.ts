// Declared messages (defineMessage + Agent.onMessage): payloads validated on receipt and refused by
// name and field before any handler, typed requests checked both ways, message names looked up as
// own keys only, and the agent's own messages and timers through its mailbox.
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { z } from 'zod';
import { type AgentClock, WALL_CLOCK } from '../../src/agent/agent-clock.js';
import { defineMessage } from '../../src/agent/contract.js';
import { InvalidPayloadError, RemoteError } from '../../src/sender/errors.js';
import { Sender } from '../../src/sender/sender.js';
import { waitFor } from '../helpers.js';
import { configureAgent, status, stopStartedAgents, TestAgent } from '../net-helpers.js';

afterEach(stopStartedAgents);

const POINT = defineMessage({
  name: 'Point',
  to: ['mount'],
  payload: z.object({
    target: z.object({ raDeg: z.number().min(0).max(360), decDeg: z.number().min(-90).max(90) }),
    label: z.string().default('unnamed'),
  }),
  reply: z.object({ accepted: z.boolean(), label: z.string() }),
});

/** An agent with one declared message; it records the payloads its handler saw. */
class Mount extends TestAgent {
  readonly seen: unknown[] = [];
  constructor(options: ConstructorParameters<typeof TestAgent>[1] = {}) {
    super('mount', options);
    this.onMessage(POINT, (payload) => {
      this.seen.push(payload);
      return { accepted: true, label: payload.label };
    });
  }
  local(message: string, payload: unknown): Promise<unknown> {
    return this.handleLocally(message, payload);
  }
}

test('a valid payload reaches the handler parsed (defaults in, unknown keys out); the reply is typed', async () => {
  await configureAgent('mount');
  const mount = new Mount();
  await mount.start();
  const reply = await Sender.request('mount', POINT, { target: { raDeg: 10, decDeg: 20 } });
  assert.deepEqual(reply, { accepted: true, label: 'unnamed' });
  await Sender.request('mount', 'Point', { target: { raDeg: 1, decDeg: 2 }, label: 'M31', extra: 1 });
  assert.deepEqual(mount.seen, [
    { target: { raDeg: 10, decDeg: 20 }, label: 'unnamed' },
    { target: { raDeg: 1, decDeg: 2 }, label: 'M31' },
  ]);
});

test('a payload of the wrong shape is refused by message and field, counted, and never reaches the handler', async () => {
  await configureAgent('mount');
  const mount = new Mount();
  await mount.start();
  const bad = { target: { raDeg: 'ten', decDeg: 20 } };
  const asked = await Sender.request('mount', 'Point', bad).catch((e: unknown) => e);
  assert.ok(asked instanceof InvalidPayloadError, String(asked));
  assert.equal(asked.code, 'INVALID_PAYLOAD');
  assert.match(asked.message, /^mount ← "Point": invalid payload for "Point": target\.raDeg: /);
  const told = await Sender.sendTo('mount', 'Point', { target: { raDeg: 10, decDeg: 95 } }).catch(
    (e: unknown) => e,
  );
  assert.ok(told instanceof InvalidPayloadError, String(told));
  assert.match(told.message, /target\.decDeg/);
  const none = await Sender.request('mount', 'Point').catch((e: unknown) => e);
  assert.ok(none instanceof InvalidPayloadError);
  assert.match(none.message, /\(payload\)/);
  assert.deepEqual(mount.seen, []);
  const s = await status('mount');
  assert.equal(s.invalid, 3);
  assert.equal(s.received, 0, 'refused messages are not received');
  // The agent goes on serving.
  assert.deepEqual(await Sender.request('mount', POINT, { target: { raDeg: 1, decDeg: 1 }, label: 'x' }), {
    accepted: true,
    label: 'x',
  });
});

test('Sender.request with a contract checks the payload before sending and the reply after', async () => {
  await configureAgent('mount');
  const mount = new Mount();
  mount.on('Broken', () => ({ accepted: 'yes' }));
  await mount.start();
  const before = await Sender.request('mount', POINT, {
    target: { raDeg: -5, decDeg: 0 },
  }).catch((e: unknown) => e);
  assert.ok(before instanceof InvalidPayloadError);
  assert.equal((await status('mount')).invalid, 0, 'nothing was sent');
  const broken = defineMessage({ ...POINT, name: 'Broken' });
  const after = await Sender.request('mount', broken, { target: { raDeg: 5, decDeg: 0 } }).catch(
    (e: unknown) => e,
  );
  assert.ok(after instanceof InvalidPayloadError);
  assert.match(after.message, /reply: accepted: /);
});

test('constructor, toString, __proto__ and hasOwnProperty are unknown messages, not methods', async () => {
  await configureAgent('mount');
  const mount = new Mount();
  await mount.start();
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
    const err = await Sender.request('mount', name, {}).catch((e: unknown) => e);
    assert.ok(err instanceof RemoteError, `${name}: ${String(err)}`);
    assert.equal(err.code, 'UNKNOWN_MESSAGE', name);
  }
  assert.equal((await status('mount')).unknown, 5);
  // Registering a handler under such a name makes it an own key like any other.
  mount.on('__proto__', () => 'own');
  assert.equal(await Sender.request('mount', '__proto__', {}), 'own');
});

test("the agent's own messages go through its mailbox: validated, and after the handler that runs", async () => {
  await configureAgent('mount');
  const mount = new Mount();
  const order: string[] = [];
  let release!: () => void;
  mount.on('Slow', async () => {
    order.push('slow start');
    await new Promise<void>((r) => (release = r));
    order.push('slow end');
  });
  await mount.start();
  const slow = Sender.request('mount', 'Slow');
  await waitFor(() => order.length === 1, 2000, 'the slow handler started');
  const local = mount.local('Point', { target: { raDeg: 3, decDeg: 4 } }).then((v) => {
    order.push('local');
    return v;
  });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['slow start'], 'the local message waits for the running handler');
  release();
  await slow;
  assert.deepEqual(await local, { accepted: true, label: 'unnamed' });
  assert.deepEqual(order, ['slow start', 'slow end', 'local']);
  await assert.rejects(mount.local('Point', { target: {} }), InvalidPayloadError);
});

test("timers run on the agent's clock and through its mailbox, never during a handler", async () => {
  // A clock 1000 times faster than the wall clock: `at` an hour ahead fires after 3.6 real seconds.
  const start = Date.now();
  const fast: AgentClock = {
    now: () => start + (Date.now() - start) * 1000,
    at: (time, fn) => WALL_CLOCK.at(start + (time - start) / 1000, fn),
  };
  await configureAgent('mount');
  const events: string[] = [];
  class Timed extends Mount {
    /** Arms the timers from inside a handler, so that they fall due while it holds the mailbox. */
    arm(): void {
      this.at(fast.now() + 30_000, () => events.push('at'));
      this.every(20_000, () => events.push('tick'));
    }
  }
  const mount = new Timed({ clock: fast });
  let release!: () => void;
  mount.on('Busy', async () => {
    events.push('busy start');
    mount.arm();
    await new Promise<void>((r) => (release = r));
    events.push('busy end');
  });
  await mount.start();
  const busy = Sender.request('mount', 'Busy');
  await waitFor(() => events.includes('busy start'), 2000, 'busy started');
  // 60 observatory seconds are 60 real ms: the timers are due, but the handler holds the mailbox.
  await new Promise((r) => setTimeout(r, 120));
  assert.deepEqual(events, ['busy start']);
  release();
  await busy;
  await waitFor(
    () => events.includes('at') && events.filter((e) => e === 'tick').length >= 2,
    2000,
    'timers',
  );
  assert.equal(events.indexOf('busy end'), 1, 'every timer ran after the handler ended');
});

test('a declared query is answered at once, while a handler holds the mailbox', async () => {
  const STATE = defineMessage({
    name: 'State',
    to: ['mount'],
    query: true,
    payload: z.object({}).optional(),
    reply: z.object({ busy: z.boolean() }),
  });
  await configureAgent('mount');
  let busy = false;
  let release!: () => void;
  class Queried extends Mount {
    constructor() {
      super();
      this.onMessage(STATE, () => ({ busy }));
    }
  }
  const mount = new Queried();
  mount.on('Slew', async () => {
    busy = true;
    await new Promise<void>((r) => (release = r));
    busy = false;
  });
  await mount.start();
  const slew = Sender.request('mount', 'Slew');
  await waitFor(() => busy, 2000, 'the slow handler running');
  assert.deepEqual(await Sender.request('mount', STATE, undefined), { busy: true });
  release();
  await slew;
  assert.deepEqual(await Sender.request('mount', STATE, undefined), { busy: false });
});
