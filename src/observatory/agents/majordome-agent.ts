import type { z } from 'zod';
import { Agent } from '../../agent/agent.js';
import type { TimerHandle } from '../../agent/agent-timers.js';
import { defineApp } from '../../host/app.js';
import { Sender } from '../../sender/sender.js';
import { AGENTS } from '../contracts/agents.js';
import type { ExecutionStateSchema } from '../contracts/execution-messages.js';
import { Msg } from '../messages.js';
import type { ObservatoryContext } from '../observatory-context.js';
import type { Safety } from '../safety/safety-rule.js';
import type { SafetyWatch } from '../safety/safety-watch.js';
import { slewMs } from '../scheduler/overheads.js';
import type { Plan, PlannedBlock } from '../scheduler/request.js';
import { DomeCloser } from './dome-closer.js';
import { nextStep, type Step } from './next-step.js';
import { closedFor, NightStateKeeper } from './night-state.js';
import { ObservatoryAgent } from './observatory-agent.js';
import { observationManagerTimeoutMs, overheadsOf } from './overheads-of.js';
import { currentNight } from './planning-window.js';
import { releaseHolds } from './request-holds.js';

/** What `Execution` (and Pause, Resume) answer. */
export type ExecutionState = z.output<typeof ExecutionStateSchema>;

/** How long (observatory time) before trying again: an unreachable observation manager, or a request whose observation failed. */
const RETRY_MS = 30_000;
/**
 * After an observation's end, how long (real ms) a plan made before that end is not trusted to
 * close the dome: the scheduler replans after every end, and an observation that overran makes
 * the old plan's next block look long past.
 */
const STALE_PLAN_GRACE_MS = 2000;
/** How long a request to the observation manager may take (real ms); closing waits for the dome as well. */
const OM_TIMEOUT_MS = 10_000;
const PAUSED_KEY = 'paused';

interface Running {
  readonly block: PlannedBlock;
  observationId?: number;
}

/**
 * Owns the execution of the night: which block runs, the operator's Pause (kept in its store
 * until Resume, across restarts) and why it does what it does. It runs the newest plan the
 * scheduler sent, on time, under the one safety rule: nothing starts unless monitoring's verdict
 * is good and fresh and the Sun is below the limit; unsafe, it stops what runs, closes the dome
 * and parks. It also parks and closes when nothing is planned for longer than `close_gap_s`, at
 * dawn, and after a Pause that lasted that long. On a restart it asks the owners (monitoring,
 * the scheduler, the observation manager) for the state before it acts.
 */
