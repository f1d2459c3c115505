import { Agent } from '../../agent/agent.js';
import { defineApp } from '../../host/app.js';
import { Sender } from '../../sender/sender.js';
import { Msg } from '../messages.js';
import type { ObservatoryContext } from '../observatory-context.js';
import { slewMs } from '../scheduler/overheads.js';
import type { PlannedBlock } from '../scheduler/request.js';
import { ObservatoryAgent } from './observatory-agent.js';
import { overheadsOf } from './overheads-of.js';

/** How long (observatory time) before trying again: an unreachable observation manager, or a request whose observation failed. */
const RETRY_MS = 30_000;

interface Running {
  readonly block: PlannedBlock;
  observationId?: number;
}

/**
 * Executes the plan on time: starts each block when its time comes, preempts the running block
 * when an alert's block outranks it, stops and closes on bad weather, resumes on good weather,
 * and pauses or resumes on the operator's word.
 */
export class MajordomeAgent extends ObservatoryAgent {
  #paused = false;
  #weatherOk = true;
  #running: Running | undefined;
  #timer: (() => void) | undefined;
  #retry: (() => void) | undefined;
  /** Blocks started in this plan version, so that a block is not started twice. */
  #started = new Set<string>();
  #scheduling: Promise<void> = Promise.resolve();
  /** Requests whose observation just failed, held back until then, so a failure cannot loop. */
  readonly #holdUntil = new Map<string, number>();

  constructor(ctx?: ObservatoryContext) {
    super(Agent.MAJORDOME, ctx);
    this.actionsByMessage[Msg.PLAN_UPDATED] = () => this.schedule();
    this.actionsByMessage[Msg.OBS_FINISHED] = (p: { observationId?: number }) => this.ended(p);
    this.actionsByMessage[Msg.OBS_FAILED] = (p: {
      observationId?: number;
      requestId?: string;
      aborted?: boolean;
      reason?: string;
    }) => this.ended(p);
    this.actionsByMessage[Msg.BAD_WEATHER] = () => this.badWeather();
    this.actionsByMessage[Msg.GOOD_WEATHER] = () => {
      this.#weatherOk = true;
      this.log.info('good weather: resuming the plan');
      return this.schedule();
    };
    this.actionsByMessage[Msg.PAUSE] = () => {
      this.#paused = true;
      this.log.info('paused by the operator: the running block ends, no new one starts');
      return this.executionState();
    };
    this.actionsByMessage[Msg.RESUME] = () => {
      this.#paused = false;
      this.log.info('resumed by the operator');
      return this.schedule().then(() => this.executionState());
    };
  }

  protected override work(): Promise<void> {
    return this.schedule();
  }

  /** What the majordome is doing, for the dashboard and tests. */
  executionState(): { paused: boolean; weatherOk: boolean; running: string | null } {
    return { paused: this.#paused, weatherOk: this.#weatherOk, running: this.#running?.block.id ?? null };
  }

  /**
   * Looks at the plan and the clock: start, preempt, or wait for the next block. Calls are run one
   * after the other (messages and timers both call it), so two never start the same block.
   */
  schedule(): Promise<void> {
    const next = this.#scheduling.then(() => this.scheduleNow());
    this.#scheduling = next.catch((err: Error) => this.log.error({ err }, `schedule: ${err.message}`));
    return next;
  }

  /**
   * When a block must be started: its planned start less the slew and settling the planner put
   * before it (from the previous block's target), so that it is on target at its start.
   */
  #dueAt(blocks: readonly PlannedBlock[], i: number): number {
    const block = blocks[i] as PlannedBlock;
    return block.start - slewMs(blocks[i - 1]?.target, block.target, overheadsOf(this.ctx.settings));
  }

