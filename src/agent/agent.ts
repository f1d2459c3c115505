import { isMainThread } from 'node:worker_threads';
import { loadAgentConfig } from '../config/agent-config.js';
import type { AgentEndpoint } from '../config/agent-endpoint.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { Sender } from '../sender/sender.js';
import { AgentServer } from '../transport/agent-server.js';
import { ReplyStatus } from '../transport/frames.js';
import type { InboundMessage, MessageSink, Responder } from '../transport/inbound.js';
import type { AgentOptions } from './agent-options.js';

export type { AgentOptions };

import { agentLifecycle, claimAgentSlot, releaseAgentSlot } from './agent-slot.js';
import { AgentCounters, type AgentStatus, agentStatus } from './agent-status.js';
import { BackgroundWork, guarded, type TimerHandle } from './background-work.js';
import { Mailbox } from './mailbox.js';
import {
  type MessageHandler,
  MessageJob,
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

  /** Message name → handler, as the seed's `actions_by_message`. */
  readonly actionsByMessage: Record<string, MessageHandler> = {};
  /** This agent's logger; every line names the agent. */
  protected readonly log: Logger;
  private readonly counters = new AgentCounters();
  private readonly background = new BackgroundWork();
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
  deliver(msg: InboundMessage, respond: Responder | undefined): string | undefined {
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
    this.counters.received++;
    if (msg.message === Agent.SHUTDOWN) {
      this.log.info(`SHUTDOWN from ${msg.from}`);
      this.queueShutdown(respond);
      return undefined;
    }
    this.mailbox?.push(new MessageJob(this.handle, msg, respond));
    return undefined;
  }

  /** Runs one message through analyzeMessage; bound once, so that a queued message costs one object. */
  private readonly handle = (msg: InboundMessage, respond: Responder | undefined): unknown => {
    let result: unknown;
    try {
      result = this.analyzeMessage(new Received(msg));
    } catch (err) {
      return this.failed(msg, err, respond);
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => this.handled(value, respond),
        (err) => this.failed(msg, err, respond),
      );
    }
    this.handled(result, respond);
    return undefined;
  };

  /**
   * The seed's analyze_message: finds the handler for a message and calls it with `this` bound to
   * the agent. Override to route differently; throw UnknownMessageError for what you do not handle.
   */
  protected analyzeMessage(received: ReceivedMessage): unknown {
    const handler = this.actionsByMessage[received.message];
    if (handler === undefined) throw new UnknownMessageError(this.name, received.message);
    return handler.call(this, received.payload, received.meta);
  }

  private handled(value: unknown, respond: Responder | undefined): void {
    this.counters.handled++;
    respond?.({ status: ReplyStatus.OK, value });
  }

  private failed(msg: InboundMessage, err: unknown, respond: Responder | undefined): void {
    const e = err instanceof Error ? err : new Error(String(err));
    if (e instanceof UnknownMessageError) {
      this.counters.unknown++;
      this.log.warn(`unknown message "${msg.message}" from ${msg.from}`);
      respond?.({ status: ReplyStatus.UNKNOWN_MESSAGE, value: { name: e.name, message: e.message } });
      return;
    }
    this.counters.failed++;
    this.log.error({ err: e }, `handler for "${msg.message}" from ${msg.from} failed: ${e.message}`);
    respond?.({
      status: ReplyStatus.HANDLER_ERROR,
      value: { name: e.name, message: e.message, stack: e.stack },
    });
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

  /** Runs `tick` every `ms` milliseconds, through the mailbox (so never at the same time as a handler), until shutdown. */
  protected every(ms: number, tick: () => unknown): TimerHandle {
    return this.background.every(ms, () => this.queueLocal('every', tick));
  }

  /** Runs `fire` once after `ms` milliseconds, through the mailbox, unless the agent shuts down first. */
  protected after(ms: number, fire: () => unknown): TimerHandle {
    return this.background.after(ms, () => this.queueLocal('after', fire));
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
