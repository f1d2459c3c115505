// The message log of an agent's store: written in batches shortly after, newest first, filtered
// by agent, flushed on close, and trimmed to the newest 5,000.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { AgentStore } from '../../../src/observatory/store/agent-store.js';
import { tempDir, waitFor } from '../../helpers.js';

describe('the message log', () => {
  let dir: string;
  let path: string;
  let store: AgentStore;
  beforeEach(() => {
    dir = tempDir('pyros-messages-');
    path = join(dir, 'majordome', 'majordome.db');
    store = AgentStore.open(path);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes records in a batch shortly after, newest first, filtered by agent', async () => {
    const { messages } = store;
    messages.record({ time: 1, from: 'scheduler', to: 'majordome', message: 'Plan updated' });
    messages.record({ time: 2, from: 'majordome', to: 'observation_manager', message: 'Start observation' });
    assert.equal(messages.latest().length, 0, 'not written at once');
    await waitFor(() => messages.latest().length === 2, 5000, 'the batch');
    assert.deepEqual(
      messages.latest().map((m) => m.message),
      ['Start observation', 'Plan updated'],
    );
    assert.deepEqual(messages.latest(10, 'scheduler'), [
      { time: 1, from: 'scheduler', to: 'majordome', message: 'Plan updated' },
    ]);
    assert.deepEqual(
      messages.latest(10, 'observation_manager').map((m) => m.time),
      [2],
    );
    assert.deepEqual(
      messages.latest(1).map((m) => m.time),
      [2],
    );
  });

  it('flush writes at once', () => {
    store.messages.record({ time: 1, from: 'a', to: 'b', message: 'M' });
    store.messages.flush();
    assert.equal(store.messages.latest().length, 1);
  });

  it('writes what is pending when the store closes', () => {
    store.messages.record({ time: 1, from: 'a', to: 'b', message: 'M' });
    store.close();
    assert.equal(writtenMessages(path), 1);
  });

  it('keeps only the newest 5,000', () => {
    for (let i = 1; i <= 5003; i++) store.messages.record({ time: i, from: 'a', to: 'b', message: 'M' });
    store.messages.flush();
    assert.equal(writtenMessages(path), 5000);
    assert.equal(store.messages.latest(1)[0]?.time, 5003);
    assert.equal(store.messages.latest(5000).at(-1)?.time, 4);
  });
});

/** The messages written in the store file at `path`. */
function writtenMessages(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