export class MajordomeAgent extends ObservatoryAgent {
  #plan: Plan = { version: 0, madeAt: 0, blocks: [] };
  #running: Running | undefined;
  #paused: { since: number; reason: string } | undefined;
  /** Blocks already started, so that a block is not started twice. */
  readonly #started = new Set<string>();
  /** Requests whose observation finished, with when: left out of plans made before that. */
  readonly #done = new Map<string, number>();
  /** Requests whose observation just failed, held back until then, so a failure cannot loop. */
  readonly #holdUntil = new Map<string, number>();
  readonly #dome = new DomeCloser(
    () => this.#omTimeoutMs(),
    (reason, err) => {
      this.log.warn(`close dome (${reason}): ${err.message}; trying again`);
      this.#retry = this.at(this.ctx.clock.now() + RETRY_MS, () => this.schedule());
    },
  );
  /** When the last observation ended (observatory time). */
  #lastEndAt = 0;
  #timer: TimerHandle | undefined;
  #retry: TimerHandle | undefined;
  readonly #night: NightStateKeeper;
  readonly #safety: SafetyWatch;

  constructor(ctx?: ObservatoryContext) {
    super(Agent.MAJORDOME, undefined, ctx);
    this.#night = new NightStateKeeper(this.log, this.ctx.clock.now());
    const saved = this.store.get(PAUSED_KEY);
    this.#paused = saved === undefined ? undefined : (JSON.parse(saved) as { since: number; reason: string });
    this.#safety = this.watchWeather(() => this.schedule());
    this.onMessage(Msg.PLAN_UPDATED, (plan) => {
      if (plan.version < this.#plan.version) return;
      this.#plan = plan;
      for (const [request, at] of this.#done) if (plan.madeAt > at) this.#done.delete(request);
      return this.schedule();
    });
    this.onMessage(Msg.OBS_FINISHED, (p) => {
      this.#done.set(p.requestId, p.time);
      return this.#ended(p.observationId);
    });
    this.onMessage(Msg.OBS_FAILED, (p) => {
      if (!p.aborted) this.#holdUntil.set(p.requestId, this.ctx.clock.now() + RETRY_MS);
      return this.#ended(p.observationId);
    });
    this.onMessage(Msg.PAUSE, async ({ reason }) => {
      this.#paused ??= { since: this.ctx.clock.now(), reason };
      this.store.set(PAUSED_KEY, JSON.stringify(this.#paused));
      this.log.info(`paused (${reason}): the running block ends, no new one starts, until Resume`);
      await this.schedule();
      return this.execution();
    });
    this.onMessage(Msg.RESUME, async () => {
      if (this.#paused !== undefined) this.log.info('resumed by the operator');
      this.#paused = undefined;
      this.store.delete(PAUSED_KEY);
      await this.schedule();
      return this.execution();
    });
    this.onMessage(Msg.EXECUTION, () => this.execution());
  }

  /** Before acting: the weather verdict, the plan, and what the observation manager is doing now. */
  protected override async work(): Promise<void> {
    if (this.#paused !== undefined)
      this.log.info(`still paused since ${new Date(this.#paused.since).toISOString()}`);
    const [, plan, devices] = await Promise.all([
      this.refreshVerdict(),
      Sender.request(AGENTS.scheduler, Msg.PLAN, undefined, { timeout: 2000 }).catch(() => undefined),
      Sender.request(AGENTS.observationManager, Msg.DEVICES, undefined, { timeout: 2000 }).catch(
        () => undefined,
      ),
    ]);
    if (plan !== undefined && plan.version >= this.#plan.version) this.#plan = plan;
    if (devices?.observing) {
      this.#running = { block: devices.observing.block, observationId: devices.observing.observationId };
      this.#started.add(devices.observing.block.id);
      this.log.info(
        `the observation manager is observing ${devices.observing.block.targetName}: following it`,
      );
    }
    await this.schedule();
  }

  /** What the majordome is doing and why. */
  execution(): ExecutionState {
    const safety = this.#safety.assess(this.ctx.clock.now());
    const r = this.#running;
    return {
      ...this.#night.status,
      paused: this.#paused ?? null,
      running:
        r === undefined
          ? null
          : {
              blockId: r.block.id,
              requestId: r.block.requestId,
              targetName: r.block.targetName,
              observationId: r.observationId ?? null,
            },
      safe: safety.safe,
      safety: safety.reason,
      planVersion: this.#plan.version,
    };
  }

  /** Decides again: start, preempt, stop, close, or wait. Runs in the mailbox (handlers and timers). */
  async schedule(): Promise<void> {
    this.#timer?.cancel();
    this.#timer = undefined;
    const now = this.ctx.clock.now();
    const safety = this.#safety.assess(now);
    if (!safety.safe) {
      await this.#unsafe(safety, now);
      return;
    }
    releaseHolds(this.#holdUntil, this.#plan, now, this.log, OM_TIMEOUT_MS);
    const blocks = this.#plan.blocks.filter(
      (b) =>
        b.end > now &&
        !this.#holdUntil.has(b.requestId) &&
        !this.#done.has(b.requestId) &&
        !this.#started.has(b.id),
    );
    const step = nextStep({
      now,
      blocks,
      due: blocks.map((_, i) => this.#dueAt(blocks, i)),
      running: this.#running?.block,
      paused: this.#paused,
      preempt: this.ctx.settings.majordome.preempt,
      gapMs: this.ctx.settings.majordome.close_gap_s * 1000,
    });
    await this.#act(step, now);
  }

  async #act(step: Step, now: number): Promise<void> {
    const graceEnd = this.#lastEndAt + STALE_PLAN_GRACE_MS * this.ctx.clock.speed;
    const waitForPlan =
      step.kind === 'wait' && step.close && this.#plan.madeAt < this.#lastEndAt && now < graceEnd;
    if (step.kind === 'preempt') {
      const running = this.#running?.block;
      this.log.info(`preempting ${running?.targetName} for alert ${step.block.targetName}`);
      await this.#abortRunning(`preempted by alert ${step.block.targetName}`);
      await this.#startBlock(step.block);
    } else if (step.kind === 'start') {
      await this.#startBlock(step.block);
    } else {
      if (step.close && !waitForPlan) this.#ensureClosed(step.why);
      const state =
        this.#running !== undefined ? 'observing' : this.#paused !== undefined ? 'paused' : 'idle';
      const next =
        step.next === undefined
          ? null
          : { blockId: step.next.block.id, targetName: step.next.block.targetName, at: step.next.at };
      this.#night.say(now, state, step.why, next);
    }
    // Whatever was done: decide again at the next block, a hold's end, the end of a stale plan's
    // grace, and at dawn (the safety rule then closes).
    if (this.#timer !== undefined) return;
    const dawn = currentNight(this.ctx.site, now).dark?.end;
    const wake = Math.min(
      step.kind === 'wait' ? (step.until ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY,
      ...this.#holdUntil.values(),
      waitForPlan ? graceEnd : Number.POSITIVE_INFINITY,
      dawn !== undefined && dawn > now ? dawn : Number.POSITIVE_INFINITY,
    );
    if (Number.isFinite(wake)) this.#timer = this.at(wake, () => this.schedule());
  }

  /** Unsafe: stop what runs, close and park; wake when it may change (the Sun below the limit). */
  async #unsafe(safety: Safety, now: number): Promise<void> {
    if (this.#running !== undefined) await this.#abortRunning(`unsafe: ${safety.reason}`);
    this.#ensureClosed(safety.reason);
    if (safety.cause === 'daylight') {
      const night = currentNight(this.ctx.site, now);
      const dark = night.dark?.start;
      if (dark !== undefined && dark > now) this.#timer = this.at(dark, () => this.schedule());
    }
    const closed = closedFor(this.ctx.site, now, safety);
    const state = safety.cause === 'daylight' ? 'day' : 'closed';
    this.#night.say(now, state, closed.why, null, closed.cause, closed.began);
  }

  /** When a block must be started: its start less the slew from the previous block's target. */
  #dueAt(blocks: readonly PlannedBlock[], i: number): number {
    const block = blocks[i] as PlannedBlock;
    return block.start - slewMs(blocks[i - 1]?.target, block.target, overheadsOf(this.ctx.settings));
  }

  /** How long the observation manager may take: see {@link observationManagerTimeoutMs}. */
  #omTimeoutMs(): number {
    return observationManagerTimeoutMs(this.ctx.settings, this.ctx.clock.speed, OM_TIMEOUT_MS);
  }

  async #startBlock(block: PlannedBlock): Promise<void> {
    const running: Running = { block };
    this.#running = running;
    this.#started.add(block.id);
    this.#dome.opening();
    const opening = `starting ${block.targetName}: the dome opens, the telescope slews`;
    this.#night.say(this.ctx.clock.now(), 'opening', opening, null);
    try {
      const reply = await Sender.request(
        AGENTS.observationManager,
        Msg.START_OBSERVATION,
        { block },
        { timeout: this.#omTimeoutMs() },
      );
      running.observationId = reply.observationId;
      this.log.info(`started ${block.targetName} (block ${block.id}, observation ${reply.observationId})`);
      this.#night.say(this.ctx.clock.now(), 'observing', `observing ${block.targetName}`, null);
    } catch (err) {
      const message = `could not start ${block.targetName}: ${(err as Error).message}; trying again later`;
      this.log.warn(message);
      this.#night.say(this.ctx.clock.now(), 'idle', message, null);
      if (this.#running === running) this.#running = undefined;
      this.#started.delete(block.id);
      this.#holdUntil.set(block.requestId, this.ctx.clock.now() + RETRY_MS);
      this.#timer = this.at(this.ctx.clock.now() + RETRY_MS, () => this.schedule());
    }
  }

  async #abortRunning(reason: string): Promise<void> {
    try {
      await Sender.request(
        AGENTS.observationManager,
        Msg.ABORT_OBSERVATION,
        { reason },
        { timeout: this.#omTimeoutMs() },
      );
    } catch (err) {
      this.log.warn(`abort: ${(err as Error).message}`);
    }
    this.#running = undefined;
  }

  #ensureClosed(reason: string): void {
    this.#retry?.cancel();
    this.#dome.close(reason);
  }

  #ended(observationId: number): Promise<void> {
    this.#lastEndAt = this.ctx.clock.now();
    const running = this.#running;
    if (
      running !== undefined &&
      (running.observationId === undefined || running.observationId === observationId)
    ) {
      this.#running = undefined;
    }
    return this.schedule();
  }
}

export default defineApp({
  name: Agent.MAJORDOME,
  async ready() {
    await new MajordomeAgent().start();
  },
});
