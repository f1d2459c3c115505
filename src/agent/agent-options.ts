import type { AgentClock } from './agent-clock.js';

/** Options of an agent; all optional. */
export interface AgentOptions {
  /** What `every`, `after` and `at` count in (default: the wall clock); the observatory passes its own. */
  readonly clock?: AgentClock;
  /** Config file path, used when neither PYROS_AGENT_CONFIG nor ./pyros_agent_config.ini exists. */
  readonly config?: string;
  /** Handle SIGINT/SIGTERM as SHUTDOWN (default: true in a main thread). */
  readonly handleSignals?: boolean;
  /** After SIGINT/SIGTERM, how long shutdown may take before the process exits 1 anyway (default 10 s). */
  readonly shutdownGraceMs?: number;
  /** Server limits and timeouts, mostly for tests. */
  readonly server?: Partial<{
    maxConnections: number;
    maxPending: number;
    maxPendingPerAddress: number;
    firstByteTimeoutMs: number;
    handshakeTimeoutMs: number;
    textTimeoutMs: number;
    partialFrameTimeoutMs: number;
  }>;
}