  #isOpen(requestId: string): boolean {
    const state = this.ctx.requests.get(requestId)?.state;
    return state === 'pending' || state === 'scheduled';
  }

  private async scheduleNow(): Promise<void> {
    this.#timer?.();
    this.#timer = undefined;
    this.#retry?.();
    this.#retry = undefined;
    if (this.#paused || !this.#weatherOk) return;
    const now = this.ctx.clock.now();
    for (const [request, until] of this.#holdUntil) if (until <= now) this.#holdUntil.delete(request);
    // Only blocks whose request is still open: a plan made while a request was being started, or
    // before it was cancelled, may still hold it.
    const blocks = this.ctx.plan
      .blocks()
      .filter((b) => b.end > now && !this.#holdUntil.has(b.requestId) && this.#isOpen(b.requestId));
    const hold = Math.min(...this.#holdUntil.values());
    if (Number.isFinite(hold)) this.#retry = this.atTime(hold, () => this.schedule());
    const due = blocks.map((_, i) => this.#dueAt(blocks, i));
    const running = this.#running;
    const dueNow = blocks.filter((b, i) => (due[i] as number) <= now && !this.#started.has(b.id));
    if (running !== undefined) {
      const outranking = dueNow.find(
        (b) =>
          b.kind === 'alert' &&
          b.priority > running.block.priority &&
          b.requestId !== running.block.requestId &&
          this.ctx.settings.majordome.preempt,
      );
      if (outranking !== undefined) {
        this.log.info(`preempting ${running.block.targetName} for alert ${outranking.targetName}`);
        await this.abortRunning(`preempted by alert ${outranking.targetName}`);
        await this.startBlock(outranking);
        return;
      }
      const i = blocks.findIndex((b, k) => b.kind === 'alert' && (due[k] as number) > now);
      if (i >= 0) this.#timer = this.atTime(due[i] as number, () => this.schedule());
      return;
    }
    const first = dueNow[0];
    if (first !== undefined) {
      await this.startBlock(first);
      return;
    }
    const i = blocks.findIndex((b) => !this.#started.has(b.id));
    if (i >= 0) this.#timer = this.atTime(due[i] as number, () => this.schedule());
  }

  private async startBlock(block: PlannedBlock): Promise<void> {
    const running: Running = { block };
    this.#running = running;
    this.#started.add(block.id);
    try {
      const reply = await Sender.request<{ observationId: number }>(
        Agent.OBSERVATION_MANAGER,
        Msg.START_OBSERVATION,
        { block },
      );
      running.observationId = reply.observationId;
      this.log.info(`started ${block.targetName} (block ${block.id}, observation ${reply.observationId})`);
    } catch (err) {
      this.log.warn(`could not start ${block.targetName}: ${(err as Error).message}; trying again later`);
      this.#running = undefined;
      this.#started.delete(block.id);
      this.#timer = this.atTime(this.ctx.clock.now() + RETRY_MS, () => this.schedule());
    }
  }

  private async abortRunning(reason: string): Promise<void> {
    try {
      await Sender.request(Agent.OBSERVATION_MANAGER, Msg.ABORT_OBSERVATION, { reason });
    } catch (err) {
      this.log.warn(`abort: ${(err as Error).message}`);
    }
    this.#running = undefined;
  }

  private ended(
    p: { observationId?: number; requestId?: string; aborted?: boolean; reason?: string } | undefined,
  ): Promise<void> {
    if (p?.reason !== undefined && p.aborted === false && p.requestId !== undefined) {
      this.#holdUntil.set(p.requestId, this.ctx.clock.now() + RETRY_MS);
    }
    const running = this.#running;
    if (
      running !== undefined &&
      (running.observationId === undefined || running.observationId === p?.observationId)
    ) {
      this.#running = undefined;
    }
    return this.schedule();
  }

  private async badWeather(): Promise<void> {
    this.#weatherOk = false;
    this.#timer?.();
    this.#timer = undefined;
    this.log.info('bad weather: stopping and closing the dome');
    try {
      await Sender.request(Agent.OBSERVATION_MANAGER, Msg.CLOSE_DOME, { reason: 'bad weather' });
    } catch (err) {
      this.log.warn(`close dome: ${(err as Error).message}`);
    }
    this.#running = undefined;
  }

  protected override shutdown(): void | Promise<void> {
    this.#timer?.();
    this.#retry?.();
    return super.shutdown();
  }
}

export default defineApp({
  name: Agent.MAJORDOME,
  async ready() {
    await new MajordomeAgent().start();
  },
});
