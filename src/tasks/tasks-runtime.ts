import { AgentConfig, resolveConfigPath } from '../config/agent-config.js';
import type { Broker } from './broker.js';
import { BROKER_ENV, DEFAULT_BROKER_URL, openBroker } from './brokers/broker-url.js';

/**
 * The broker this process enqueues to: the one configured, else $PYROS_BROKER, else the embedded
 * SQLite file `./pyros-tasks.db`. Opened once, on first use.
 */
let configured: Broker | string | undefined;
let opened: Promise<Broker> | undefined;

/** Chooses the broker for this process's task calls (a URL or an open broker). */
export function configureTasks(options: { broker: Broker | string }): void {
  configured = options.broker;
  opened = undefined;
}

/**
 * The broker URL in force: `explicit` (--broker), else configureTasks(), else $PYROS_BROKER, else
 * the `broker` key of the agent config file's `[DEFAULT]`, else the embedded default.
 */
export function brokerUrl(explicit?: string): string {
  if (explicit !== undefined) return explicit;
  if (typeof configured === 'string') return configured;
  if (configured !== undefined) return configured.url;
  const env = process.env[BROKER_ENV];
  if (env) return env;
  return configFileBroker() ?? DEFAULT_BROKER_URL;
}

function configFileBroker(): string | undefined {
  let path: string;
  try {
    path = resolveConfigPath();
  } catch {
    return undefined; // no config file: tasks work without agents
  }
  return AgentConfig.load(path).broker;
}

export function taskBroker(): Promise<Broker> {
  if (opened !== undefined) return opened;
  const c = configured;
  const p = c !== undefined && typeof c !== 'string' ? Promise.resolve(c) : openBroker(brokerUrl());
  opened = p;
  p.catch(() => {
    if (opened === p) opened = undefined; // a broker that could not be opened is tried again on the next call
  });
  return p;
}

/** Closes the broker opened by {@link taskBroker} (not one handed to configureTasks). */
export async function closeTasks(): Promise<void> {
  const o = opened;
  opened = undefined;
  if (o !== undefined && typeof configured !== 'object') await (await o).close();
}
