import { EventEmitter } from 'node:events';
import { threadId } from 'node:worker_threads';

/**
 * The seed's rule "at most one agent per application": one agent per thread (the main thread of a
 * script, or each worker thread of the app host). Module state is per thread, so this guard is too.
 */
let occupant: string | undefined;

export function claimAgentSlot(name: string): void {
  if (occupant !== undefined) {
    throw new Error(
      `cannot start agent "${name}": agent "${occupant}" already runs in this ${threadId === 0 ? 'process' : `worker thread ${threadId}`}; ` +
        'pyros runs one agent per application (give each agent its own app, see `pyros start`)',
    );
  }
  occupant = name;
}

export function releaseAgentSlot(name: string): void {
  if (occupant === name) occupant = undefined;
}

/** What the app host may do with the agent of its thread. */
export interface AgentHandle {
  readonly name: string;
  readonly port: number;
  requestShutdown(reason: string): void;
}

/** Lifecycle events of this thread's agent, for the app host. */
export const agentLifecycle = new EventEmitter<{ started: [agent: AgentHandle]; stopped: [name: string] }>();
