import { Agent } from '../../agent/agent.js';
import { defineApp } from '../../host/app.js';
import { Sender } from '../../sender/sender.js';
import { Msg } from '../messages.js';
import type { ObservatoryContext } from '../observatory-context.js';
import type { PlannedBlock } from '../scheduler/request.js';
import { ObservatoryAgent } from './observatory-agent.js';

/** How long to wait before trying again when the observation manager could not be reached. */
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
  /** Blocks started in this plan version, so that a block is not started twice. */
  #started = new Set<string>();

  constructor(ctx?: ObservatoryContext) {
    super(Agent.MAJORDOME, ctx);
    this.actionsByMessage[Msg.PLAN_UPDATED] = () => this.schedule();
    this.actionsByMessage[Msg.OBS_FINISHED] = (p: { observationId?: number }) => this.ended(p);
    this.actionsByMessage[Msg.OBS_FAILED] = (p: { observationId?: number }) => this.ended(p);
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

  /** Looks at the plan and the clock: start, preempt, or wait for the next block. */
  async schedule(): Promise<void> {
    this.#timer?.();
    this.#timer = undefined;
    if (this.#paused || !this.#weatherOk) return;
    const now = this.ctx.clock.now();
    const blocks = this.ctx.plan.blocks().filter((b) => b.end > now);
    const running = this.#running;
    const dueNow = blocks.filter((b) => b.start <= now && !this.#started.has(b.id));
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
      const next = blocks.find((b) => b.start > now && b.kind === 'alert');
      if (next !== undefined) this.#timer = this.atTime(next.start, () => this.schedule());
      return;
    }
    const first = dueNow[0] ?? blocks.find((b) => !this.#started.has(b.id));
    if (first === undefined) return;
    if (first.start <= now) {
      await this.startBlock(first);
      return;
    }
    this.#timer = this.atTime(first.start, () => this.schedule());
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

  private ended(p: { observationId?: number } | undefined): Promise<void> {
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
    return super.shutdown();
  }
}

export default defineApp({
  name: Agent.MAJORDOME,
  async ready() {
    await new MajordomeAgent().start();
  },
});
