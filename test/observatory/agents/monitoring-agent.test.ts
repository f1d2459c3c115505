import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { MonitoringAgent } from '../../../src/observatory/agents/monitoring-agent.js';
import { WeatherJudge } from '../../../src/observatory/agents/weather-judge.js';
import type { Clock } from '../../../src/observatory/clock/clock.js';
import { SimClock } from '../../../src/observatory/clock/sim-clock.js';
import { parseScenario } from '../../../src/observatory/devices/weather-scenario.js';
import { readingAt, WeatherSim } from '../../../src/observatory/devices/weather-sim.js';
import { stopStartedAgents } from '../../net-helpers.js';
import { type TempObservatory, tempObservatory } from '../observatory-fixture.js';
import { startRecorder } from './recorder.js';

const T = Date.parse('2026-11-29T20:00:00Z');
const MIN = 60_000;
/** Clear, rain from +10 min, clear from +20 min. */
const scenario = parseScenario(
  {
    start: new Date(T).toISOString(),
    segments: [
      { at: '+10m', sky: 'rain' },
      { at: '+20m', sky: 'clear' },
    ],
  },
  'test',
);

/** A clock the test moves by hand. */
class ManualClock implements Clock {
  readonly speed = 1;
  readonly simulated = true;
  constructor(public time: number) {}
  now(): number {
    return this.time;
  }
  sleep(): Promise<void> {
    return Promise.resolve();
  }
  at(): () => void {
    return () => {};
  }
}

describe('weather hysteresis', () => {
  it('is bad at once, and good only after the weather has stayed good long enough', () => {
    const judge = new WeatherJudge({ maxWindMps: 15, maxCloudPct: 80, goodAfterMs: 5 * MIN });
    assert.deepEqual(judge.judge(readingAt(scenario, T)), { good: true, reason: 'within limits' });
    assert.equal(judge.judge(readingAt(scenario, T + 5 * MIN)), undefined);
    assert.match(judge.judge(readingAt(scenario, T + 10 * MIN))?.reason ?? '', /^rain/);
    assert.equal(judge.judge(readingAt(scenario, T + 21 * MIN)), undefined);
    assert.equal(judge.judge(readingAt(scenario, T + 23 * MIN)), undefined);
    assert.equal(judge.judge(readingAt(scenario, T + 26 * MIN))?.good, true);
  });
});

describe('MonitoringAgent', () => {
  let obs: TempObservatory | undefined;
  afterEach(async () => {
    await stopStartedAgents();
    obs?.dispose();
  });

  it('announces bad and good weather to the majordome and records every reading', async () => {
    const majordome = await startRecorder('majordome');
    const clock = new ManualClock(T);
    obs = tempObservatory('[monitoring]\ngood_after_s = 300\n', new SimClock(T, 1));
    const agent = new MonitoringAgent({ ...obs.ctx, clock }, new WeatherSim(scenario, clock));
    for (const minutes of [0, 5, 11, 15, 21, 24, 27]) {
      clock.time = T + minutes * MIN;
      await agent.poll();
    }
    await majordome.waitFor('Good weather', 2);
    assert.deepEqual(
      majordome.received.map((r) => r.message),
      ['Good weather', 'Bad weather', 'Good weather'],
    );
    const rows = obs.ctx.db.prepare('SELECT COUNT(*) AS n FROM weather').get() as { n: number };
    assert.equal(rows.n, 7);
  });
});
