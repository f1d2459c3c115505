/** Options of an agent; all optional. */
export interface AgentOptions {
  /** Config file path, used when neither PYROS_AGENT_CONFIG nor ./pyros_agent_config.ini exists. */
  readonly config?: string;
  /** Handle SIGINT/SIGTERM as SHUTDOWN (default: true in a main thread). */
  readonly handleSignals?: boolean;
  /** After SIGINT/SIGTERM, how long shutdown may take before the process exits 1 anyway (default 10 s). */
  readonly shutdownGraceMs?: number;
  /** Server limits and timeouts, mostly for tests. */
  readonly server?: Partial<{
    maxConnections: number;
    firstByteTimeoutMs: number;
    handshakeTimeoutMs: number;
    textTimeoutMs: number;
    partialFrameTimeoutMs: number;
  }>;
}
