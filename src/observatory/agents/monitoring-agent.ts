import { Agent } from '../../agent/agent.js';
import { defineApp } from '../../host/app.js';
import { SqliteCheckpointer } from '../../tasks/brokers/sqlite-checkpointer.js';
import type { WeatherStation } from '../devices/weather-station.js';
import { Msg } from '../messages.js';
import type { ObservatoryContext } from '../observatory-context.js';
import { retryBusy } from '../store/observatory-db.js';
import { ObservatoryAgent } from './observatory-agent.js';
import { weatherStationFor } from './observatory-devices.js';
import { WeatherJudge } from './weather-judge.js';

/**
 * Reads the weather station every `poll_s` of observatory time and tells the scheduler and the
 * majordome "Bad weather" / "Good weather", with hysteresis (see {@link WeatherJudge}). Each
 * reading is kept in the database for the dashboard.
 */
export class MonitoringAgent extends ObservatoryAgent {
  #station: WeatherStation | undefined;
  readonly #judge: WeatherJudge;
  #checkpointer: SqliteCheckpointer | undefined;

  constructor(ctx?: ObservatoryContext, station?: WeatherStation) {
    super(Agent.MONITORING, ctx);
    this.#station = station;
    const m = this.ctx.settings.monitoring;
    this.#judge = new WeatherJudge({
      maxWindMps: m.max_wind_mps,
      maxCloudPct: m.max_cloud_pct,
      goodAfterMs: m.good_after_s * 1000,
    });
    this.actionsByMessage.Weather = () => this.#station?.read();
  }

  protected override async work(): Promise<void> {
    this.#station ??= await weatherStationFor(this.ctx);
    // The observatory database's WAL checkpoints, off every other agent's path (see openObservatoryDb).
    this.#checkpointer = new SqliteCheckpointer(this.ctx.settings.paths.database);
    await this.poll();
    this.everyClock(this.ctx.settings.monitoring.poll_s * 1000, () => this.poll());
  }

  /** One reading: recorded, judged, announced when the verdict changes. */
  async poll(): Promise<void> {
    if (this.#station === undefined) return;
    const reading = this.#station.read();
    const verdict = this.#judge.judge(reading);
    const insert = this.ctx.db.prepare('INSERT OR REPLACE INTO weather (time, reading, ok) VALUES (?, ?, ?)');
    retryBusy(() => insert.run(reading.time, JSON.stringify(reading), this.#judge.good === false ? 0 : 1));
    if (verdict === undefined) return;
    const message = verdict.good ? Msg.GOOD_WEATHER : Msg.BAD_WEATHER;
    this.log.info(`${message}: ${verdict.reason}`);
    await this.notify([Agent.MAJORDOME, Agent.SCHEDULER], message, { reading, reason: verdict.reason });
  }

  protected override async shutdown(): Promise<void> {
    await this.#checkpointer?.close();
    await super.shutdown();
  }
}

export default defineApp({
  name: Agent.MONITORING,
  async ready() {
    await new MonitoringAgent().start();
  },
});
