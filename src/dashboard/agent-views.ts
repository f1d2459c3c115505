import { connect } from 'node:net';
import type { AgentStatus } from '../agent/agent-status.js';
import type { AgentConfig } from '../config/agent-config.js';
import type { AgentEndpoint } from '../config/agent-endpoint.js';
import { hostApps } from '../host/host-apps.js';
import { Sender } from '../sender/sender.js';
import type { AgentState, AgentView } from './dashboard-views.js';

/** How long an agent has to answer STATUS before it counts as down (ms). */
export const STATUS_TIMEOUT_MS = 500;

/** Host states that say more than "down": the host knows why the agent does not answer. */
const HOST_SAYS: ReadonlySet<string> = new Set(['restarting', 'failed', 'stopped']);

/** What an agent said to STATUS: its counters, `reachable` (a text-protocol peer), or undefined (no answer). */
export type StatusReply = AgentStatus | 'reachable' | undefined;

/** STATUS asked of every agent of the config in parallel, each within {@link STATUS_TIMEOUT_MS}. */
export async function agentStatuses(config: AgentConfig): Promise<Map<string, StatusReply>> {
  const names = config.names();
  const replies = await Promise.all(names.map((name) => statusOf(config, name)));
  return new Map(names.map((name, i) => [name, replies[i]]));
}

/** The agents that answered STATUS. */
export function answering(statuses: ReadonlyMap<string, StatusReply>): Set<string> {
  return new Set([...statuses].flatMap(([name, s]) => (s === undefined ? [] : [name])));
}

/**
 * Every agent of the config, as the dashboard shows it, from its STATUS reply; for the agents of
 * the dashboard's own host, what the host says of them (an agent that does not answer cannot say
 * it is restarting; the agents of other computers are up or down); `sent` counts the messages
 * from each in the recent logs the agents keep.
 */
export function agentViews(
  config: AgentConfig,
  statuses: ReadonlyMap<string, StatusReply>,
  sent: ReadonlyMap<string, number>,
): AgentView[] {
  const host = new Map(hostApps().map((a) => [a.name, a]));
  return config.names().map((name): AgentView => {
    const status = statuses.get(name);
    const app = host.get(name);
    const counters = typeof status === 'object' ? status : undefined;
    const state: AgentState =
      status !== undefined
        ? 'up'
        : app !== undefined && HOST_SAYS.has(app.state)
          ? (app.state as AgentState)
          : 'down';
    return {
      name,
      state,
      uptimeS: counters?.uptimeSeconds ?? null,
      received: counters?.received ?? null,
      handled: counters?.handled ?? null,
      failed: counters?.failed ?? null,
      sent: sent.get(name) ?? 0,
      restarts: app?.restarts ?? null,
      lastError: app?.lastError ?? null,
    };
  });
}

/**
 * The agent's STATUS; `reachable` for an original PyROS peer (the text protocol has no replies:
 * its port accepting a connection is all it can say); undefined when it does not answer.
 */
async function statusOf(config: AgentConfig, name: string): Promise<StatusReply> {
  try {
    const endpoint = config.endpoint(name);
    if (endpoint.protocol === 'text') return (await portOpen(endpoint)) ? 'reachable' : undefined;
    return await Sender.request<AgentStatus>(name, 'STATUS', undefined, {
      timeout: STATUS_TIMEOUT_MS,
      config,
    });
  } catch {
    return undefined;
  }
}

function portOpen(e: AgentEndpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: e.ip, port: e.receivePort });
    const timer = setTimeout(() => socket.destroy(), STATUS_TIMEOUT_MS);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(false);
    });
    socket.once('error', () => {});
  });
}
