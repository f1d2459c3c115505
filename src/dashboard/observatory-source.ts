import { type AgentConfig, loadAgentConfig } from '../config/agent-config.js';
import { closeDomeSeconds } from '../observatory/agents/overheads-of.js';
import { type Night, nightOf } from '../observatory/astro/night.js';
import { AGENTS } from '../observatory/contracts/agents.js';
import { fetchImage } from '../observatory/images/image-fetch.js';
import { Msg } from '../observatory/messages.js';
import type { ObservatoryContext } from '../observatory/observatory-context.js';
import type { Plan } from '../observatory/scheduler/request.js';
import { RemoteError, SendError } from '../sender/errors.js';
import { Sender } from '../sender/sender.js';
import { TASK_STATES } from '../tasks/task-record.js';
import { agentStatuses, agentViews, answering, STATUS_TIMEOUT_MS } from './agent-views.js';
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
import { ObservedHistory } from './observed-history.js';
import { ask, readAlertSources, readAlerts, readImages, readNow, type Up, why } from './owner-reads.js';
import { PreviewCache } from './preview-png.js';

/** How many alerts and images the state (and each event) carries. */
export const STATE_LIMITS = { alerts: 20, images: 12 } as const;
/** How long an action waits for its reply (ms); closing the dome waits for the dome too. */
const ACTION_TIMEOUT_MS = 10_000;
/** Messages asked of each agent for the log and the `sent` counts. */
const LOG_PER_AGENT = 200;
/** Observations asked of the observation manager for the night's history (more than a night holds). */
const HISTORY_LIMIT = 200;

/** How many messages each agent sent, in these logs. */
function sentBy(log: readonly MessageView[]): Map<string, number> {
  const sent = new Map<string, number>();
  for (const m of log) sent.set(m.from, (sent.get(m.from) ?? 0) + 1);
  return sent;
}

/**
 * The dashboard's view of a running observatory, asked of the agents that own each part, by
 * message, like any peer (so it works wherever they run): STATUS of every agent, the plan of the
 * scheduler, the alerts of the alert manager, the devices, observations and images of the
 * observation manager, the weather of monitoring, the night of the majordome, the analyses and
 * task counts of the analyzer. Each call asks afresh; only the altitude curves (per plan version)
 * and the PNG previews are cached. Every read asks STATUS of every agent first (once for the whole
 * state), and nothing more of those that do not answer: an agent down costs the page
 * {@link STATUS_TIMEOUT_MS}, not a read's timeout.
 */
export class ObservatorySource implements DashboardSource {
  readonly #previews = new PreviewCache(64);
  #altitudes: { key: string; view: AltitudesView } | undefined;
  #night: Night | undefined;
  readonly #observed = new ObservedHistory(HISTORY_LIMIT);

  constructor(private readonly ctx: ObservatoryContext) {}

  async state(): Promise<DashboardState> {
    const config = loadAgentConfig();
    const statuses = await agentStatuses(config);
    const up = answering(statuses);
    const [log, tasks, plan, now, alerts, alertSources, images] = await Promise.all([
      this.#logs(config, up, LOG_PER_AGENT),
      this.tasks(up),
      this.plan(up),
      this.now(up),
      this.alerts(STATE_LIMITS.alerts, up),
      readAlertSources(up),
      this.images(STATE_LIMITS.images, up),
    ]);
    const { clock } = this.ctx;
    return {
      time: clock.now(),
      clock: { simulated: clock.simulated, speed: clock.speed },
      agents: agentViews(config, statuses, sentBy(log)),
      tasks,
      plan,
      now,
      alerts,
      alertSources,
      images,
    };
  }

