// The courier delivering an agent's outbox to real agents: scripted peers in their own threads,
// and, where the recipient must check a contract, one agent in the test's thread. Peers' messages
// are looked at by name: on a shared machine, another test's agent may still call at a port that
// was its peer's and is now one of ours.
import assert from 'node:assert/strict';
import { afterEach, before, describe, it } from 'node:test';
import { Agent } from '../../../src/agent/agent.js';
import type { Logger } from '../../../src/logging/logger.js';
import { Courier } from '../../../src/observatory/agents/courier.js';
import { Msg } from '../../../src/observatory/messages.js';
import { AgentStore } from '../../../src/observatory/store/agent-store.js';
import { Sender } from '../../../src/sender/sender.js';
import { recordingLog, waitFor } from '../../helpers.js';
import { observatoryConfig, type TempObservatory, tempObservatory } from '../observatory-fixture.js';
import { type Peer, startPeer } from './peers.js';

const T = Date.parse('2026-11-29T20:00:00Z');

/** The scheduler as a real agent of the test's thread: it checks "Observation started" by its contract. */
class Scheduler extends Agent {
  readonly started: unknown[] = [];
  constructor() {
    super('scheduler', { handleSignals: false });
    this.onMessage(Msg.OBS_STARTED, (payload) => {
      this.started.push(payload);
    });
  }
}

const started = (observationId: number) => ({
  observationId,
  requestId: `r${observationId}`,
  blockId: `b${observationId}`,
  time: T + observationId,
});

