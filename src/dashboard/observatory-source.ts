import type { ReplyOut } from '../agent/contract.js';
import { loadAgentConfig } from '../config/agent-config.js';
import { currentNight } from '../observatory/agents/planning-window.js';
import { AGENTS } from '../observatory/contracts/agents.js';
import { fetchImage } from '../observatory/images/image-fetch.js';
import { Msg } from '../observatory/messages.js';
import type { ObservatoryContext } from '../observatory/observatory-context.js';
import type { Plan } from '../observatory/scheduler/request.js';
import { RemoteError } from '../sender/errors.js';
import { Sender } from '../sender/sender.js';
import { TASK_STATES } from '../tasks/task-record.js';
import { agentViews, STATUS_TIMEOUT_MS } from './agent-views.js';
import type { DashboardSource } from './dashboard-source.js';
import type {
  AgentView,
  AlertView,
  AltitudesView,
  DashboardState,
  ImageView,
  MessageView,
  NowView,
  PlanView,
  TasksView,
} from './dashboard-views.js';
import { HttpError } from './http-errors.js';
import { nightAltitudes, nightView } from './night-views.js';
import { PreviewCache } from './preview-png.js';

/** How many alerts and images the state (and each event) carries. */
export const STATE_LIMITS = { alerts: 20, images: 12 } as const;
/** How long an action waits for its reply (ms); closing the dome waits for the dome too. */
const ACTION_TIMEOUT_MS = 10_000;
/** How long a read waits for its owner (ms): the page is refreshed every second. */
const READ_TIMEOUT_MS = 1500;
/** Messages asked of each agent for the log and the `sent` counts. */
const LOG_PER_AGENT = 200;

const ask = { timeout: READ_TIMEOUT_MS } as const;

/** The first line of an error, for the `error` fields. */
function why(agent: string, err: unknown): string {
  return `${agent}: ${(err as Error).message.split('\n')[0]}`;
}

/**
 * The dashboard's view of a running observatory, asked of the agents that own each part, by
 * message, like any peer (so it works wherever they run): STATUS of every agent, the plan of the
 * scheduler, the alerts of the alert manager, the devices, observations and images of the
 * observation manager, the weather of monitoring, the night of the majordome, the analyses and
 * task counts of the analyzer. Each call asks afresh; only the altitude curves (per plan version)
 * and the PNG previews are cached.
 */
export class ObservatorySource implements DashboardSource {
  readonly #previews = new PreviewCache(64);
  #altitudes: { key: string; view: AltitudesView } | undefined;

  constructor(private readonly ctx: ObservatoryContext) {}

  async state(): Promise<DashboardState> {
    const [agents, tasks, plan, now, alerts, images] = await Promise.all([
      this.agents(),
      this.tasks(),
      this.plan(),
      this.now(),
      this.alerts(STATE_LIMITS.alerts),
      this.images(STATE_LIMITS.images),
    ]);
    const { clock } = this.ctx;
    return {
      time: clock.now(),
      clock: { simulated: clock.simulated, speed: clock.speed },
      agents,
      tasks,
      plan,
      now,
      alerts,
      images,
    };
  }

  async agents(): Promise<AgentView[]> {
    const log = await this.#logs(LOG_PER_AGENT);
    const sent = new Map<string, number>();
    for (const m of log) sent.set(m.from, (sent.get(m.from) ?? 0) + 1);
    return agentViews(loadAgentConfig(), sent);
  }

  async tasks(): Promise<TasksView> {
    try {
      return await Sender.request(AGENTS.analyzer, Msg.TASKS, undefined, ask);
    } catch (err) {
      const zero = Object.fromEntries(TASK_STATES.map((s) => [s, 0]));
      return { broker: '', workers: 0, counts: zero, error: why(AGENTS.analyzer, err) };
    }
  }

