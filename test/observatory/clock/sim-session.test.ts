import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { AgentConfig } from '../../../src/config/agent-config.js';
import { currentNight } from '../../../src/observatory/agents/planning-window.js';
import { nightOf } from '../../../src/observatory/astro/night.js';
import { loadSite } from '../../../src/observatory/astro/site-file.js';
import { SIM_ENV } from '../../../src/observatory/clock/clock-from-env.js';
import { SIM_SESSION_FILE, startSimSession, tonight } from '../../../src/observatory/clock/sim-session.js';
import { tempDir } from '../../helpers.js';
import { SHIPPED } from '../observatory-fixture.js';

const site = loadSite(join(SHIPPED, 'site.ini'));
const night = nightOf(site, '2026-11-29');
const HOUR = 3_600_000;

describe('--sim-start tonight', () => {
  it('is the coming sunset in the afternoon', () => {
    assert.equal(tonight(site, (night.sunset as number) - 3 * HOUR), night.sunset);
  });

  it('is now early in the night, and the next sunset near dawn', () => {
    const evening = (night.sunset as number) + 2 * HOUR;
    assert.equal(tonight(site, evening), evening);
    const nearDawn = (night.dark?.end as number) - HOUR;
    assert.equal(tonight(site, nearDawn), nightOf(site, '2026-11-30').sunset);
  });
});

describe('the saved simulated clock (startSimSession)', () => {
  /** A config whose observatory's data folder is a fresh temp folder. */
  function observatory(): { config: AgentConfig; dataDir: string } {
    const dir = tempDir('pyros-sim-session-');
    writeFileSync(
      join(dir, 'observatory.ini'),
      `[observatory]\nsite_file = ${join(SHIPPED, 'site.ini')}\ndata_dir = data\n`,
    );
    const file = join(dir, 'pyros_agent_config.ini');
    writeFileSync(file, '[DEFAULT]\nobservatory = observatory.ini\n');
    return { config: AgentConfig.load(file), dataDir: join(dir, 'data') };
  }
  const saved = (dataDir: string) =>
    JSON.parse(readFileSync(join(dataDir, SIM_SESSION_FILE), 'utf8')) as {
      start: number;
      anchor: number;
      now: number;
      shared: boolean;
      origin: number;
    };

  afterEach(() => {
    for (const key of Object.values(SIM_ENV)) delete process.env[key];
  });

  it('a shared clock (--sim-anchor) resumes with the same start, speed and anchor: the time the other hosts have', () => {
    const { config, dataDir } = observatory();
    const anchor = new Date(Date.now() - 60_000).toISOString();
    const first = startSimSession(config, { when: '2026-11-29T17:10:00Z', speed: 60, anchor });
    first.stop();
    assert.equal(saved(dataDir).shared, true);
    const resumed = startSimSession(config, { when: 'resume' });
    resumed.stop();
    assert.deepEqual(
      [resumed.clock.start, resumed.clock.speed, resumed.clock.anchor],
      [first.clock.start, first.clock.speed, first.clock.anchor],
    );
    // A minute of real time at 60x after the anchor: an hour of observatory time, on every host.
    assert.ok(Math.abs(resumed.clock.now() - (Date.parse('2026-11-29T17:10:00Z') + 3_600_000)) < 60 * 2000);
    assert.throws(
      () => startSimSession(config, { when: 'resume', speed: 10 }),
      /the shared clock runs at 60x on every host/,
    );
  });

  it('a clock of its own resumes where it stopped (the time it was away does not count), and keeps its origin', () => {
    const { config, dataDir } = observatory();
    const first = startSimSession(config, { when: '2026-11-29T17:10:00Z', speed: 60 });
    first.stop();
    const stoppedAt = saved(dataDir).now;
    const resumed = startSimSession(config, { when: 'resume' });
    resumed.stop();
    assert.ok(resumed.clock.start >= stoppedAt && resumed.clock.start - stoppedAt < 60 * 1000);
    assert.equal(saved(dataDir).origin, Date.parse('2026-11-29T17:10:00Z'));
    assert.equal(process.env[SIM_ENV.origin], String(Date.parse('2026-11-29T17:10:00Z')));
  });

  it('tonight goes on with a night a previous run left unfinished', () => {
    const { config, dataDir } = observatory();
    const site = loadSite(join(SHIPPED, 'site.ini'));
    const first = startSimSession(config, { when: 'tonight', speed: 60 });
    first.stop();
    // As if the first run had gone on, at 60x, to an hour into a later night (ahead of the real
    // clock whatever the time of day the test runs at).
    const next = currentNight(site, Date.now() + 24 * HOUR);
    const later = (next.sunset as number) + HOUR;
    writeFileSync(join(dataDir, SIM_SESSION_FILE), JSON.stringify({ ...saved(dataDir), now: later }));
    const again = startSimSession(config, { when: 'tonight', speed: 60 });
    again.stop();
    assert.ok(Math.abs(again.clock.start - later) < 1000, `${new Date(again.clock.start).toISOString()}`);
    assert.match(again.note, /^going on with the simulated night where the last run stopped/);
  });
});
