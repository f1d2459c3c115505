import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../helpers.js';
import { swiftAlert } from './alert-samples.js';
import { ObservatoryHost } from './observatory-host.js';
import { publishVoEvent } from './vtp-publish.js';

const START = '2026-11-29T17:10:00Z';

describe('a host killed mid-night', { timeout: 120_000 }, () => {
  let host: ObservatoryHost;
  before(async () => {
    host = await ObservatoryHost.create();
    await host.start(START, 600);
  });
  after(async () => {
    await host.stop();
    host.dispose();
  });

  it('loses no accepted alert and resumes the plan where it stopped', async () => {
    await host.waitForLog(/observation 2 of .* finished/, 30_000, 'observation_manager');
    // An alert that cannot be observed yet (its target rises later): accepted, pending.
    const alert = swiftAlert({
      ivorn: 'ivo://test/resume#GRB-3',
      triggerId: '900003',
      ra: 83.6,
      dec: 22.0,
      time: Date.parse(START) + 20 * 60_000,
    });
    assert.equal(await publishVoEvent(host.vtpPort, alert), 'ack');
    await host.waitForLog(/^started /, 10_000, 'majordome');
    const beforeKill = host.query<{ id: number; state: string }>(
      'SELECT id, state FROM observations ORDER BY id',
    );
    const [saved] = host.query<{ value: string }>("SELECT value FROM settings WHERE key = 'clock.simulated'");
    assert.equal(await host.stop('SIGKILL'), null);

    await host.start('resume', 600);
    await host.waitForLog(/plan v\d+/, 20_000, 'scheduler');
    const [alertRow] = host.query<{ outcome: string; request_id: string }>(
      "SELECT outcome, request_id FROM alerts WHERE ivorn = 'ivo://test/resume#GRB-3'",
    );
    assert.equal(alertRow?.outcome, 'accepted');
    const running = beforeKill.filter((o) => o.state === 'running');
    if (running.length > 0) {
      await host.waitForLog(/was interrupted by a restart/, 10_000, 'observation_manager');
    }
    // The clock went on from where it was saved, and observing goes on.
    const resumedAt = JSON.parse(saved?.value ?? '{}') as { now: number };
    const lastId = beforeKill.at(-1)?.id ?? 0;
    await waitFor(
      () => host.query("SELECT 1 FROM observations WHERE id > ? AND state = 'done'", lastId).length > 0,
      30_000,
      'an observation done after the restart',
    );
    const [next] = host.query<{ started_at: number }>(
      'SELECT started_at FROM observations WHERE id > ? ORDER BY id',
      lastId,
    );
    assert.ok(next !== undefined && next.started_at >= resumedAt.now, 'no time went backwards');
    const stale = host.query("SELECT 1 FROM observations WHERE state = 'running' AND id <= ?", lastId);
    assert.equal(stale.length, 0, 'nothing is left running from before the kill');
    // The alert's request is still there, to be observed when its target is up.
    const [request] = host.query<{ state: string }>(
      'SELECT state FROM requests WHERE id = ?',
      alertRow?.request_id,
    );
    assert.ok(request !== undefined && ['pending', 'scheduled', 'observing', 'done'].includes(request.state));
  });
});
