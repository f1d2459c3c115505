import { join } from 'node:path';
import { Agent } from '../../agent/agent.js';
import type { TimerHandle } from '../../agent/agent-timers.js';
import { checkSchema, type MessageContract, type PayloadIn } from '../../agent/contract.js';
import type { ReceivedMessage } from '../../agent/message.js';
import { loadAgentConfig } from '../../config/agent-config.js';
import { Sender } from '../../sender/sender.js';
import { AGENTS } from '../contracts/agents.js';
import { MESSAGES } from '../contracts/common-messages.js';
import { WEATHER, WEATHER_VERDICT } from '../contracts/execution-messages.js';
import { QUERIES } from '../messages.js';
import { dataDirOf, type ObservatoryContext, observatoryContext } from '../observatory-context.js';
import type { Safety } from '../safety/safety-rule.js';
import { SafetyWatch } from '../safety/safety-watch.js';
import { AgentStore } from '../store/agent-store.js';
import type { StoreSchema } from '../store/store-db.js';
import { Courier } from './courier.js';

/**
 * An observatory agent: an Agent on the observatory's clock (its timers count observatory time and
 * run through its mailbox), with its own store in its own data folder, its message log, and an
 * outbox for what it must tell others.
 *
 * - `post()` puts a message in the outbox, in the same transaction as the change it reports; the
 *   courier delivers it (with retries, across restarts) and removes it once handled.
 * - `publish()` sends an event that is only worth its freshness (the weather verdict): to every
 *   recipient of the contract that is in the config, best effort.
 */
export abstract class ObservatoryAgent extends Agent {
  protected readonly ctx: ObservatoryContext;
  /** This agent's own store; no other agent opens it. */
  protected readonly store: AgentStore;
  /** This agent's data folder (its store, its files). */
  protected readonly dataDir: string;
  protected readonly courier: Courier;
  /** Recipients a publish() could not reach, so that a peer that stays down is said once. */
  readonly #unreachable = new Set<string>();

  constructor(name: string, schema?: StoreSchema, ctx?: ObservatoryContext) {
    const context = ctx ?? observatoryContext();
    super(name, { clock: context.clock });
    this.ctx = context;
    this.dataDir = dataDirOf(context, name);
    this.store = AgentStore.open(join(this.dataDir, `${name}.db`), schema);
    this.courier = new Courier(this.store.outbox, this.log, () => this.ctx.clock.now());
    this.onMessage(MESSAGES, ({ limit }) => {
      this.store.messages.flush();
      return { messages: this.store.messages.latest(limit) };
    });
  }

  override async start(): Promise<void> {
    await super.start();
    this.#started = true;
    this.courier.start();
  }

  /** Whether work() is done and the mailbox open. */
  #started = false;

  /**
   * Records each message in this agent's message log (the dashboard's), then dispatches it.
   * Queries, which change nothing and come every second, are not recorded.
   */
  protected override analyzeMessage(received: ReceivedMessage): unknown {
    if (!QUERIES.has(received.message)) {
      try {
        this.store.messages.record({
          time: this.ctx.clock.now(),
          from: received.meta.sender,
          to: this.name,
          message: received.message,
        });
      } catch (err) {
        // The log is for watching: a full disk must not stop the agent's work.
        this.log.warn(`message log: ${(err as Error).message}`);
      }
    }
    return super.analyzeMessage(received);
  }

  /**
   * Puts `contract`'s message for `to` (default: every recipient the contract names) in the outbox.
   * Call it inside `this.store.transaction(…)` with the change it reports. With `key`, an
   * undelivered message of the same key is replaced (only the newest plan matters).
   */
  protected post<C extends MessageContract>(
    contract: C,
    payload: PayloadIn<C>,
    options: { to?: string | readonly string[]; key?: string } = {},
  ): void {
    const checked = checkSchema(contract.payload, payload);
    if (!checked.ok) throw new Error(`post "${contract.name}": ${checked.reason}`);
    const to =
      options.to === undefined ? contract.to : typeof options.to === 'string' ? [options.to] : options.to;
    const now = this.ctx.clock.now();
    // The checked value: what the contract allows, nothing more, travels.
    for (const recipient of to)
      this.store.outbox.post(recipient, contract.name, checked.value, now, options.key);
    queueMicrotask(() => this.courier.kick());
  }

  /**
   * Sends an event to each of the contract's recipients that the config names (others are simply
   * not there: a deployment without a dashboard, say). Best effort: failures are logged once per
   * recipient until it answers again.
   */
  protected publish<C extends MessageContract>(contract: C, payload: PayloadIn<C>): Promise<void> {
    const config = loadAgentConfig();
    const known = new Set(config.names());
    return Promise.all(
      contract.to
        .filter((agent) => known.has(agent) && agent !== this.name)
        .map((agent) =>
          Sender.sendTo(agent, contract, payload, { timeout: 5000 }).then(
            () => {
              if (this.#unreachable.delete(agent)) this.log.info(`${agent} hears "${contract.name}" again`);
            },
            (err: Error) => {
              if (this.#unreachable.has(agent)) return;
              this.#unreachable.add(agent);
              this.log.warn(`could not send "${contract.name}" to ${agent}: ${err.message.split('\n')[0]}`);
            },
          ),
        ),
    ).then(() => undefined);
  }

  /**
   * Follows monitoring's weather verdict for the safety rule: each `Weather verdict` updates the
   * watch and calls `onChange`; so does the verdict's expiry (silence is unsafe). Before it
   * expires, monitoring is asked again (a lost event is not a closed dome). `refreshVerdict()`
   * asks at once (an agent does it in work(), before acting).
   */
  protected watchWeather(onChange: (safety: Safety) => unknown): SafetyWatch {
    const watch = new SafetyWatch(this.ctx.site);
    let expiry: TimerHandle | undefined;
    let refresh: TimerHandle | undefined;
    const arm = (): void => {
      expiry?.cancel();
      refresh?.cancel();
      const at = watch.expiresAt();
      const early = watch.refreshAt();
      if (early !== undefined) refresh = this.at(early, () => void this.#askVerdict());
      if (at !== undefined) expiry = this.at(at + 1, () => onChange(watch.assess(this.ctx.clock.now())));
    };
    this.#armWatch = arm;
    this.onMessage(WEATHER_VERDICT, async (verdict) => {
      if (!watch.update(verdict)) return;
      arm();
      await onChange(watch.assess(this.ctx.clock.now()));
    });
    this.#watch = watch;
    return watch;
  }

  #watch: SafetyWatch | undefined;
  #armWatch: (() => void) | undefined;

  /**
   * Asks monitoring for its verdict (bounded by `timeoutMs`) and hands it to this agent as a
   * `Weather verdict` through its mailbox. Resolves whether or not monitoring answered.
   */
  protected async refreshVerdict(timeoutMs = 2000): Promise<void> {
    await this.#askVerdict(timeoutMs);
  }

  async #askVerdict(timeoutMs = 2000): Promise<void> {
    if (this.#watch === undefined) return;
    try {
      const { verdict } = await Sender.request(AGENTS.monitoring, WEATHER, undefined, { timeout: timeoutMs });
      if (this.#started) {
        await this.handleLocally(WEATHER_VERDICT.name, verdict);
      } else if (this.#watch.update(verdict)) {
        // In work(): the mailbox is not open yet, and work() is the only thing running.
        this.#armWatch?.();
      }
    } catch (err) {
      this.log.warn(`no weather verdict from monitoring: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  /** Stops the courier and closes the store: subclasses call it last, after their own shutdown. */
  protected override shutdown(): void | Promise<void> {
    this.courier.stop();
    this.store.close();
  }
}
