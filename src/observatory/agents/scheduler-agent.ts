import { Agent } from '../../agent/agent.js';
import { defineApp } from '../../host/app.js';
import { SkyStates } from '../astro/sky-state.js';
import { Msg } from '../messages.js';
import type { ObservatoryContext } from '../observatory-context.js';
import { planNight } from '../scheduler/planner.js';
import type { Plan } from '../scheduler/request.js';
import { loadRoutineRequests } from '../scheduler/routine-requests.js';
import { PLAN_SQL, PlanRepo } from '../store/plan-repo.js';
import { OPEN_STATES, REQUESTS_MIGRATION_1, REQUESTS_SQL, RequestsRepo } from '../store/requests-repo.js';
import { ObservatoryAgent } from './observatory-agent.js';
import { overheadsOf } from './overheads-of.js';
import { currentNight, planningWindow } from './planning-window.js';
import { RequestLedger } from './request-ledger.js';

/** How long an observation's end waits for its replan (real ms); see replanSoon. */
const REPLAN_DELAY_MS = 50;
/** The least real time between two periodic replans (ms); see work(). */
const MIN_PERIODIC_REAL_MS = 500;

/**
 * Owns the requests and the plan. Plans the night from the open requests (routine ones from the
 * routine file, a copy per night; alert ones from the alert manager) and replans whenever
 * something changes: a new, updated or retracted alert, an observation's start, end or failure,
 * and every `replan_every_s` of observatory time. Each plan goes to the majordome whole, through
 * the outbox (only the newest waits there).
 */
export class SchedulerAgent extends ObservatoryAgent {
  readonly #requests: RequestsRepo;
  readonly #plan: PlanRepo;
  readonly #ledger: RequestLedger;
  /** The night whose routine requests are loaded. */
  #routineNight: string | undefined;
  /** The sky per minute, kept from one replan to the next within a night. */
  #sky: SkyStates | undefined;
  #replanPending = false;
  /** What the last plan observes, in order (request ids): a replan that changes it is logged at info. */
  #lastPlanned: string | undefined;

