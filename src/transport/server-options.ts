import type { Logger } from '../logging/logger.js';

/** Where and how an agent listens, and the limits that protect it from bad peers. */
export interface AgentServerOptions {
  readonly agentName: string;
  readonly host: string;
  readonly port: number;
  readonly secret?: string | undefined;
  /** Hosts besides loopback allowed to use the text protocol when a secret is set. */
  readonly allowedHosts?: readonly string[];
  readonly maxMessageBytes?: number;
  readonly maxConnections?: number;
  /** Connections without a finished handshake, in all, and from one address (the oldest silent one goes first when full). */
  readonly maxPending?: number;
  readonly maxPendingPerAddress?: number;
  /** A new connection must send its first byte within this time. */
  readonly firstByteTimeoutMs?: number;
  /** A framed connection must finish its handshake within this time of connecting, however it trickles. */
  readonly handshakeTimeoutMs?: number;
  /** A text connection must deliver its whole message and close within this time. */
  readonly textTimeoutMs?: number;
  /** A frame begun must be complete within this time. */
  readonly partialFrameTimeoutMs?: number;
  readonly log: Logger;
}

export const SERVER_DEFAULTS = {
  maxMessageBytes: 1024 * 1024,
  maxConnections: 1024,
  maxPending: 128,
  maxPendingPerAddress: 64,
  firstByteTimeoutMs: 5_000,
  handshakeTimeoutMs: 5_000,
  textTimeoutMs: 10_000,
  partialFrameTimeoutMs: 10_000,
} as const;