  /** Every agent's own log, merged, newest first. */
  async #logs(perAgent: number): Promise<MessageView[]> {
    const names = loadAgentConfig().names();
    const logs = await Promise.all(
      names.map((name) =>
        Sender.request(name, Msg.MESSAGES, { limit: perAgent }, ask).then(
          (r) => r.messages,
          () => [], // down, or not an observatory agent (it has no log)
        ),
      ),
    );
    return logs.flat().sort((a, b) => b.time - a.time);
  }

  async messages(limit: number, agent?: string): Promise<MessageView[]> {
    const all = await this.#logs(Math.min(limit, 5000));
    return all.filter((m) => agent === undefined || m.from === agent || m.to === agent).slice(0, limit);
  }

  async #plan(): Promise<Plan> {
    try {
      return await Sender.request(AGENTS.scheduler, Msg.PLAN, undefined, ask);
    } catch {
      return { version: 0, madeAt: 0, blocks: [] };
    }
  }

  async plan(): Promise<PlanView> {
    const plan = await this.#plan();
    const night = currentNight(this.ctx.site, this.ctx.clock.now());
    return { version: plan.version, night: nightView(night), blocks: plan.blocks };
  }

  async altitudes(): Promise<AltitudesView> {
    const { site, clock } = this.ctx;
    const plan = await this.#plan();
    const night = currentNight(site, clock.now());
    const key = `${plan.version}|${night.date}`;
    if (this.#altitudes?.key !== key)
      this.#altitudes = { key, view: nightAltitudes(site, night, plan.blocks) };
    return this.#altitudes.view;
  }

  async now(): Promise<NowView> {
    const errors: string[] = [];
    const [devices, running, weather, execution] = await Promise.all([
      Sender.request(AGENTS.observationManager, Msg.DEVICES, undefined, { timeout: STATUS_TIMEOUT_MS }).catch(
        (e) => {
          errors.push(why(AGENTS.observationManager, e));
          return undefined;
        },
      ),
      Sender.request(AGENTS.observationManager, Msg.OBSERVATIONS, { limit: 1, state: 'running' }, ask).catch(
        () => undefined,
      ),
      Sender.request(AGENTS.monitoring, Msg.WEATHER, undefined, ask).catch((e) => {
        errors.push(why(AGENTS.monitoring, e));
        return undefined;
      }),
      Sender.request(AGENTS.majordome, Msg.EXECUTION, undefined, ask).catch((e) => {
        errors.push(why(AGENTS.majordome, e));
        return undefined;
      }),
    ]);
    const hasReading = weather !== undefined && weather.reading !== null;
    return {
      observation: running?.observations[0] ?? null,
      telescope: { status: devices?.telescope.status ?? null, pointing: devices?.telescope.pointing ?? null },
      dome: devices?.dome ?? null,
      filter: devices?.filter ?? null,
      interlock: devices?.safety ?? null,
      weather: {
        reading: weather?.reading ?? null,
        safe: hasReading ? (weather?.verdict.safe ?? null) : null,
        reason: weather?.verdict.reason ?? null,
        time: weather?.verdict.time ?? null,
        validUntil: weather?.verdict.validUntil ?? null,
        limits:
          weather === undefined
            ? null
            : {
                maxWindMps: weather.limits.maxWindMps,
                maxCloudPct: weather.limits.maxCloudPct,
                maxHumidityPct: weather.limits.maxHumidityPct,
              },
      },
      execution: execution ?? null,
      ...(errors.length === 0 ? {} : { error: errors.join('; ') }),
    };
  }

  async alerts(limit: number): Promise<AlertView[]> {
    let alerts: ReplyOut<typeof Msg.ALERTS>['alerts'];
    try {
      ({ alerts } = await Sender.request(AGENTS.alertManager, Msg.ALERTS, { limit }, ask));
    } catch {
      return [];
    }
    const ids = [...new Set(alerts.flatMap((a) => (a.requestId === null ? [] : [a.requestId])))];
    const states = new Map<string, string>();
    if (ids.length > 0) {
      const reply = await Sender.request(
        AGENTS.scheduler,
        Msg.REQUESTS,
        { ids, limit: ids.length },
        ask,
      ).catch(() => undefined);
      for (const r of reply?.requests ?? []) states.set(r.id, r.state);
    }
    return alerts.map((a) => ({
      ...a,
      requestState: a.requestId === null ? null : (states.get(a.requestId) ?? null),
    }));
  }

  async images(limit: number): Promise<ImageView[]> {
    let images: ReplyOut<typeof Msg.IMAGES>['images'];
    try {
      ({ images } = await Sender.request(AGENTS.observationManager, Msg.IMAGES, { limit }, ask));
    } catch {
      return [];
    }
    const analyses = new Map(
      images.length === 0
        ? []
        : (
            await Sender.request(
              AGENTS.analyzer,
              Msg.ANALYSES,
              { imageIds: images.map((i) => i.id) },
              ask,
            ).catch(() => ({ analyses: [] }))
          ).analyses.map((a) => [a.imageId, a]),
    );
    return images.map((i) => ({
      id: i.id,
      observationId: i.observationId,
      object: i.object,
      filter: i.filter,
      exposureS: i.exposureS,
      dateObs: i.dateObs,
      raDeg: i.target.raDeg,
      decDeg: i.target.decDeg,
      analysis: analyses.get(i.id)?.analysis ?? null,
      analysisState: analyses.get(i.id)?.state ?? null,
      preview: `/api/images/${i.id}/preview.png`,
    }));
  }

  async preview(imageId: number): Promise<Buffer | undefined> {
    try {
      return await this.#previews.get(imageId, () => fetchImage(imageId));
    } catch (err) {
      if (err instanceof RemoteError && /no image/.test(err.message)) return undefined;
      if (err instanceof RemoteError && /ENOENT/.test(err.message)) {
        throw new HttpError(404, `image ${imageId}: its file is missing on the observation manager's disk`);
      }
      throw err;
    }
  }

  injectAlert(xml: string, drill: boolean): Promise<unknown> {
    return Sender.request(
      AGENTS.alertManager,
      Msg.VOEVENT,
      { xml, drill, source: 'dashboard' },
      { timeout: ACTION_TIMEOUT_MS },
    );
  }

  sendMessage(agent: string, message: string, payload: unknown): Promise<unknown> {
    return Sender.request(agent, message, payload, { timeout: ACTION_TIMEOUT_MS });
  }

  closeDome(): Promise<unknown> {
    const { settings, clock } = this.ctx;
    const om = settings.observation_manager;
    // The reply comes once the running exposure is read out, the dome closed and the telescope parked.
    const timeout = ACTION_TIMEOUT_MS + ((om.readout_s + om.dome_close_s + 180) * 1000) / clock.speed;
    return Sender.request(
      AGENTS.observationManager,
      Msg.CLOSE_DOME,
      { reason: 'closed from the dashboard', park: true },
      { timeout },
    );
  }

  pause(paused: boolean): Promise<unknown> {
    return paused
      ? Sender.request(
          AGENTS.majordome,
          Msg.PAUSE,
          { reason: 'paused from the dashboard' },
          { timeout: ACTION_TIMEOUT_MS },
        )
      : Sender.request(AGENTS.majordome, Msg.RESUME, undefined, { timeout: ACTION_TIMEOUT_MS });
  }

  async close(): Promise<void> {}
}
