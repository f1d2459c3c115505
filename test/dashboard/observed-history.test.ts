// The dashboard's copy of the night's observations: the ended ones kept, each poll asking the
// observation manager (a real agent in its own thread, on a real port) only for the rest.
process.env.PYROS_LOG_LEVEL = 'silent';

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { ObservedHistory } from '../../src/dashboard/observed-history.js';
import type { ObservationRecord } from '../../src/observatory/store/observations-repo.js';
import { Sender } from '../../src/sender/sender.js';
import { freePorts, writeConfig } from '../helpers.js';
import { type Peer, startPeer } from '../observatory/agents/peers.js';

const HOUR = 3_600_000;
const NOON = Date.parse('2026-12-02T11:00:00Z');
const NIGHT = { noon: NOON, nextNoon: NOON + 24 * HOUR };
const UP = new Set(['observation_manager']);

let owner: Peer | undefined;
afterEach(async () => {
  await owner?.stop();
  owner = undefined;
  Sender.closeAll();
});

const obs = (id: number, state: ObservationRecord['state'], startedAt = NOON + 8 * HOUR + id * 60_000) =>
  ({
    id,
    requestId: `r${id}`,
    blockId: `b${id}`,
    targetName: `T${id}`,
    startedAt,
    ...(state === 'running' ? {} : { endedAt: startedAt + 30_000 }),
    state,
  }) satisfies ObservationRecord;

/** The owner's store is now `records`: it answers `Observations` from them as the real one does. */
async function storeHolds(records: ObservationRecord[]): Promise<void> {
  owner?.script(
    'Observations',
    `const all = ${JSON.stringify(records)};
     const from = payload?.fromId ?? 1;
     return { observations: all.filter((o) => o.id >= from).sort((a, b) => b.id - a.id).slice(0, payload?.limit ?? 100) };`,
  );
  await owner?.synced();
}

async function start(): Promise<Peer> {
  const [port] = (await freePorts(1)) as [number];
  process.env.PYROS_AGENT_CONFIG = writeConfig({ observation_manager: { port } });
  owner = await startPeer('observation_manager');
  return owner;
}

/** What the owner was asked for, request by request. */
const asked = (peer: Peer) =>
  peer.all('Observations').map((r) => (r.payload as { fromId?: number } | undefined)?.fromId);

test('the first read asks for everything; then only from the oldest running one, or the newest known', async () => {
  const peer = await start();
  const history = new ObservedHistory(200);
  const yesterday = obs(1, 'done', NOON - 2 * HOUR);
  await storeHolds([yesterday, obs(2, 'done'), obs(3, 'failed'), obs(4, 'running')]);
  const shown = async () => (await history.read(UP, NIGHT)).map((o) => `${o.id} ${o.state}`);
  assert.deepEqual(
    await shown(),
    ['2 done', '3 failed', '4 running'],
    "the night's observations, oldest first; yesterday's left out",
  );
  // The running one ends, another starts: both come in, the ended ones kept.
  await storeHolds([yesterday, obs(2, 'done'), obs(3, 'failed'), obs(4, 'done'), obs(5, 'running')]);
  assert.deepEqual(await shown(), ['2 done', '3 failed', '4 done', '5 running']);
  await storeHolds([yesterday, obs(2, 'done'), obs(3, 'failed'), obs(4, 'done'), obs(5, 'aborted')]);
  assert.deepEqual(
    (await history.read(UP, NIGHT)).map((o) => o.state),
    ['done', 'failed', 'done', 'aborted'],
  );
  await history.read(UP, NIGHT);
  await peer.synced();
  assert.deepEqual(asked(peer), [undefined, 4, 5, 5], 'from the running one, then from the newest known');
});

test('an owner whose store is another (the newest known missing or changed): read again whole', async () => {
  const peer = await start();
  const history = new ObservedHistory(200);
  await storeHolds([obs(1, 'done'), obs(2, 'done'), obs(3, 'done')]);
  assert.equal((await history.read(UP, NIGHT)).length, 3);
  // A new data directory: its ids start again from 1.
  await storeHolds([obs(1, 'running', NOON + 20 * HOUR)]);
  const fresh = await history.read(UP, NIGHT);
  assert.deepEqual(
    fresh.map((o) => [o.id, o.startedAt]),
    [[1, NOON + 20 * HOUR]],
  );
  await storeHolds([obs(1, 'done'), obs(2, 'failed', NOON + 9 * HOUR)]);
  const changed = await history.read(UP, NIGHT);
  assert.deepEqual(
    changed.map((o) => [o.id, o.state]),
    [
      [1, 'done'],
      [2, 'failed'],
    ],
  );
  await peer.synced();
  assert.deepEqual(asked(peer), [undefined, 3, undefined, 1]);
});

test('an owner that is not up, or stopped: nothing shown', async () => {
  const peer = await start();
  const history = new ObservedHistory(200);
  await storeHolds([obs(1, 'done'), obs(2, 'running')]);
  assert.equal((await history.read(UP, NIGHT)).length, 2);
  assert.deepEqual(await history.read(new Set(), NIGHT), [], 'not up: not asked');
  await peer.stop();
  owner = undefined;
  assert.deepEqual(await history.read(UP, NIGHT), []);
});
