import { Agent } from '../agent/agent.js';
import { loadAgentConfig } from '../config/agent-config.js';
import { observatoryBrokerUrl } from '../observatory/agents/observatory-broker.js';
import { currentNight } from '../observatory/agents/planning-window.js';
import { Msg } from '../observatory/messages.js';
import type { ObservatoryContext } from '../observatory/observatory-context.js';
import { Sender } from '../sender/sender.js';
import type { Broker } from '../tasks/broker.js';
import { openBroker } from '../tasks/brokers/broker-url.js';
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

/** A broker URL without its password (a Redis URL may carry one). */
function withoutCredentials(url: string): string {
  if (!URL.canParse(url) || !/^rediss?:/.test(url)) return url;
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.href;
}

/**
 * The dashboard's view of a running observatory: the database through the context's repositories,
 * the agents through Sender (STATUS, `Devices`, and the actions), the task broker's counts. Each
 * call reads afresh; only the altitude curves (per plan version) and the PNG previews are cached.
 */
export class ObservatorySource implements DashboardSource {
  readonly #previews = new PreviewCache(64);
  #broker: Promise<Broker> | undefined;
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

  agents(): Promise<AgentView[]> {
    return agentViews(loadAgentConfig(), this.ctx.db);
  }

  async tasks(): Promise<TasksView> {
    const url = observatoryBrokerUrl(this.ctx.settings);
    const base = { broker: withoutCredentials(url), workers: this.ctx.settings.analyzer.workers };
    const zero = Object.fromEntries(TASK_STATES.map((s) => [s, 0]));
    try {
      this.#broker ??= openBroker(url);
      const counts = await (await this.#broker).counts();
      return { ...base, counts: { ...zero, ...counts } };
    } catch (err) {
      // Opened again next time: the broker may come back (Redis restarting).
      this.#broker = undefined;
      return { ...base, counts: zero, error: (err as Error).message };
    }
  }

  async messages(limit: number, agent?: string): Promise<MessageView[]> {
    return this.ctx.messages.latest(limit, agent);
  }

  async plan(): Promise<PlanView> {
    const { plan, site, clock } = this.ctx;
    const night = currentNight(site, clock.now());
    return { version: plan.version(), night: nightView(night), blocks: plan.blocks() };
  }

  async altitudes(): Promise<AltitudesView> {
    const { plan, site, clock } = this.ctx;
    const night = currentNight(site, clock.now());
    const key = `${plan.version()}|${night.date}`;
    if (this.#altitudes?.key !== key) {
      this.#altitudes = { key, view: nightAltitudes(site, night, plan.blocks()) };
    }
    return this.#altitudes.view;
  }

  async now(): Promise<NowView> {
    const { observations, settings, db } = this.ctx;
    const row = db
      .prepare<[], { reading: string; ok: number }>(
        'SELECT reading, ok FROM weather ORDER BY time DESC LIMIT 1',
      )
      .get();
    const weather = {
      reading: row === undefined ? null : (JSON.parse(row.reading) as unknown),
      good: row === undefined ? null : row.ok === 1,
      limits: {
        maxWindMps: settings.monitoring.max_wind_mps,
        maxCloudPct: settings.monitoring.max_cloud_pct,
      },
    };
    const observation = observations.inState('running')[0] ?? null;
    try {
      const devices = await Sender.request<{
        telescope?: { status?: unknown; pointing?: unknown };
        dome?: unknown;
        filter?: unknown;
      }>(Agent.OBSERVATION_MANAGER, 'Devices', undefined, { timeout: STATUS_TIMEOUT_MS });
      return {
        observation,
        telescope: {
          status: devices.telescope?.status ?? null,
          pointing: devices.telescope?.pointing ?? null,
        },
        dome: devices.dome ?? null,
        filter: devices.filter ?? null,
        weather,
      };
    } catch (err) {
      return {
        observation,
        telescope: { status: null, pointing: null },
        dome: null,
        filter: null,
        weather,
        error: (err as Error).message,
      };
    }
  }

  async alerts(limit: number): Promise<AlertView[]> {
    return this.ctx.alerts.latest(limit).map((a) => ({
      ivorn: a.ivorn,
      receivedAt: a.receivedAt,
      source: a.source,
      role: a.role,
      mission: a.mission ?? null,
      packetName: a.packetName ?? null,
      eventTime: a.eventTime ?? null,
      raDeg: a.raDeg ?? null,
      decDeg: a.decDeg ?? null,
      errorDeg: a.errorDeg ?? null,
      outcome: a.outcome,
      reason: a.reason,
      requestId: a.requestId ?? null,
      requestState: a.requestId === undefined ? null : (this.ctx.requests.get(a.requestId)?.state ?? null),
    }));
  }

  async images(limit: number): Promise<ImageView[]> {
    return this.ctx.observations.images(limit).map((i) => ({
      id: i.id,
      observationId: i.observationId,
      object: i.object,
      filter: i.filter,
      exposureS: i.exposureS,
      dateObs: i.dateObs,
      raDeg: i.target.raDeg,
      decDeg: i.target.decDeg,
      analysis: i.analysis ?? null,
      preview: `/api/images/${i.id}/preview.png`,
    }));
  }

  async preview(imageId: number): Promise<Buffer | undefined> {
    const image = this.ctx.observations.image(imageId);
    if (image === undefined) return undefined;
    try {
      return await this.#previews.get(imageId, image.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new HttpError(404, `image ${imageId}: its file ${image.path} is missing`);
      }
      throw err;
    }
  }

  injectAlert(xml: string, drill: boolean): Promise<unknown> {
    return Sender.request(
      Agent.ALERT_MANAGER,
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
    // The reply comes once the running exposure is read out and the dome closed, in observatory time.
    const timeout = ACTION_TIMEOUT_MS + ((om.readout_s + om.dome_close_s) * 1000) / clock.speed;
    return Sender.request(
      Agent.OBSERVATION_MANAGER,
      Msg.CLOSE_DOME,
      { reason: 'closed from the dashboard' },
      { timeout },
    );
  }

  pause(paused: boolean): Promise<unknown> {
    return Sender.request(Agent.MAJORDOME, paused ? Msg.PAUSE : Msg.RESUME, undefined, {
      timeout: ACTION_TIMEOUT_MS,
    });
  }

  async close(): Promise<void> {
    const broker = this.#broker;
    this.#broker = undefined;
    await broker?.then((b) => b.close()).catch(() => undefined);
  }
}
