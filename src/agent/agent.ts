import { isMainThread } from 'node:worker_threads';
import { loadAgentConfig } from '../config/agent-config.js';
import type { AgentEndpoint } from '../config/agent-endpoint.js';
import { quoted } from '../logging/log-guard.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { Sender } from '../sender/sender.js';
import { AgentServer } from '../transport/agent-server.js';
import { ReplyStatus } from '../transport/frames.js';
import type { InboundMessage, MessageSink, Refusal, Responder } from '../transport/inbound.js';
import type { AgentOptions } from './agent-options.js';

export type { AgentOptions };

import { type AgentClock, WALL_CLOCK } from './agent-clock.js';
import { agentLifecycle, claimAgentSlot, releaseAgentSlot } from './agent-slot.js';
import { AgentCounters, type AgentStatus, agentStatus } from './agent-status.js';
import { AgentTimers, type TimerHandle } from './agent-timers.js';
import { BackgroundWork, guarded } from './background-work.js';
import type { MessageContract, PayloadOut, ReplyIn } from './contract.js';
import { Contracts } from './contracts.js';
import { runHandler } from './handler-run.js';
import { localInbound, localResponder } from './local-message.js';
import { Mailbox } from './mailbox.js';
import {
  type MessageHandler,
  MessageJob,
  type MessageMeta,
  Received,
  type ReceivedMessage,
  UnknownMessageError,
} from './message.js';
import { shutdownOnSignals } from './signal-shutdown.js';

/**
 * The seed's Agent: subclass it, register handlers in `actionsByMessage`, override `work()` and
 * `shutdown()` if needed, then `start()`. One agent per application (thread).
 *
 * @example
 * class Scheduler extends Agent {
 *   static readonly MSG_OBS_FINISHED = 'Observation finished';
 *   constructor() {
 *     super(Agent.SCHEDULER);
 *     this.actionsByMessage[Scheduler.MSG_OBS_FINISHED] = this.observationFinished;
 *   }
 *   observationFinished(payload: unknown) { this.log.info({ payload }, 'replanning'); }
 * }
 * new Scheduler().start();
 */
export abstract class Agent implements MessageSink {
  static readonly ALERT_MANAGER = 'alert_manager';
  static readonly SCHEDULER = 'scheduler';
  static readonly MAJORDOME = 'majordome';
  static readonly OBSERVATION_MANAGER = 'observation_manager';
  static readonly MONITORING = 'monitoring';
  static readonly ANALYZER = 'analyzer';
  /** Stops the agent: shutdown() runs, then timers, background work and the port are closed. */
  static readonly SHUTDOWN = 'SHUTDOWN';
  /** Built-in: answers `{ pong: true, agent, time }` at once, without queueing. */
  static readonly PING = 'PING';
  /** Built-in: answers the agent's {@link AgentStatus} at once, without queueing. */
  static readonly STATUS = 'STATUS';

  /**
   * Message name → handler, as the seed's `actions_by_message`. It has no prototype and names are
   * looked up as own keys only: `constructor` or `__proto__` is an unknown message, not a method.
   */
  readonly actionsByMessage: Record<string, MessageHandler> = Object.create(null);
  /** The declared contracts of the handlers registered with {@link onMessage}. */
  readonly #contracts = new Contracts();
  /** This agent's logger; every line names the agent. */
  protected readonly log: Logger;
  private readonly counters = new AgentCounters();
  private readonly background = new BackgroundWork();
  private readonly timers: AgentTimers;
  private mailbox: Mailbox | undefined;
  private server: AgentServer | undefined;
  private endpointInfo: AgentEndpoint | undefined;
  private startedAt = 0;
  private closing = false;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private removeSignalHandlers: (() => void) | undefined;
  private resolveStopped!: () => void;
  /** Resolves once the agent has shut down and closed its port. */
  readonly stopped: Promise<void> = new Promise((r) => {
    this.resolveStopped = r;
  });

  constructor(
    readonly name: string,
    private readonly options: AgentOptions = {},
  ) {
    this.log = createLogger(name);
    this.timers = new AgentTimers(options.clock ?? WALL_CLOCK, (kind, fn) => this.queueLocal(kind, fn));
  }

  /** The time this agent's timers run on (`options.clock`, else the wall clock). */
  protected get clock(): AgentClock {
    return this.timers.clock;
  }