  /** The agents that answer STATUS now. */
  async #answering(): Promise<Up> {
    return answering(await agentStatuses(loadAgentConfig()));
  }

  async agents(): Promise<AgentView[]> {
    const config = loadAgentConfig();
    const statuses = await agentStatuses(config);
    const log = await this.#logs(config, answering(statuses), LOG_PER_AGENT);
    return agentViews(config, statuses, sentBy(log));
  }

  async tasks(given?: Up): Promise<TasksView> {
    const up = given ?? (await this.#answering());
    try {
      return await ask(up, AGENTS.analyzer, Msg.TASKS, undefined);
    } catch (err) {
      const zero = Object.fromEntries(TASK_STATES.map((s) => [s, 0]));
      return { broker: '', workers: 0, counts: zero, error: why(AGENTS.analyzer, err) };
    }
  }

  /** The logs of the agents of `config` that are `up`, merged, newest first. */
  async #logs(config: AgentConfig, up: Up, perAgent: number): Promise<MessageView[]> {
    const logs = await Promise.all(
      config.names().map((name) =>
        ask(up, name, Msg.MESSAGES, { limit: perAgent }).then(
          (r) => r.messages,
          () => [], // down, or not an observatory agent (it has no log)
        ),
      ),
    );
    return logs.flat().sort((a, b) => b.time - a.time);
  }

  async messages(limit: number, agent?: string): Promise<MessageView[]> {
    const config = loadAgentConfig();
    const up = answering(await agentStatuses(config));
    const all = await this.#logs(config, up, Math.min(limit, 5000));
    return all.filter((m) => agent === undefined || m.from === agent || m.to === agent).slice(0, limit);
  }

  async #plan(up: Up): Promise<Plan> {
    try {
      return await ask(up, AGENTS.scheduler, Msg.PLAN, undefined);
    } catch {
      return { version: 0, madeAt: 0, blocks: [] };
    }
  }

  /**
   * The night on screen: local noon to local noon, so that in the morning the page still shows
   * the night just over (its history), and from noon the coming one. Computed once a night.
   */
  #shownNight(now: number): Night {
    const night = this.#night;
    if (night !== undefined && now >= night.noon && now < night.nextNoon) return night;
    this.#night = nightOf(this.ctx.site, now);
    return this.#night;
  }

  async plan(given?: Up): Promise<PlanView> {
    const up = given ?? (await this.#answering());
    const night = this.#shownNight(this.ctx.clock.now());
    const [plan, observed] = await Promise.all([this.#plan(up), this.#observed.read(up, night)]);
    return { version: plan.version, night: nightView(night), blocks: plan.blocks, observed };
  }

  async altitudes(): Promise<AltitudesView> {
    const { site, clock } = this.ctx;
    const plan = await this.#plan(await this.#answering());
    const night = this.#shownNight(clock.now());
    const key = `${plan.version}|${night.date}`;
    if (this.#altitudes?.key !== key)
      this.#altitudes = { key, view: nightAltitudes(site, night, plan.blocks) };
    return this.#altitudes.view;
  }

  async now(given?: Up): Promise<NowView> {
    return readNow(given ?? (await this.#answering()));
  }

  async alerts(limit: number, given?: Up): Promise<AlertView[]> {
    return readAlerts(given ?? (await this.#answering()), limit);
  }

  async images(limit: number, given?: Up): Promise<ImageView[]> {
    return readImages(given ?? (await this.#answering()), limit);
  }

  async preview(imageId: number): Promise<Buffer | undefined> {
    try {
      return await this.#previews.get(imageId, () => fetchImage(imageId));
    } catch (err) {
      if (err instanceof RemoteError && /\bno image\b/.test(err.message)) return undefined;
      if (err instanceof RemoteError && /ENOENT/.test(err.message)) {
        throw new HttpError(404, `image ${imageId}: its file is missing on the observation manager's disk`);
      }
      // The observation manager down, failing, or sending what is not a FITS file (the decoder
      // names the image): a bad gateway, not the dashboard's fault.
      if (err instanceof SendError || new RegExp(`^image ${imageId}\\b`).test((err as Error).message)) {
        throw new HttpError(502, (err as Error).message);
      }
      throw err;
    }
  }

  injectAlert(text: string, drill: boolean): Promise<unknown> {
    return Sender.request(
      AGENTS.alertManager,
      Msg.NOTICE,
      { text, drill, source: 'dashboard' },
      { timeout: ACTION_TIMEOUT_MS },
    );
  }

  sendMessage(agent: string, message: string, payload: unknown): Promise<unknown> {
    return Sender.request(agent, message, payload, { timeout: ACTION_TIMEOUT_MS });
  }

  closeDome(): Promise<unknown> {
    const { settings, clock } = this.ctx;
    // The reply comes once the running exposure is read out, the dome closed and the telescope parked.
    const timeout = ACTION_TIMEOUT_MS + (closeDomeSeconds(settings) * 1000) / clock.speed;
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