describe('the courier', () => {
  let obs: TempObservatory | undefined;
  let stores: AgentStore[] = [];
  let couriers: Courier[] = [];
  let peers: Peer[] = [];
  let agents: Agent[] = [];

  before(() => {
    // A recipient that is down is found out in about 60 ms rather than 1.5 s: the courier retries.
    Sender.configure({ retry: { retries: 1, baseDelayMs: 20, maxDelayMs: 50, connectTimeoutMs: 500 } });
  });
  afterEach(async () => {
    for (const c of couriers) c.stop();
    await Promise.all(couriers.map((c) => c.idle()));
    for (const s of stores) s.close();
    for (const a of agents) {
      a.requestShutdown('test done');
      await a.stopped;
    }
    await Promise.all(peers.map((p) => p.stop()));
    obs?.dispose();
    obs = undefined;
    stores = [];
    couriers = [];
    peers = [];
    agents = [];
  });

  /** A store of the observation manager's, a courier on it (not started), the config with `agents`. */
  async function setup(agents = ['observation_manager', 'scheduler', 'majordome']) {
    obs = tempObservatory();
    await observatoryConfig(obs, agents);
    const store = open();
    const log = recordingLog();
    const courier = newCourier(store, log.log);
    return { store, courier, log };
  }

  function open(): AgentStore {
    const store = AgentStore.open(`${obs?.dataDir('observation_manager')}/observation_manager.db`);
    stores.push(store);
    return store;
  }

  function newCourier(store: AgentStore, log: Logger = recordingLog().log): Courier {
    const courier = new Courier(store.outbox, log, () => T, {
      firstRetryMs: 20,
      maxRetryMs: 100,
      timeoutMs: 3000,
      maxHandlerFailures: 3,
    });
    couriers.push(courier);
    return courier;
  }

  /** Waits until the outbox is empty and the peers' records hold everything they answered. */
  async function emptied(outbox: { size(): number }): Promise<void> {
    await waitFor(() => outbox.size() === 0, 5000, 'an empty outbox');
    await Promise.all(peers.map((p) => p.synced()));
  }

  async function peer(name: string, replies: Record<string, string> = {}): Promise<Peer> {
    const p = await startPeer(name, replies);
    peers.push(p);
    return p;
  }

  it('delivers what the outbox held at start, in order per recipient, and empties it', async () => {
    const { store, courier } = await setup();
    const scheduler = await peer('scheduler');
    const majordome = await peer('majordome');
    for (let i = 1; i <= 5; i++) store.outbox.post('scheduler', Msg.OBS_STARTED.name, started(i), T);
    store.outbox.post('majordome', Msg.OBS_FINISHED.name, { ...started(1), images: 2 }, T);
    courier.start();
    await scheduler.waitFor(Msg.OBS_STARTED.name, 5);
    await majordome.waitFor(Msg.OBS_FINISHED.name);
    await emptied(store.outbox);
    assert.deepEqual(
      scheduler.all(Msg.OBS_STARTED.name).map((r) => (r.payload as { observationId: number }).observationId),
      [1, 2, 3, 4, 5],
    );
    assert.equal(scheduler.all(Msg.OBS_STARTED.name).length, 5, 'each once');
    assert.equal(scheduler.all(Msg.OBS_STARTED.name)[0]?.sender, Sender.from);
  });

  it('a message posted while running is delivered at once (kick)', async () => {
    const { store, courier } = await setup();
    const scheduler = await peer('scheduler');
    courier.start();
    await courier.idle();
    store.outbox.post('scheduler', Msg.OBS_STARTED.name, started(1), T);
    courier.kick();
    await scheduler.waitFor(Msg.OBS_STARTED.name);
    await emptied(store.outbox);
  });

  it('retries a recipient that is down without holding up the others, and delivers everything once it is up', async () => {
    const { store, courier, log } = await setup();
    const majordome = await peer('majordome');
    for (let i = 1; i <= 3; i++) store.outbox.post('scheduler', Msg.OBS_STARTED.name, started(i), T);
    store.outbox.post('majordome', Msg.OBS_FINISHED.name, { ...started(1), images: 1 }, T);
    courier.start();
    await majordome.waitFor(Msg.OBS_FINISHED.name);
    // The scheduler is down: its first message is tried again and again, and kept.
    await waitFor(() => (store.outbox.next('scheduler')?.attempts ?? 0) >= 3, 10_000, 'three attempts');
    assert.equal(store.outbox.size(), 3);
    const scheduler = await peer('scheduler');
    await scheduler.waitFor(Msg.OBS_STARTED.name, 3);
    await emptied(store.outbox);
    assert.deepEqual(
      scheduler.all(Msg.OBS_STARTED.name).map((r) => (r.payload as { observationId: number }).observationId),
      [1, 2, 3],
      'nothing lost, nothing twice, in order',
    );
    assert.equal(log.count('warn'), 1, 'said once, not at every retry');
    assert.equal(log.count('error'), 0);
    assert.equal(majordome.all(Msg.OBS_FINISHED.name).length, 1);
  });

  it('a payload the recipient refuses goes to the dead letters with one error line; the next is delivered', async () => {
    const { store, courier, log } = await setup();
    const scheduler = new Scheduler();
    agents.push(scheduler);
    await scheduler.start();
    store.outbox.post('scheduler', Msg.OBS_STARTED.name, { ...started(1), time: 'tonight' }, T);
    store.outbox.post('scheduler', Msg.OBS_STARTED.name, started(2), T);
    courier.start();
    await waitFor(() => scheduler.started.length === 1, 5000, 'the valid message');
    await emptied(store.outbox);
    assert.deepEqual(scheduler.started, [started(2)]);
    const dead = store.outbox.deadLetters();
    assert.equal(dead.length, 1);
    assert.equal(dead[0]?.message, 'Observation started');
    assert.deepEqual(dead[0]?.payload, { ...started(1), time: 'tonight' });
    assert.match(dead[0]?.error ?? '', /invalid payload for "Observation started": time: /);
    assert.equal(log.count('error'), 1);
    assert.equal(log.count('warn'), 0, 'not retried');
  });

  it('a handler that keeps failing is given up after maxHandlerFailures attempts', async () => {
    const { store, courier, log } = await setup();
    const scheduler = await peer('scheduler', {
      'Observation started': "if (payload.observationId === 1) throw new Error('disk full');",
    });
    store.outbox.post('scheduler', Msg.OBS_STARTED.name, started(1), T);
    store.outbox.post('scheduler', Msg.OBS_STARTED.name, started(2), T);
    courier.start();
    await scheduler.waitFor(Msg.OBS_STARTED.name, 4);
    await emptied(store.outbox);
    assert.deepEqual(
      scheduler.all(Msg.OBS_STARTED.name).map((r) => (r.payload as { observationId: number }).observationId),
      [1, 1, 1, 2],
    );
    assert.match(store.outbox.deadLetters()[0]?.error ?? '', /disk full/);
    assert.equal(log.count('error'), 1);
  });

  it('the attempts that found the recipient down do not count as handler failures', async () => {
    const { store, courier } = await setup();
    store.outbox.post('scheduler', Msg.OBS_STARTED.name, started(1), T);
    courier.start();
    // Down for more attempts than maxHandlerFailures (3)…
    await waitFor(() => (store.outbox.next('scheduler')?.attempts ?? 0) >= 4, 10_000, 'four attempts');
    // …then up, its handler failing once (its store busy, say), then fine.
    const scheduler = await peer('scheduler', {
      'Observation started': "state.n = (state.n ?? 0) + 1; if (state.n === 1) throw new Error('busy');",
    });
    await scheduler.waitFor(Msg.OBS_STARTED.name, 2);
    await emptied(store.outbox);
    assert.deepEqual(store.outbox.deadLetters(), [], 'delivered, not given up');
  });

  it('a recipient that is not in the config goes to the dead letters at once', async () => {
    const { store, courier, log } = await setup(['observation_manager']);
    store.outbox.post('analyzer', Msg.NEW_IMAGE.name, { imageId: 1 }, T);
    courier.start();
    await waitFor(() => store.outbox.deadLetters().length === 1, 5000, 'a dead letter');
    assert.equal(store.outbox.size(), 0);
    assert.equal(log.count('error'), 1);
  });

  it('a newer message with the same key replaces an undelivered one', async () => {
    const { store, courier } = await setup();
    const majordome = await peer('majordome');
    const plan = (version: number) => ({ version, madeAt: T, blocks: [] });
    for (const v of [1, 2, 3]) store.outbox.post('majordome', Msg.PLAN_UPDATED.name, plan(v), T, 'plan');
    courier.start();
    await majordome.waitFor(Msg.PLAN_UPDATED.name);
    await emptied(store.outbox);
    assert.deepEqual(
      majordome.all(Msg.PLAN_UPDATED.name).map((r) => r.payload),
      [plan(3)],
    );
  });

  it('stopped, it touches nothing (the store may close at once); a new courier resends what was left', async () => {
    const { store, courier, log } = await setup();
    // A slow handler: the delivery is in flight when the courier stops.
    const scheduler = await peer('scheduler', {
      'Observation started': 'return new Promise((resolve) => setTimeout(resolve, 300));',
    });
    store.outbox.post('scheduler', Msg.OBS_STARTED.name, started(1), T);
    courier.start();
    await scheduler.waitFor(Msg.OBS_STARTED.name);
    courier.stop();
    store.close();
    // The outbox is closed: any touch would reject the delivery loop, and idle() with it.
    await courier.idle();
    courier.kick();
    courier.start();
    await courier.idle();
    assert.equal(log.lines.length, 0);
    // The delivered but unconfirmed message is still there, and said again by the next courier.
    const again = open();
    assert.equal(again.outbox.size(), 1);
    const next = newCourier(again);
    next.start();
    await scheduler.waitFor(Msg.OBS_STARTED.name, 2);
    await emptied(again.outbox);
    assert.equal(scheduler.all(Msg.OBS_STARTED.name).length, 2);
  });

  it('never started, it delivers nothing', async () => {
    const { store, courier } = await setup();
    store.outbox.post('scheduler', Msg.OBS_STARTED.name, started(1), T);
    courier.kick();
    await courier.idle();
    assert.equal(store.outbox.next('scheduler')?.attempts, 0);
  });
});