  /**
   * Registers the handler of a declared message: the payload it gets has passed the contract's
   * schema (a payload that does not is refused before it, with a reason naming the field), and
   * what it returns is typed as the contract's reply.
   */
  protected onMessage<C extends MessageContract>(
    contract: C,
    handler: (payload: PayloadOut<C>, meta: MessageMeta) => ReplyIn<C> | Promise<ReplyIn<C>>,
  ): void {
    this.#contracts.register(contract);
    this.actionsByMessage[contract.name] = handler as MessageHandler;
  }

  /** The seed's entry method: runs first, before any message is handled. Must not loop forever. */
  protected work(): void | Promise<void> {}

  /** Called on SHUTDOWN (or SIGINT/SIGTERM) before timers and the port are closed. */
  protected shutdown(): void | Promise<void> {}

  /** The endpoint this agent listens on (after start). */
  get endpoint(): AgentEndpoint | undefined {
    return this.endpointInfo;
  }

  /** The bound port (after start). */
  get port(): number | undefined {
    return this.server?.port;
  }

  /**
   * Binds the agent's port, runs work(), then handles messages in arrival order. Messages that arrive
   * during work() wait. Resolves when work() is done; throws if another agent runs in this thread.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`agent "${this.name}" was already started`);
    try {
      claimAgentSlot(this.name);
    } catch (err) {
      // As when the port cannot be bound: this agent will not run, so whoever awaits `stopped` is released.
      this.state = 'stopped';
      this.resolveStopped();
      throw err;
    }
    try {
      const endpoint = loadAgentConfig(this.options.config).endpoint(this.name);
      this.endpointInfo = endpoint;
      this.mailbox = new Mailbox(endpoint.concurrency, (full) => this.server?.setReading(!full));
      this.server = AgentServer.forEndpoint(endpoint, this, this.log, this.options.server);
      await this.server.listen();
    } catch (err) {
      releaseAgentSlot(this.name);
      this.state = 'stopped';
      this.resolveStopped();
      throw err;
    }
    this.state = 'running';
    this.startedAt = Date.now();
    Sender.configure({ from: this.name });
    if (this.options.handleSignals ?? isMainThread) {
      this.removeSignalHandlers = shutdownOnSignals({
        log: this.log,
        graceMs: this.options.shutdownGraceMs ?? 10_000,
        shutdown: (signal) => {
          if (this.closing) return false;
          this.requestShutdown(signal);
          return true;
        },
      });
    }
    this.log.info(`listening on ${this.endpointInfo?.ip}:${this.server.port}`);
    agentLifecycle.emit('started', {
      name: this.name,
      port: this.server.port,
      requestShutdown: (reason) => this.requestShutdown(reason),
    });
    try {
      await this.work();
    } catch (err) {
      this.log.error({ err }, `work() failed: ${(err as Error).message}`);
      this.requestShutdown('work() failed');
      // The shutdown job waits in the mailbox like any message: the mailbox must run for it to happen.
      this.mailbox?.open();
      await this.stopped;
      throw err;
    }
    this.mailbox?.open();
  }

  /** MessageSink: called by the transport for every message it accepts. */
  deliver(msg: InboundMessage, respond: Responder | undefined): Refusal | undefined {
    if (msg.message === Agent.PING) {
      respond?.({
        status: ReplyStatus.OK,
        value: { pong: true, agent: this.name, time: new Date().toISOString() },
      });
      return undefined;
    }
    if (msg.message === Agent.STATUS) {
      respond?.({ status: ReplyStatus.OK, value: this.status() });
      return undefined;
    }
    if (this.closing) return `agent "${this.name}" is shutting down`;
    if (msg.message === Agent.SHUTDOWN) {
      this.counters.received++;
      this.log.info(`SHUTDOWN from ${quoted(msg.from)}`);
      this.queueShutdown(respond);
      return undefined;
    }
    const admitted = this.#contracts.admit(msg);
    if (!('message' in admitted)) {
      this.counters.invalid++;
      this.log.warn(`refused ${quoted(msg.message)} from ${quoted(msg.from)}: ${admitted.reason}`);
      return admitted;
    }
    this.counters.received++;
    if (this.#contracts.isQuery(admitted.message) && this.mailbox?.isOpen) {
      // A query changes nothing: answered now, whatever the mailbox is busy with (but after
      // work(), as every message: before, the agent has not yet learnt what it answers with).
      this.handle(admitted, respond);
      return undefined;
    }
    this.mailbox?.push(new MessageJob(this.handle, admitted, respond));
    return undefined;
  }

