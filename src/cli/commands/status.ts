import { connect } from 'node:net';
import type { Command } from 'commander';
import type { AgentStatus } from '../../agent/agent-status.js';
import { loadAgentConfig, requireAgents } from '../../config/agent-config.js';
import type { AgentEndpoint } from '../../config/agent-endpoint.js';
import { DEFAULT_RETRY, retryWording } from '../../sender/link-policy.js';
import { Sender } from '../../sender/sender.js';
import { applyConfigOption, UsageError } from '../run-cli.js';
import { textTable } from '../text-table.js';

/** One row of `pyros status`. */
export interface StatusRow {
  readonly agent: string;
  readonly address: string;
  readonly protocol: string;
  readonly up: boolean;
  readonly roundTripMs?: number;
  readonly status?: AgentStatus;
  readonly error?: string;
}

function tcpReachable(e: AgentEndpoint, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: e.ip, port: e.receivePort });
    const t = setTimeout(() => s.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    s.on('connect', () => {
      clearTimeout(t);
      s.destroy();
      resolve();
    });
    s.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(t);
      reject(new Error(err.code ?? err.message));
    });
  });
}

/** Asks every configured agent for its STATUS (a framed peer) or checks its port (a text peer). */
export async function collectStatus(timeoutMs: number): Promise<StatusRow[]> {
  const config = loadAgentConfig();
  requireAgents(config);
  // Sender's own retries, as pyros send's: an agent restarting under supervision is not down yet.
  Sender.configure({
    from: 'pyros-status',
    retry: { ...DEFAULT_RETRY, connectTimeoutMs: Math.min(DEFAULT_RETRY.connectTimeoutMs, timeoutMs) },
  });
  return Promise.all(
    config.names().map(async (name): Promise<StatusRow> => {
      const e = config.endpoint(name);
      const base = { agent: name, address: `${e.ip}:${e.receivePort}`, protocol: e.protocol };
      const t0 = performance.now();
      try {
        if (e.protocol === 'text') {
          await tcpReachable(e, timeoutMs);
          return { ...base, up: true, roundTripMs: performance.now() - t0 };
        }
        const status = await Sender.request<AgentStatus>(name, 'STATUS', undefined, {
          timeout: timeoutMs,
          config,
        });
        return { ...base, up: true, roundTripMs: performance.now() - t0, status };
      } catch (err) {
        const message = (err as Error).message;
        return { ...base, up: false, error: message.replace(/^.*?": /, '') };
      }
    }),
  );
}

function uptime(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0
    ? `${h}h${String(m).padStart(2, '0')}m`
    : m > 0
      ? `${m}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

export function formatStatus(rows: readonly StatusRow[]): string {
  const table = [
    [
      'AGENT',
      'ADDRESS',
      'PROTOCOL',
      'STATE',
      'RTT',
      'UPTIME',
      'HANDLED',
      'FAILED',
      'UNKNOWN',
      'INVALID',
      'QUEUED',
    ],
    ...rows.map((r) => [
      r.agent,
      r.address,
      r.protocol,
      r.up ? 'up' : `down (${r.error ?? '?'})`,
      r.roundTripMs === undefined ? '-' : `${r.roundTripMs.toFixed(1)} ms`,
      r.status ? uptime(r.status.uptimeSeconds) : '-',
      String(r.status?.handled ?? '-'),
      String(r.status?.failed ?? '-'),
      String(r.status?.unknown ?? '-'),
      String(r.status?.invalid ?? '-'),
      String(r.status?.queued ?? '-'),
    ]),
  ];
  return textTable(table);
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description(
      'every configured agent: up or down, round trip, uptime, messages handled; exit 1 if any is down',
    )
    .option('--json', 'print JSON instead of a table')
    .option(
      '-t, --timeout <ms>',
      `how long to wait for each agent (${retryWording(DEFAULT_RETRY)} to find one down)`,
      '3000',
    )
    .option(
      '-c, --config <file>',
      'config file (default: $PYROS_AGENT_CONFIG, then ./pyros_agent_config.ini)',
    )
    .action(async (opts: { json?: boolean; timeout: string; config?: string }) => {
      applyConfigOption(opts.config);
      const timeout = Number(opts.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0)
        throw new UsageError(`--timeout: "${opts.timeout}" is not a positive number of ms`);
      const rows = await collectStatus(timeout);
      Sender.closeAll();
      process.stdout.write(`${opts.json ? JSON.stringify(rows, null, 2) : formatStatus(rows)}\n`);
      process.exitCode = rows.every((r) => r.up) ? 0 : 1;
    });
}
