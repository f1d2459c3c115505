import { Agent } from '../../agent/agent.js';
import { defineApp } from '../../host/app.js';
import type { WeatherReading, WeatherStation } from '../devices/weather-station.js';
import { Msg } from '../messages.js';
import type { ObservatoryContext } from '../observatory-context.js';
import { type PolicyState, type WeatherLimits, WeatherPolicy } from '../safety/weather-policy.js';
import type { WeatherVerdict } from '../safety/weather-verdict.js';
import { WEATHER_SQL, WeatherRepo } from '../store/weather-repo.js';
import { ObservatoryAgent } from './observatory-agent.js';
import { deviceFor } from './observatory-devices.js';

const POLICY_KEY = 'policy';

/** The weather limits of `[monitoring]`, in ms where they are times. */
export function weatherLimits(ctx: ObservatoryContext): WeatherLimits {
  const m = ctx.settings.monitoring;
  return {
    maxWindMps: m.max_wind_mps,
    maxCloudPct: m.max_cloud_pct,
    maxHumidityPct: m.max_humidity_pct,
    maxReadingAgeMs: m.max_reading_age_s * 1000,
    goodAfterMs: m.good_after_s * 1000,
    verdictValidMs: m.verdict_valid_s * 1000,
    notMeasured: m.not_measured,
  };
}

/**
 * Owns the weather: reads the station every `poll_s` of observatory time, judges each reading with
 * the weather policy (rain, wind, clouds, humidity, an old reading, a failed station; hysteresis
 * before calling it good again), keeps the readings and the policy's state in its own store (so a
 * restart in bad weather stays bad), and sends the verdict, with its time and how long it holds,
 * to the agents that act on it at every reading, not only on changes.
 */
export class MonitoringAgent extends ObservatoryAgent {
  #station: WeatherStation | undefined;
  readonly #policy: WeatherPolicy;
  readonly #weather: WeatherRepo;
  #verdict: WeatherVerdict | undefined;
  #reading: WeatherReading | undefined;

  constructor(ctx?: ObservatoryContext, station?: WeatherStation) {
    super(Agent.MONITORING, { version: 1, sql: WEATHER_SQL }, ctx);
    this.#station = station;
    this.#weather = new WeatherRepo(this.store.db);
    const limits = weatherLimits(this.ctx);
    this.#policy = new WeatherPolicy(limits, this.#restore(limits));
    this.#reading = this.#weather.latest();
    this.onMessage(Msg.WEATHER, () => ({
      reading: this.#reading ?? null,
      verdict: this.#verdict ?? noVerdictYet(this.ctx.clock.now()),
      limits: {
        maxWindMps: limits.maxWindMps,
        maxCloudPct: limits.maxCloudPct,
        maxHumidityPct: limits.maxHumidityPct,
        maxReadingAgeS: limits.maxReadingAgeMs / 1000,
      },
    }));
  }

  /**
   * The policy's state before a restart. Kept only if the last reading is recent: a longer gap is
   * weather nobody saw, so the hysteresis starts again from unsafe.
   */
  #restore(limits: WeatherLimits): PolicyState | undefined {
    const text = this.store.get(POLICY_KEY);
    if (text === undefined) return undefined;
    const saved = JSON.parse(text) as PolicyState & { lastReadingAt: number };
    const now = this.ctx.clock.now();
    if (now - saved.lastReadingAt <= limits.maxReadingAgeMs) return saved;
    this.log.info(
      `no reading for ${Math.round((now - saved.lastReadingAt) / 1000)} s before this start: unsafe until the weather has been good for ${limits.goodAfterMs / 1000} s`,
    );
    return { safe: false, since: now, goodSince: undefined };
  }

  protected override async work(): Promise<void> {
    this.#station ??= await deviceFor(this.ctx, 'weather', this.log);
    await this.poll();
    this.every(this.ctx.settings.monitoring.poll_s * 1000, () => this.poll());
  }

  /** One reading: judged, recorded, and the verdict sent (said in the log when it changes). */
  async poll(): Promise<WeatherVerdict> {
    const now = this.ctx.clock.now();
    let reading: WeatherReading | Error;
    try {
      if (this.#station === undefined) throw new Error('no weather station');
      reading = await this.#station.read();
    } catch (err) {
      reading = err instanceof Error ? err : new Error(String(err));
    }
    const before = this.#verdict;
    const verdict = this.#policy.judge(reading, now);
    this.#verdict = verdict;
    if (!(reading instanceof Error)) {
      this.#reading = reading;
      this.#weather.record(reading, verdict.safe);
    }
    const state = this.#policy.state;
    if (state !== undefined) this.store.set(POLICY_KEY, JSON.stringify({ ...state, lastReadingAt: now }));
    if (before?.safe !== verdict.safe) {
      const word = verdict.safe ? 'safe' : 'unsafe';
      this.log.info(`weather ${word}: ${verdict.reason}`);
    }
    // Not awaited: a recipient that is down costs the Sender's retries (about 1.5 real s) before it
    // gives up, and waiting for it here would hold up the mailbox (the `Weather` queries) and the
    // next poll, so the other recipients' verdicts would come late and expire (at 600x, a poll
    // every 15 observatory minutes instead of every minute). publish() logs its own failures.
    void this.publish(Msg.WEATHER_VERDICT, verdict);
    return verdict;
  }
}

/** What monitoring answers before its first reading: unsafe, and already expired. */
function noVerdictYet(now: number): WeatherVerdict {
  return { safe: false, reason: 'no reading yet', time: now, validUntil: now, since: now, reading: null };
}

export default defineApp({
  name: Agent.MONITORING,
  async ready() {
    await new MonitoringAgent().start();
  },
});