  /**
   * Hands the agent a message of its own (a VTP event, say) through its mailbox, exactly as one
   * from the network: validated, logged, one at a time with the handlers. Resolves with the
   * handler's value; rejects with the Sender's error types (InvalidPayloadError, RejectedError,
   * RemoteError).
   */
  protected handleLocally(message: string, payload?: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const respond = localResponder(this.name, message, resolve, reject);
      const refused = this.deliver(localInbound(this.name, message, payload), respond);
      if (refused !== undefined) respond.refused(refused);
    });
  }

  /** Runs one message through analyzeMessage; bound once, so that a queued message costs one object. */
  private readonly handle = (msg: InboundMessage, respond: Responder | undefined): unknown =>
    runHandler(() => this.analyzeMessage(new Received(msg)), this.counters, this.log, msg, respond);

  /**
   * The seed's analyze_message: finds the handler for a message and calls it with `this` bound to
   * the agent. Override to route differently; throw UnknownMessageError for what you do not handle.
   */
  protected analyzeMessage(received: ReceivedMessage): unknown {
    const handler = Object.hasOwn(this.actionsByMessage, received.message)
      ? this.actionsByMessage[received.message]
      : undefined;
    if (typeof handler !== 'function') throw new UnknownMessageError(this.name, received.message);
    return handler.call(this, received.payload, received.meta);
  }

  /** Counters and uptime, as the built-in STATUS message answers them. */
  status(): AgentStatus {
    return agentStatus(this.name, this.startedAt, this.counters, {
      queued: this.mailbox?.length ?? 0,
      connections: this.server?.connectionCount ?? 0,
      rejectedConnections: this.server?.rejected ?? 0,
    });
  }

  /** Shuts the agent down as if it had received SHUTDOWN: what is already queued is handled first. */
  requestShutdown(reason = 'requested'): void {
    if (this.closing || this.state !== 'running') return;
    this.log.info(`shutting down (${reason})`);
    this.queueShutdown(undefined);
  }

  private queueShutdown(respond: Responder | undefined): void {
    this.closing = true;
    this.mailbox?.push({ barrier: true, run: () => this.stop(respond) });
    // A SHUTDOWN during work() still waits for work() to end, as the seed's receive loop would.
  }

  private async stop(respond: Responder | undefined): Promise<void> {
    try {
      await this.shutdown();
    } catch (err) {
      this.log.error({ err }, `shutdown() failed: ${(err as Error).message}`);
    }
    respond?.({ status: ReplyStatus.OK, value: { stopped: this.name } });
    this.timers.stop();
    await this.background.stop(2000);
    this.removeSignalHandlers?.();
    await this.server?.close();
    Sender.closeAll();
    this.state = 'stopped';
    releaseAgentSlot(this.name);
    this.log.info('stopped');
    agentLifecycle.emit('stopped', this.name);
    this.resolveStopped();
  }

  /**
   * Runs `tick` every `ms` of the agent's clock, through the mailbox (so never at the same time as
   * a handler), until shutdown. The next tick is armed once one has run.
   */
  protected every(ms: number, tick: () => unknown): TimerHandle {
    return this.timers.every(ms, tick);
  }

  /** Runs `fire` once after `ms` of the agent's clock, through the mailbox, unless the agent shuts down first. */
  protected after(ms: number, fire: () => unknown): TimerHandle {
    return this.timers.after(ms, fire);
  }

  /** Runs `fire` once the agent's clock reads `time` (ms since the epoch), through the mailbox. */
  protected at(time: number, fire: () => unknown): TimerHandle {
    return this.timers.at(time, fire);
  }

  /**
   * Queues a timer's callback, unless the agent is shutting down: the timers are cleared only once
   * shutdown() has returned, and a callback queued meanwhile would run after it, on a stopped agent.
   */
  private queueLocal(kind: string, fn: () => unknown): void {
    if (this.closing) return;
    this.mailbox?.push({
      run: () =>
        guarded(fn.bind(this), (err) =>
          this.log.error({ err }, `${kind} callback failed: ${(err as Error)?.message}`),
        ),
    });
  }

  /** Runs a background task outside the mailbox; it should stop when `this.signal` aborts. Shutdown awaits it (2 s at most). */
  protected runInBackground(task: (signal: AbortSignal) => Promise<unknown>): void {
    this.background.track(
      task(this.background.signal).catch((err: Error) =>
        this.log.error({ err }, `background task failed: ${err.message}`),
      ),
    );
  }

  /** Aborted when the agent shuts down. */
  protected get signal(): AbortSignal {
    return this.background.signal;
  }
}