  constructor(ctx?: ObservatoryContext) {
    super(
      Agent.SCHEDULER,
      { version: 2, sql: REQUESTS_SQL + PLAN_SQL, migrations: [REQUESTS_MIGRATION_1] },
      ctx,
    );
    this.#requests = new RequestsRepo(this.store.db);
    this.#plan = new PlanRepo(this.store.db);
    this.#ledger = new RequestLedger(this.#requests, this.log);
    this.onMessage(Msg.NEW_ALERT, async ({ request }) => {
      const created = this.store.transaction(() => this.#requests.insert(request, this.ctx.clock.now()));
      if (created) await this.replan();
      return { requestId: request.id, created };
    });
    this.onMessage(Msg.ALERT_UPDATED, async ({ requestId, target }) => {
      const updated = this.store.transaction(() =>
        this.#ledger.retarget(requestId, target, this.ctx.clock.now()),
      );
      if (updated) await this.replan();
      return { updated, state: this.#requests.get(requestId)?.state ?? null };
    });
    this.onMessage(Msg.ALERT_RETRACTED, async ({ ivorn, requestIds }) => {
      const cancelled = this.store.transaction(() =>
        this.#ledger.cancel(requestIds, `retracted by ${ivorn}`, this.ctx.clock.now()),
      );
      if (cancelled.length > 0) await this.replan();
      return { cancelled };
    });
    // Each piece of news is recorded (by observation id) and applied in one transaction: a crash
    // between the two would leave it recorded, so that its resend is ignored, but never applied.
    this.onMessage(Msg.OBS_STARTED, (p) => {
      this.store.transaction(() => this.#ledger.started(p));
    });
    this.onMessage(Msg.OBS_FINISHED, (p) => {
      if (this.store.transaction(() => this.#ledger.finished(p))) this.replanSoon();
    });
    this.onMessage(Msg.OBS_FAILED, (p) => {
      if (this.store.transaction(() => this.#ledger.failed(p))) this.replanSoon();
    });
    this.onMessage(Msg.REPLAN, () =>
      this.replan().then((plan) => ({ version: plan.version, blocks: plan.blocks.length })),
    );
    this.onMessage(Msg.PLAN, () => this.#plan.current());
    this.onMessage(Msg.REQUESTS, ({ ids, states, limit }) => ({
      requests: this.#requests.records({
        ...(ids === undefined ? {} : { ids }),
        ...(states === undefined ? {} : { states }),
        limit,
      }),
    }));
  }

  protected override async work(): Promise<void> {
    await this.replan();
    // At most one periodic replan per MIN_PERIODIC_REAL_MS of real time: a fast simulated clock
    // (600x) would otherwise replan every few real ms and take the CPU from the other agents. News
    // (an alert, an observation's end) still replans at once.
    const periodMs = Math.max(
      this.ctx.settings.scheduler.replan_every_s * 1000,
      MIN_PERIODIC_REAL_MS * this.ctx.clock.speed,
    );
    this.every(periodMs, () => this.replan());
  }

  /**
   * A replan a few real milliseconds later, once for any number of calls. The end of an
   * observation needs no plan at once (the majordome goes on with the current one); replanning a
   * moment later keeps this thread off the CPUs while a preempting alert's observation starts.
   */
  replanSoon(): void {
    if (this.#replanPending) return;
    this.#replanPending = true;
    this.after(REPLAN_DELAY_MS * this.ctx.clock.speed, () => {
      this.#replanPending = false;
      return this.replan();
    });
  }

  /** Plans from now with the open requests, stores the plan, and sends it to the majordome. */
  async replan(): Promise<Plan> {
    const { clock, settings, site } = this.ctx;
    const now = clock.now();
    this.loadRoutine(now);
    const open = this.#requests.inStates(OPEN_STATES);
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
      lastVisitEnd: this.#lastVisitEnds(open, now),
    });
    const planned = new Set(blocks.map((b) => b.requestId));
    const plan = this.store.transaction(() => {
      for (const r of open) {
        const next = planned.has(r.id) ? 'scheduled' : 'pending';
        if (r.state !== next) this.#requests.setState(r.id, next, now, undefined, OPEN_STATES);
        // Requests whose window has passed are closed, so they stop being planned: `done` when a
        // recurring one was visited, else `expired`.
        if (r.window !== undefined && r.window.end < now) {
          const visits = r.cadenceS === undefined ? 0 : this.#requests.visits(r.id);
          if (visits > 0) this.#requests.setState(r.id, 'done', now, `${visits} visit(s)`, OPEN_STATES);
          else this.#requests.setState(r.id, 'expired', now, 'window passed', OPEN_STATES);
        }
      }
      const made = this.#plan.replace(blocks, now);
      // Only the newest plan is worth delivering: an older one still waiting is replaced.
      this.post(Msg.PLAN_UPDATED, made, { key: 'plan' });
      return made;
    });
    const first = blocks[0];
    // A replan every `replan_every_s` mostly finds the same plan: only a changed one is news.
    const order = blocks.map((b) => b.requestId).join(' ');
    const changed = order !== this.#lastPlanned;
    this.#lastPlanned = order;
    this.log[changed ? 'info' : 'debug'](
      `plan v${plan.version}: ${blocks.length} block(s) from ${open.length} open request(s)` +
        (first === undefined
          ? this.#whyEmpty(now)
          : `, first ${first.targetName} at ${new Date(first.start).toISOString()}`),
    );
    return plan;
  }

  /**
   * When the last visit of each open recurring request ended: its own, or that of a copy of an
   * earlier night (a routine request's copies share the routine id before the `@`), so that a
   * cadence longer than a night carries over.
   */
  #lastVisitEnds(open: readonly { id: string; cadenceS?: number }[], now: number): Map<string, number> {
    const ends = this.#requests.lastVisitEnds();
    const family = (id: string) => (id.includes('@') ? id.slice(0, id.indexOf('@')) : id);
    const byFamily = new Map<string, number>();
    for (const [id, t] of ends) byFamily.set(family(id), Math.max(t, byFamily.get(family(id)) ?? t));
    const out = new Map<string, number>();
    for (const r of open) {
      const t = r.cadenceS === undefined ? undefined : byFamily.get(family(r.id));
      // A visit after now: the clock was set back (a simulation started over): counted as just made.
      if (t !== undefined) out.set(r.id, Math.min(t, now));
    }
    return out;
  }

  /** Why a plan is empty, in a few words, for the log line. */
  #whyEmpty(now: number): string {
    const night = currentNight(this.ctx.site, now);
    const done = this.#requests.inStates(['done']).length;
    const next =
      night.dark === undefined
        ? ''
        : ` (the dark time ${night.dark.start > now ? 'starts' : 'began'} ${new Date(night.dark.start).toISOString()})`;
    return `: nothing observable before the night of ${night.date} ends${next}; ${done} request(s) done so far`;
  }

  /**
   * The routine file is a programme observed every night: each night gets its own copy of its
   * requests (id `ID@YYYY-MM-DD`, window noon to noon), so that a new night observes them again
   * and a restart in the same night finds the visits already made (the ids are in the store). A
   * request with `everyNights: N` gets no copy on a night when one of the N - 1 before had a visit.
   */
  private loadRoutine(now: number): void {
    const file = this.ctx.settings.paths.routineRequests;
    const night = currentNight(this.ctx.site, now);
    if (this.#routineNight === night.date) return;
    this.#routineNight = night.date;
    this.#sky = new SkyStates(this.ctx.site);
    if (file === undefined) return;
    const requests = loadRoutineRequests(file, now)
      .filter((r) => !this.#visitedLately(r.id, r.everyNights, night.date))
      .map(({ everyNights: _, ...r }) => ({
        ...r,
        id: `${r.id}@${night.date}`,
        window: r.window ?? { start: night.noon, end: night.nextNoon },
      }));
    const added = this.store.transaction(() => requests.filter((r) => this.#requests.insert(r, now)).length);
    this.log.info(`routine requests for the night of ${night.date}: ${added} new from ${file}`);
  }

  /** Whether the copy of routine request `id` of one of the `everyNights - 1` nights before `date` had a visit. */
  #visitedLately(id: string, everyNights: number | undefined, date: string): boolean {
    for (let n = 1; n < (everyNights ?? 1); n++) {
      const before = new Date(Date.parse(`${date}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
      if (this.#requests.visits(`${id}@${before}`) > 0) return true;
    }
    return false;
  }
}

export default defineApp({
  name: Agent.SCHEDULER,
  async ready() {
    await new SchedulerAgent().start();
  },
});
