import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../helpers.js';
import { ObservatoryHost } from './observatory-host.js';

const BIN = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
const START = Date.parse('2026-11-29T17:10:00Z');
const RAIN_FROM = START + 30 * 60_000;
const RAIN_TO = START + 70 * 60_000;

describe('rain during the night', { timeout: 120_000 }, () => {
  let host: ObservatoryHost;
  before(async () => {
    // Weather: clear, rain from +30 min to +70 min, then clear; "good" again after 10 min of it.
    host = await ObservatoryHost.create('[monitoring]\npoll_s = 30\ngood_after_s = 600\n');
    writeFileSync(
      join(host.dir, 'weather.json'),
      JSON.stringify({
        start: new Date(START).toISOString(),
        segments: [
          { at: '+30m', sky: 'rain' },
          { at: '+70m', sky: 'clear' },
        ],
      }),
    );
    const ini = join(host.dir, 'observatory.ini');
    spawnSync('sed', ['-i', 's/^\\[observatory\\]$/[observatory]\\nweather = weather.json/', ini]);
    await host.start(new Date(START).toISOString(), 600);
  });
  after(async () => {
    await host.stop();
    host.dispose();
  });

  it('closes the dome when it rains, exposes nothing during the rain, and resumes after', async () => {
    await host.waitForLog(/^Bad weather: rain/, 30_000, 'monitoring');
    // While it rains, the dome is closed (asked of the observation manager itself).
    await host.waitForLog(/bad weather: stopping and closing the dome/, 10_000, 'majordome');
    await new Promise((r) => setTimeout(r, 300));
    const devices = spawnSync(
      process.execPath,
      [BIN, 'send', 'observation_manager', 'Devices', '--request', '--config', host.config],
      { encoding: 'utf8' },
    );
    assert.equal(devices.status, 0, devices.stderr);
    const state = JSON.parse(devices.stdout) as { dome: string; observing: unknown };
    assert.equal(state.observing, null);
    assert.match(state.dome, /^clos(ed|ing)$/);
    await host.waitForLog(/^Good weather/, 30_000, 'monitoring');
    const before = host.query<{ n: number }>('SELECT COUNT(*) AS n FROM images')[0]?.n ?? 0;
    await waitFor(
      () => (host.query<{ n: number }>('SELECT COUNT(*) AS n FROM images')[0]?.n ?? 0) > before + 2,
      30_000,
      'images after the rain',
    );
    const images = host.query<{ date_obs: number; exposure_s: number }>(
      'SELECT date_obs, exposure_s FROM images',
    );
    const during = images.filter((i) => i.date_obs < RAIN_TO && i.date_obs + i.exposure_s * 1000 > RAIN_FROM);
    assert.deepEqual(during, [], 'no exposure overlaps the rain');
    assert.ok(
      images.some((i) => i.date_obs < RAIN_FROM),
      'images before the rain',
    );
    assert.ok(
      images.some((i) => i.date_obs >= RAIN_TO),
      'images after the rain',
    );
  });
});
