// Monitoring, started for real on a simulated clock (600x: a poll of 60 observatory seconds is 100
// real ms), with the majordome and the observation manager played by scripted peers that record
// the verdicts they hear.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MonitoringAgent } from '../../../src/observatory/agents/monitoring-agent.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { ALWAYS_UP } from '../../../src/observatory/devices/device.js';
import { builtinScenario } from '../../../src/observatory/devices/weather-scenario.js';
import { readingAt } from '../../../src/observatory/devices/weather-sim.js';
import type { WeatherReading, WeatherStation } from '../../../src/observatory/devices/weather-station.js';
import { Msg } from '../../../src/observatory/messages.js';
import type { WeatherVerdict } from '../../../src/observatory/safety/weather-verdict.js';
import { Sender } from '../../../src/sender/sender.js';
import { waitFor } from '../../helpers.js';
import { observatoryConfig, type TempObservatory, tempObservatory } from '../observatory-fixture.js';
import { type Peer, startPeer } from './peers.js';

const T = Date.parse('2026-11-29T20:00:00Z');
const MIN = 60_000;
const VERDICT = Msg.WEATHER_VERDICT.name;

const verdictsOf = (peer: Peer) => peer.all(VERDICT).map((r) => r.payload as WeatherVerdict);

describe('MonitoringAgent', () => {
  let obs: TempObservatory | undefined;
  let agents: MonitoringAgent[] = [];
  let peers: Peer[] = [];
  afterEach(async () => {
    for (const a of agents) {
      a.requestShutdown('test done');
      await a.stopped;
    }
    await Promise.all(peers.map((p) => p.stop()));
    agents = [];
    peers = [];
    obs?.dispose();
    obs = undefined;
  });

  /**
   * Monitoring's world at T (600x, `ini` appended to the settings), the majordome and observation
   * manager peers (`down`: in the config, not started).
   */
  async function world(ini = '', down: string[] = []) {
    const clock = new SimClock(T, 600);
    obs = tempObservatory(ini, clock);
    await observatoryConfig(obs, ['monitoring', 'majordome', 'observation_manager']);
    const started: Record<string, Peer> = {};
    for (const name of ['majordome', 'observation_manager']) {
      if (down.includes(name)) continue;
      const peer = await startPeer(name);
      peers.push(peer);
      started[name] = peer;
    }
    return { clock, majordome: started.majordome as Peer, om: started.observation_manager as Peer };
  }

  async function start(station?: WeatherStation): Promise<MonitoringAgent> {
    const agent = new MonitoringAgent(obs?.ctx, station);
    agents.push(agent);
    await agent.start();
    return agent;
  }

  async function stop(agent: MonitoringAgent): Promise<void> {
    agent.requestShutdown('restart');
    await agent.stopped;
  }

  /** The `count`-th verdict `peer` heard from now on (after the `already` it had). */
  async function nextVerdict(peer: Peer, count = 1): Promise<WeatherVerdict> {
    const already = peer.all(VERDICT).length;
    return (await peer.waitFor(VERDICT, already + count)).payload as WeatherVerdict;
  }

  it('sends its verdict to the majordome and the observation manager at every poll, not only on changes', async () => {
    const { majordome, om, clock } = await world();
    await start();
    await majordome.waitFor(VERDICT, 4);
    await om.waitFor(VERDICT, 4);
    for (const peer of [majordome, om]) {
      const verdicts = verdictsOf(peer).slice(0, 4);
      for (const v of verdicts) {
        assert.equal(v.safe, true);
        assert.equal(v.reason, 'within limits');
        assert.equal(v.validUntil, v.time + 180_000);
        assert.equal(v.since, verdicts[0]?.time, 'safe since the first reading');
        assert.equal(v.reading?.sky, 'clear');
      }
      const gaps = verdicts.slice(1).map((v, i) => v.time - (verdicts[i] as WeatherVerdict).time);
      // One a poll (60 s), late by the machine's load at most (a real 100 ms is 60 s here).
      for (const gap of gaps)
        assert.ok(gap >= MIN - 1000 && gap < 5 * MIN, `a poll every 60 s, not ${gap} ms`);
      assert.equal(peer.all(VERDICT)[0]?.sender, 'monitoring');
    }
    assert.ok(clock.now() >= T + 3 * MIN);
  });

  it('answers Weather with the latest reading, its verdict and the limits', async () => {
    const { om } = await world('[monitoring]\nmax_wind_mps = 12\nmax_humidity_pct = 85\n');
    await start();
    await om.waitFor(VERDICT, 2);
    const weather = await Sender.request('monitoring', Msg.WEATHER, undefined);
    assert.deepEqual(weather.limits, {
      maxWindMps: 12,
      maxCloudPct: 80,
      maxHumidityPct: 85,
      maxReadingAgeS: 300,
    });
    assert.equal(weather.verdict.safe, true);
    assert.equal(weather.verdict.reading?.time, weather.reading?.time);
    assert.equal(weather.reading?.sky, 'clear');
    assert.ok((weather.reading?.time ?? 0) >= T);
  });

  it('in wind, every verdict is unsafe and names the wind', async () => {
    const { majordome, om } = await world('weather = wind\n');
    await start();
    await majordome.waitFor(VERDICT, 3);
    await om.waitFor(VERDICT, 3);
    for (const v of [...verdictsOf(majordome), ...verdictsOf(om)]) {
      assert.equal(v.safe, false);
      assert.match(v.reason, /^wind 1\d\.\d m\/s > 15$/);
      assert.equal(v.reading?.sky, 'wind');
    }
    const first = verdictsOf(om)[0] as WeatherVerdict;
    assert.equal(verdictsOf(om)[2]?.since, first.since, 'unsafe since the first windy reading');
    const weather = await Sender.request('monitoring', Msg.WEATHER, undefined);
    assert.equal(weather.verdict.safe, false);
    assert.ok((weather.reading?.windSpeedMps ?? 0) > 15);
  });

  it('a station that fails, or gives an old reading, is unsafe at once', async () => {
    const { om, clock } = await world('[monitoring]\ngood_after_s = 0\n');
    const scenario = builtinScenario('clear', T);
    let mode: 'ok' | 'broken' | 'stale' = 'ok';
    const station: WeatherStation = {
      name: 'station',
      link: () => ALWAYS_UP,
      disconnect: async () => undefined,
      async read(): Promise<WeatherReading> {
        if (mode === 'broken') throw new Error('serial port closed');
        const now = clock.now();
        return readingAt(scenario, mode === 'stale' ? now - 10 * MIN : now);
      },
    };
    await start(station);
    assert.equal((await nextVerdict(om)).safe, true);
    mode = 'broken';
    let v = await nextVerdict(om, 2);
    assert.equal(v.safe, false);
    assert.equal(v.reason, 'weather station failed: serial port closed');
    assert.equal(v.reading, null);
    const weather = await Sender.request('monitoring', Msg.WEATHER, undefined);
    assert.equal(weather.verdict.safe, false);
    assert.equal(weather.reading?.sky, 'clear', 'the last reading it had');
    mode = 'stale';
    v = await nextVerdict(om, 2);
    assert.equal(v.safe, false);
    assert.match(v.reason, /^weather reading 6\d\d s old \(limit 300 s\)$/);
    mode = 'ok';
    v = await nextVerdict(om, 2);
    assert.equal(v.safe, true, 'good_after_s = 0: safe again at the next good reading');
  });

  it('a restart in bad weather stays unsafe until the weather has been good for good_after_s', async () => {
    // A scenario file: wind for five more minutes (half a real second), then clear. An absolute
    // time, so that the restarted agent reads the same sky.
    const { om, clock } = await world(
      'weather = wind-then-clear.json\n[monitoring]\ngood_after_s = 300\nmax_reading_age_s = 3600\n',
    );
    const clearing = clock.now() + 5 * MIN;
    writeFileSync(
      join(obs?.dir ?? '', 'wind-then-clear.json'),
      JSON.stringify({ sky: 'wind', segments: [{ at: new Date(clearing).toISOString(), sky: 'clear' }] }),
    );
    const first = await start();
    const windy = await nextVerdict(om);
    assert.equal(windy.safe, false);
    await stop(first);
    await waitFor(() => clock.now() > clearing, 5000, 'the sky clearing');
    await start();
    const after = await nextVerdict(om);
    assert.equal(after.reading?.sky, 'clear');
    assert.equal(after.safe, false, 'the hysteresis survived the restart');
    assert.equal(after.since, windy.since, 'unsafe since the wind, before the restart');
    assert.match(after.reason, /^within limits for 0 s; safe after 300 s more$/);
    const safe = await waitFor(() => verdictsOf(om).find((v) => v.safe), 10_000, 'a safe verdict');
    assert.ok(safe.time - after.time >= 300_000, 'safe only after 300 s of good readings');
    const between = verdictsOf(om).filter((v) => v.time >= after.time && v.time < safe.time);
    assert.ok(between.length >= 1 && between.every((v) => !v.safe), 'unsafe until then');
  });

  it('a short restart in good weather stays safe; a gap longer than max_reading_age_s starts again from unsafe', async () => {
    const { om, clock } = await world('[monitoring]\ngood_after_s = 300\nmax_reading_age_s = 600\n');
    const first = await start();
    assert.equal((await nextVerdict(om)).safe, true);
    await stop(first);
    const second = await start();
    const quick = await nextVerdict(om);
    assert.equal(quick.safe, true, 'a restart within max_reading_age_s keeps the verdict');
    await stop(second);
    const stoppedAt = clock.now();
    await waitFor(() => clock.now() > stoppedAt + 11 * MIN, 5000, 'a gap of eleven minutes');
    await start();
    const afterGap = await nextVerdict(om);
    assert.equal(afterGap.reading?.sky, 'clear');
    assert.equal(afterGap.safe, false, 'nobody saw the weather during the gap');
    assert.ok(afterGap.since > stoppedAt + 11 * MIN, 'unsafe since the restart');
    assert.match(afterGap.reason, /safe after 300 s more$/);
    const safe = await waitFor(() => verdictsOf(om).find((v) => v.safe && v.time > afterGap.time), 10_000);
    assert.ok(safe.time - afterGap.time >= 300_000);
  });

  it('a recipient that is down does not hold up the verdicts to the others', async () => {
    const { om } = await world('', ['majordome']);
    await start();
    await om.waitFor(VERDICT, 4);
    const verdicts = verdictsOf(om).slice(0, 4);
    const gaps = verdicts.slice(1).map((v, i) => v.time - (verdicts[i] as WeatherVerdict).time);
    // Held up, it would be the Sender's retries (1.5 real s: 900 s here) between verdicts.
    for (const gap of gaps) assert.ok(gap < 5 * MIN, `a poll every 60 s, not ${gap / 1000} s`);
  });

  it('keeps every reading in its own store, with whether it was safe', async () => {
    const { om } = await world('weather = wind\n');
    const agent = await start();
    await om.waitFor(VERDICT, 3);
    await stop(agent);
    const db = new Database(join(obs?.dataDir('monitoring') ?? '', 'monitoring.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT ok FROM weather').all() as Array<{ ok: number }>;
      assert.ok(rows.length >= 3);
      assert.ok(rows.every((r) => r.ok === 0));
    } finally {
      db.close();
    }
  });
});
