import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../src/logging/logger.js';

/** Ports the kernel just handed out and freed: free for the test to bind right after. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<import('node:net').Server>((resolve) => {
          const s = createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => {
    const a = s.address();
    return typeof a === 'object' && a !== null ? a.port : 0;
  });
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

export function tempDir(prefix = 'pyros-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a pyros_agent_config.ini with one section per agent (ip 127.0.0.1) and returns its path. */
export function writeConfig(
  agents: Record<string, { port: number } & Record<string, string | number>>,
  extra = '',
  dir = tempDir(),
): string {
  const body = Object.entries(agents)
    .map(([name, { port, ...keys }]) => {
      const lines = [`[${name}]`, 'ip = 127.0.0.1', `receive_port = ${port}`];
      for (const [k, v] of Object.entries(keys)) lines.push(`${k} = ${v}`);
      return lines.join('\n');
    })
    .join('\n\n');
  const path = join(dir, 'pyros_agent_config.ini');
  writeFileSync(path, `${extra}${body}\n`);
  return path;
}

export async function waitFor<T>(
  check: () => T | undefined | false,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A logger that keeps its lines, by level (pino's `(object, text)` form too). */
export function recordingLog() {
  const lines: Array<{ level: 'debug' | 'info' | 'warn' | 'error'; text: string }> = [];
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (first: unknown, second?: unknown): void => {
      lines.push({ level, text: String(typeof second === 'string' ? second : first) });
    };
  const log = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  } as unknown as Logger;
  return { log, lines, count: (level: string) => lines.filter((l) => l.level === level).length };
}
