// Bad weather on one host: wind (17-19 m/s against a 15 m/s limit) then rain. Whatever the
// weather is, the test learns the observatory's answer from its agents: the majordome's night
// state, the observation manager's devices, the images it took.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Msg } from '../../../src/observatory/messages.js';
import { ObservatoryHost } from './observatory-host.js';

const START = Date.parse('2026-11-29T17:10:00Z');
const MIN = 60_000;
// The wind an hour after the start: the host's start (real seconds, under load, which at 600x are
// simulated minutes) and the first block's slew and exposures come before it.
const WIND = { from: START + 60 * MIN, to: START + 90 * MIN };
const RAIN = { from: START + 120 * MIN, to: START + 150 * MIN };
/**
 * The weather is known at the first reading after it changes (monitoring reads every 30 s), and
 * heard by the observation manager a few real ms later (at 600x, seconds of observatory time): an
 * exposure under way then may end first. After that, nothing is exposed.
 */
const KNOWN_AFTER = 60_000;

describe('wind and rain during the night', { timeout: 120_000 }, () => {
  let host: ObservatoryHost;
  before(async () => {
    host = await ObservatoryHost.create('[monitoring]\npoll_s = 30\ngood_after_s = 600\n', {
      observatory: 'weather = weather.json',
    });
    writeFileSync(
      join(host.dir, 'weather.json'),
      JSON.stringify({
        start: new Date(START).toISOString(),
        segments: [
          { at: '+60m', sky: 'wind' },
          { at: '+90m', sky: 'clear' },
          { at: '+120m', sky: 'rain' },
          { at: '+150m', sky: 'clear' },
        ],
      }),
    );
    await host.start(new Date(START).toISOString(), 600);
  });
  after(async () => {
    await host.stop();
    host.dispose();
  });

  /** Waits for the night state to be closed for `why`, then checks the devices are safe. */
  async function closedFor(why: RegExp): Promise<void> {
    const state = await host.until(
      async () => {
        const e = await host.ask('majordome', Msg.EXECUTION);
        return e.state === 'closed' && why.test(e.why) && e;
      },
      30_000,
      `closed for ${why}`,
    );
    assert.equal(state.safe, false);
    await host.until(
      async () => {
        const d = await host.ask('observation_manager', Msg.DEVICES);
        return (
          d.dome === 'closed' && d.telescope.status === 'parked' && d.observing === null && !d.safety.safe
        );
      },
      10_000,
      'the dome closed and the telescope parked',
    );
  }

  it('wind closes and parks, keeps closed while it blows, and the night goes on after', async () => {
    await closedFor(/^wind \d+\.\d m\/s > 15$/);
    // Still closed a simulated while later, in the wind.
    const later = host.simNow() + 10 * MIN;
    await host.until(() => host.simNow() > later, 10_000, 'ten simulated minutes');
    assert.equal((await host.ask('observation_manager', Msg.DEVICES)).dome, 'closed');
    await host.until(
      async () => (await host.ask('majordome', Msg.EXECUTION)).state === 'observing',
      30_000,
      'observing again after the wind',
    );
  });

  it('rain closes too, and nothing is exposed in the wind or the rain once monitoring has read it', async () => {
    await closedFor(/^rain \d+\.\d mm\/h$/);
    await host.until(
      async () => {
        const { images } = await host.ask('observation_manager', Msg.IMAGES, { limit: 500 });
        return images.some((i) => i.dateObs >= RAIN.to) && images;
      },
      30_000,
      'images after the rain',
    );
    const { images } = await host.ask('observation_manager', Msg.IMAGES, { limit: 500 });
    const overlaps = (i: { dateObs: number; exposureS: number }, span: { from: number; to: number }) =>
      i.dateObs < span.to && i.dateObs + i.exposureS * 1000 > span.from + KNOWN_AFTER;
    assert.deepEqual(
      images.filter((i) => overlaps(i, WIND) || overlaps(i, RAIN)),
      [],
      'no exposure in bad weather',
    );
    assert.ok(
      images.some((i) => i.dateObs < WIND.from),
      'images before the wind',
    );
    assert.ok(
      images.some((i) => i.dateObs >= WIND.to && i.dateObs < RAIN.from),
      'images between wind and rain',
    );
  });
});
