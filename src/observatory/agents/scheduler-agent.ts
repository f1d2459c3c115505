import { Agent } from '../../agent/agent.js';
import { defineApp } from '../../host/app.js';
import { SkyStates } from '../astro/sky-state.js';
import { Msg } from '../messages.js';
import type { ObservatoryContext } from '../observatory-context.js';
import { planNight } from '../scheduler/planner.js';
import { loadRoutineRequests } from '../scheduler/routine-requests.js';
import { retryBusy } from '../store/observatory-db.js';
import { ObservatoryAgent } from './observatory-agent.js';
import { overheadsOf } from './overheads-of.js';
import { currentNight, planningWindow } from './planning-window.js';

/**
 * Plans the night from the open requests (routine ones from the routine file, alert ones from the
 * alert manager) and replans whenever something changes: a new or retracted alert, the weather,
 * an observation finished or failed, and every `replan_every_s` of observatory time.
 */
/** How long an observation's end waits for its replan (real ms); see replanSoon. */
const REPLAN_DELAY_MS = 50;

export class SchedulerAgent extends ObservatoryAgent {
  #weatherOk = true;
  /** The night whose routine requests are loaded. */
  #routineNight: string | undefined;
  /** The sky per minute, kept from one replan to the next within a night. */
  #sky: SkyStates | undefined;
  #replanPending = false;

  constructor(ctx?: ObservatoryContext) {
    super(Agent.SCHEDULER, ctx);
    const replan = (): Promise<unknown> => this.replan();
    this.actionsByMessage[Msg.NEW_ALERT] = replan;
    this.actionsByMessage[Msg.ALERT_RETRACTED] = replan;
    this.actionsByMessage[Msg.OBS_FINISHED] = () => this.replanSoon();
    this.actionsByMessage[Msg.OBS_FAILED] = () => this.replanSoon();
    this.actionsByMessage[Msg.REPLAN] = replan;
    this.actionsByMessage[Msg.BAD_WEATHER] = () => {
      this.#weatherOk = false;
      return this.replan();
    };
    this.actionsByMessage[Msg.GOOD_WEATHER] = () => {
      this.#weatherOk = true;
      return this.replan();
    };
  }

  protected override async work(): Promise<void> {
    await this.replan();
    this.everyClock(this.ctx.settings.scheduler.replan_every_s * 1000, () => this.replan());
  }

  /**
   * A replan a few real milliseconds later, once for any number of calls. The end of an
   * observation needs no plan at once (the majordome goes on with the current one); replanning a
   * moment later keeps this thread off the CPUs while a preempting alert's observation starts.
   */
  replanSoon(): void {
    if (this.#replanPending) return;
    this.#replanPending = true;
    const { clock } = this.ctx;
    this.atTime(clock.now() + REPLAN_DELAY_MS * clock.speed, () => {
      this.#replanPending = false;
      return this.replan();
    });
  }

  /** Plans from now with the open requests, stores the plan, and tells the majordome. */
  async replan(): Promise<{ version: number; blocks: number }> {
    const { clock, settings, site, requests, plan } = this.ctx;
    const now = clock.now();
    this.loadRoutine(now);
    const open = requests.inStates(['pending', 'scheduled']);
    const window = planningWindow(site, now);
    const blocks = planNight({
      site,
      requests: open,
      from: window.from,
      until: window.until,
      now,
      overheads: overheadsOf(settings),
      stepS: settings.scheduler.step_s,
      sky: this.#sky,
    });
    const planned = new Set(blocks.map((b) => b.requestId));
    // IMMEDIATE: a deferred transaction that reads then writes fails at once (SQLITE_BUSY, no
    // waiting) when another agent's thread commits in between.
    const store = this.ctx.db.transaction(() => {
      for (const r of open) {
        const next = planned.has(r.id) ? 'scheduled' : 'pending';
        if (r.state !== next) requests.setState(r.id, next, now, undefined, ['pending', 'scheduled']);
      }
      // Alert requests whose window has passed unobserved are closed, so they stop being planned.
      for (const r of open) {
        if (r.window !== undefined && r.window.end < now)
          requests.setState(r.id, 'expired', now, 'window passed', ['pending', 'scheduled']);
      }
      return plan.replace(blocks, now);
    });
    const version = retryBusy(() => store.immediate());
    const first = blocks[0];
    this.log.info(
      `plan v${version}: ${blocks.length} block(s) from ${open.length} open request(s)` +
        (first === undefined ? '' : `, first ${first.targetName} at ${new Date(first.start).toISOString()}`) +
        (this.#weatherOk ? '' : ' (weather bad: the majordome waits)'),
    );
    await this.notify(Agent.MAJORDOME, Msg.PLAN_UPDATED, { version });
    return { version, blocks: blocks.length };
  }

  /**
   * The routine file is a programme observed every night: each night gets its own copy of its
   * requests (id `ID@YYYY-MM-DD`, window noon to noon), so that a new night observes them again
   * and a restart in the same night does not (the ids are already in the database).
   */
  private loadRoutine(now: number): void {
    const file = this.ctx.settings.paths.routineRequests;
    const night = currentNight(this.ctx.site, now);
    if (this.#routineNight === night.date) return;
    this.#routineNight = night.date;
    this.#sky = new SkyStates(this.ctx.site);
    if (file === undefined) return;
    const added = loadRoutineRequests(file, now)
      .map((r) => ({
        ...r,
        id: `${r.id}@${night.date}`,
        window: r.window ?? { start: night.noon, end: night.nextNoon },
      }))
      .filter((r) => this.ctx.requests.insert(r, now)).length;
    this.log.info(`routine requests for the night of ${night.date}: ${added} new from ${file}`);
  }
}

export default defineApp({
  name: Agent.SCHEDULER,
  async ready() {
    await new SchedulerAgent().start();
  },
});
