import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { type TempObservatory, tempObservatory } from '../observatory-fixture.js';

describe('the message log', () => {
  let obs: TempObservatory | undefined;
  afterEach(() => obs?.dispose());

  it('writes records in a batch shortly after, newest first, filtered by agent', async () => {
    obs = tempObservatory();
    const { messages } = obs.ctx;
    messages.record({ time: 1, from: 'scheduler', to: 'majordome', message: 'Plan updated' });
    messages.record({ time: 2, from: 'majordome', to: 'observation_manager', message: 'Start observation' });
    assert.equal(messages.latest().length, 0, 'not written at once');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      messages.latest().map((m) => m.message),
      ['Start observation', 'Plan updated'],
    );
    assert.deepEqual(
      messages.latest(10, 'scheduler').map((m) => m.time),
      [1],
    );
  });

  it('writes what is pending when the context closes', () => {
    obs = tempObservatory();
    obs.ctx.messages.record({ time: 1, from: 'a', to: 'b', message: 'M' });
    const path = obs.ctx.settings.paths.database;
    obs.ctx.close();
    const again = writtenMessages(path);
    assert.equal(again, 1);
  });
});

/** The messages written in the database file at `path`. */
function writtenMessages(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
