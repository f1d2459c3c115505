import { checkSchema, type MessageContract, type PayloadIn, type ReplyOut } from '../agent/contract.js';
import { type AgentConfig, loadAgentConfig } from '../config/agent-config.js';
import type { AgentEndpoint } from '../config/agent-endpoint.js';
import { sendText, type TextSendError } from '../transport/text-client.js';
import { InvalidMessageError, InvalidPayloadError, SendTimeoutError, UnreachableError } from './errors.js';
import { DEFAULT_RETRY, retryDelayMs, retryWording } from './link-policy.js';
import { PeerLink, type RetryPolicy } from './peer-link.js';

/** Per-call options of {@link Sender.sendTo}. */
export interface SendOptions {
  /** Milliseconds to wait for acceptance (sendTo) or the reply (request). Default 10 000. */
  readonly timeout?: number;
  /** The config to look the agent up in: a loaded config, or a path used when neither PYROS_AGENT_CONFIG nor ./pyros_agent_config.ini exists. */
  readonly config?: AgentConfig | string;
}

/** Process-wide (thread-wide) defaults of Sender. */
export interface SenderDefaults {
  /** Name this thread's messages go out with; an agent sets it to its own name when it starts. */
  from?: string;
  /** Fallback config path, as in SendOptions. */
  config?: string;
  timeout?: number;
  retry?: Partial<RetryPolicy>;
}

/**
 * Sends messages to agents by name, as the seed's `Sender.send_to`: static, no instance. Agents are
 * looked up in pyros_agent_config.ini; framed peers share one persistent, pipelined connection each.
 *
 * @example
 * await Sender.sendTo(Agent.SCHEDULER, 'Observation finished', { id: 42 });
 * const status = await Sender.request('scheduler', 'STATUS');
 */
export class Sender {
  private static readonly defaults: Required<Omit<SenderDefaults, 'config' | 'retry'>> & {
    config?: string;
    retry: RetryPolicy;
  } = { from: `pyros:${process.pid}`, timeout: 10_000, retry: DEFAULT_RETRY };
  private static readonly links = new Map<string, PeerLink>();
  private static linkByEndpoint = new WeakMap<AgentEndpoint, PeerLink>();
  private static tickConfig: AgentConfig | undefined;

  private constructor() {}

  /** Changes this thread's defaults (from name, config path, timeout, retries). */
  static configure(defaults: SenderDefaults): void {
    const d = Sender.defaults;
    if (defaults.from !== undefined) d.from = defaults.from;
    if (defaults.config !== undefined) d.config = defaults.config;
    if (defaults.timeout !== undefined) d.timeout = defaults.timeout;
    if (defaults.retry !== undefined) d.retry = { ...d.retry, ...defaults.retry };
    Sender.tickConfig = undefined;
  }

  /** The name messages from this thread carry. */
  static get from(): string {
    return Sender.defaults.from;
  }

