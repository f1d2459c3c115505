import { threadId } from 'node:worker_threads';

/** What the built-in STATUS message answers: enough for `pyros status` to describe any agent. */
export interface AgentStatus {
  readonly agent: string;
  readonly pid: number;
  readonly threadId: number;
  readonly startedAt: string;
  readonly uptimeSeconds: number;
  /** Messages accepted into the mailbox. */
  readonly received: number;
  /** Messages whose handler returned or resolved. */
  readonly handled: number;
  /** Messages whose handler threw or rejected. */
  readonly failed: number;
  /** Messages with no handler. */
  readonly unknown: number;
  /** Messages refused because their payload did not match the message's declared schema. */
  readonly invalid: number;
  /** Messages waiting in the mailbox. */
  readonly queued: number;
  readonly connections: number;
  /** Connections closed for bad input, since start. */
  readonly rejectedConnections: number;
}

/** Mutable counters behind {@link AgentStatus}. */
export class AgentCounters {
  received = 0;
  handled = 0;
  failed = 0;
  unknown = 0;
  invalid = 0;
}

/** The STATUS answer from an agent's counters and its mailbox and port figures. */
export function agentStatus(
  agent: string,
  startedAt: number,
  counters: AgentCounters,
  live: Pick<AgentStatus, 'queued' | 'connections' | 'rejectedConnections'>,
): AgentStatus {
  return {
    agent,
    pid: process.pid,
    threadId,
    startedAt: new Date(startedAt).toISOString(),
    uptimeSeconds: startedAt === 0 ? 0 : (Date.now() - startedAt) / 1000,
    ...counters,
    ...live,
  };
}