  /**
   * Sends `message` (with an optional JSON payload) to the agent named `agent`. Resolves once the
   * agent has accepted it into its mailbox; rejects with UnknownAgentError, UnreachableError,
   * SendTimeoutError, RefusedError, RejectedError or InvalidMessageError.
   */
  static sendTo<C extends MessageContract>(
    agent: string,
    contract: C,
    payload: PayloadIn<C>,
    options?: SendOptions,
  ): Promise<void>;
  static sendTo(agent: string, message: string, payload?: unknown, options?: SendOptions): Promise<void>;
  static sendTo(
    agent: string,
    what: string | MessageContract,
    payload?: unknown,
    options?: SendOptions,
  ): Promise<void> {
    // Not async: one promise and one tick less per message, which shows at hundreds of thousands a second.
    try {
      const message = typeof what === 'string' ? what : Sender.checked(agent, what, payload);
      const endpoint = Sender.endpoint(agent, options);
      const timeout = options?.timeout ?? Sender.defaults.timeout;
      if (endpoint.protocol === 'text') {
        if (payload !== undefined) {
          throw new InvalidMessageError(
            agent,
            message,
            'the text protocol carries the message text only, not a payload',
          );
        }
        return Sender.sendText(endpoint, message, timeout);
      }
      const json = Sender.json(agent, message, payload, endpoint);
      return Sender.link(endpoint).send(Sender.defaults.from, message, json, false, timeout) as Promise<void>;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Sends a declared message and resolves with its handler's reply, checked against the contract
   * (a payload or a reply of the wrong shape is an InvalidPayloadError naming the field).
   */
  static request<C extends MessageContract>(
    agent: string,
    contract: C,
    payload: PayloadIn<C>,
    options?: SendOptions,
  ): Promise<ReplyOut<C>>;
  /** Sends a message and resolves with the value its handler returned (framed peers only). */
  static request<T = unknown>(
    agent: string,
    message: string,
    payload?: unknown,
    options?: SendOptions,
  ): Promise<T>;
  static request(
    agent: string,
    what: string | MessageContract,
    payload?: unknown,
    options?: SendOptions,
  ): Promise<unknown> {
    if (typeof what !== 'string') {
      try {
        Sender.checked(agent, what, payload);
      } catch (err) {
        return Promise.reject(err);
      }
      return Sender.request(agent, what.name, payload, options).then((reply) => {
        const checked = checkSchema(what.reply, reply);
        if (!checked.ok) throw new InvalidPayloadError(agent, what.name, `reply: ${checked.reason}`, 'reply');
        return checked.value;
      });
    }
    const message = what;
    try {
      const endpoint = Sender.endpoint(agent, options);
      if (endpoint.protocol === 'text') {
        throw new InvalidMessageError(agent, message, 'the text protocol has no replies; use sendTo');
      }
      const timeout = options?.timeout ?? Sender.defaults.timeout;
      const json = Sender.json(agent, message, payload, endpoint);
      return Sender.link(endpoint).send(Sender.defaults.from, message, json, true, timeout);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** The contract's name, once `payload` is known to match it (an InvalidPayloadError otherwise, nothing sent). */
  private static checked(agent: string, contract: MessageContract, payload: unknown): string {
    const checked = checkSchema(contract.payload, payload);
    if (!checked.ok) throw new InvalidPayloadError(agent, contract.name, checked.reason);
    return contract.name;
  }

  /** Closes every connection; pending messages are rejected. Agents call it when they stop. */
  static closeAll(): void {
    for (const link of Sender.links.values()) link.close();
    Sender.links.clear();
    Sender.linkByEndpoint = new WeakMap();
  }

  private static endpoint(agent: string, options: SendOptions | undefined): AgentEndpoint {
    const config = options?.config;
    if (config !== undefined && typeof config !== 'string') return config.endpoint(agent);
    if (config !== undefined) return loadAgentConfig(config).endpoint(agent);
    // Resolving the config reads the environment and the clock; a burst of sends in one tick does it once.
    let current = Sender.tickConfig;
    if (current === undefined) {
      current = loadAgentConfig(Sender.defaults.config);
      Sender.tickConfig = current;
      queueMicrotask(() => {
        Sender.tickConfig = undefined;
      });
    }
    return current.endpoint(agent);
  }

  private static json(
    agent: string,
    message: string,
    payload: unknown,
    endpoint: AgentEndpoint,
  ): string | undefined {
    if (Buffer.byteLength(message) > 0xffff) {
      throw new InvalidMessageError(agent, message.slice(0, 40), 'message name over 65535 bytes');
    }
    if (payload === undefined) return undefined;
    let json: string | undefined;
    try {
      json = JSON.stringify(payload);
    } catch (err) {
      throw new InvalidMessageError(agent, message, `payload is not JSON: ${(err as Error).message}`);
    }
    if (json === undefined)
      throw new InvalidMessageError(agent, message, `payload is not JSON: ${typeof payload}`);
    // A UTF-8 byte is at most 3 per UTF-16 unit: measure exactly only when that bound could pass the limit.
    if (json.length * 3 > endpoint.maxMessageBytes && Buffer.byteLength(json) > endpoint.maxMessageBytes) {
      throw new InvalidMessageError(
        agent,
        message,
        `payload is over the ${endpoint.maxMessageBytes}-byte limit`,
      );
    }
    return json;
  }

  private static link(endpoint: AgentEndpoint): PeerLink {
    let link = Sender.linkByEndpoint.get(endpoint);
    if (link !== undefined) return link;
    // A reloaded config makes new endpoint objects; the same address and secret keep the same connection.
    const key = `${endpoint.name}|${endpoint.ip}|${endpoint.receivePort}|${endpoint.secret ?? ''}`;
    link = Sender.links.get(key);
    if (link === undefined) {
      link = new PeerLink(endpoint, Sender.defaults.from, () => Sender.defaults.retry);
      Sender.links.set(key, link);
    }
    Sender.linkByEndpoint.set(endpoint, link);
    return link;
  }

  /** One connection per message; retried only while nothing can have reached the peer, so never delivered twice. */
  private static async sendText(endpoint: AgentEndpoint, message: string, timeout: number): Promise<void> {
    const { retries } = Sender.defaults.retry;
    const deadline = Date.now() + timeout;
    for (let attempt = 0; ; attempt++) {
      const left = deadline - Date.now();
      if (left <= 0) throw new SendTimeoutError(endpoint.name, message, timeout, 'close from the text peer');
      try {
        return await sendText(endpoint.ip, endpoint.receivePort, message, left);
      } catch (err) {
        const e = err as TextSendError;
        if (e.sent || attempt >= retries) {
          throw new UnreachableError(
            endpoint.name,
            message,
            `${e.message}${e.sent ? '' : ` (${retryWording(Sender.defaults.retry, attempt + 1)})`}`,
          );
        }
      }
      await new Promise((r) => setTimeout(r, retryDelayMs(Sender.defaults.retry, attempt + 1)));
    }
  }
}
