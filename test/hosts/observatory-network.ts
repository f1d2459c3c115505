// An observatory spread over three computers as network namespaces (see netns.ts), with no shared
// disk: each host its own folder, config copy and data folder. Used by the three-host test and by
// bench/alerts (--hosts).
//   (a) alert_manager + scheduler + majordome, (b) observation_manager + monitoring,
//   (c) analyzer + dashboard + redis-server + a `pyros worker`, and an operator's console (ops).
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Console } from './console.js';
import { createNetwork, type Network } from './netns.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const TASKS = join(ROOT, 'dist/observatory/tasks/analyze-image.js');

/** Which agents each computer runs. */
export const APPS = {
  a: ['alert_manager', 'scheduler', 'majordome'],
  b: ['observation_manager', 'monitoring'],
  c: ['analyzer', 'dashboard'],
} as const;
export type HostName = keyof typeof APPS;
const HOSTS: readonly HostName[] = ['a', 'b', 'c'];

/** The dashboard's token, and Redis's password (across computers, protected mode refuses others otherwise). */
export const TOKEN = 'three-hosts-token';
const REDIS_PASSWORD = 'three-hosts-redis';
export const VTP_PORT = 8098;
export const DASHBOARD_PORT = 8080;

/** A log line of one of the hosts (pino JSON), with the host it came from. */
export interface HostLine {
  readonly host: string;
  readonly agent?: string;
  readonly msg: string;
  readonly time: number;
}

/** Options of {@link ObservatoryNetwork.create}. */
export interface NetworkOptions {
  readonly start: string;
  readonly speed: number;
  /** Keys added to every host's observatory.ini, by section, e.g. `{ camera: ['image_size = 128'] }`. */
  readonly sections?: Readonly<Record<string, readonly string[]>>;
  /** The routine requests file to copy (default: the shipped one). */
  readonly routineRequests?: string;
}

/** The three hosts' observatory: their folders, their processes, their merged log, the console. */
export class ObservatoryNetwork {
  readonly dirs = {} as Record<HostName | 'ops', string>;
  readonly lines: HostLine[] = [];
  readonly #hosts = new Map<HostName, ChildProcess>();
  readonly #anchor: string;
  ops!: Console;

  private constructor(
    readonly network: Network,
    readonly addr: Record<HostName, string>,
    readonly options: NetworkOptions,
  ) {
    this.#anchor = new Date(Date.now() + 1500).toISOString();
  }

  /** The network, each host's folder, Redis on (c) and the console on (ops); no agent started yet. */
  static async create(options: NetworkOptions): Promise<ObservatoryNetwork> {
    const network = await createNetwork(['a', 'b', 'c', 'ops']);
    const addr = { a: network.host('a').address, b: network.host('b').address, c: network.host('c').address };
    const o = new ObservatoryNetwork(network, addr, options);
    try {
      for (const host of [...HOSTS, 'ops'] as const) {
        const dir = mkdtempSync(join(tmpdir(), `pyros-host-${host}-`));
        o.dirs[host] = dir;
        writeFileSync(join(dir, 'pyros_agent_config.ini'), o.#agentConfig());
        writeFileSync(join(dir, 'observatory.ini'), o.#observatoryIni());
        cpSync(join(ROOT, 'observatory/site.ini'), join(dir, 'site.ini'));
        cpSync(
          options.routineRequests ?? join(ROOT, 'observatory/routine-requests.json'),
          join(dir, 'routine-requests.json'),
        );
        mkdirSync(join(dir, 'data'));
      }
      const redis = network.spawn(
        'c',
        '/usr/bin/redis-server',
        [
          '--bind',
          addr.c,
          '--port',
          '6379',
          '--save',
          '',
          '--appendonly',
          'no',
          '--requirepass',
          REDIS_PASSWORD,
        ],
        { stdio: 'ignore' },
      );
      redis.once('error', () => {});
      await o.until(
        async () => {
          const r = await network.run('c', 'redis-cli', [
            '-h',
            addr.c,
            '-a',
            REDIS_PASSWORD,
            '--no-auth-warning',
            'ping',
          ]);
          return r.stdout.trim() === 'PONG';
        },
        10_000,
        'redis-server on (c)',
      );
      o.ops = await Console.open(network, 'ops', join(o.dirs.ops, 'pyros_agent_config.ini'));
    } catch (err) {
      await network.destroy();
      throw err;
    }
    return o;
  }

  get brokerUrl(): string {
    return `redis://:${REDIS_PASSWORD}@${this.addr.c}:6379/0`;
  }

  /** The same config on every host: each agent at the address of the host it runs on. */
  #agentConfig(): string {
    const lines = ['[DEFAULT]', 'observatory = observatory.ini', `broker = ${this.brokerUrl}`, ''];
    let port = 8411;
    for (const host of HOSTS) {
      for (const app of APPS[host])
        lines.push(`[${app}]`, `ip = ${this.addr[host]}`, `receive_port = ${port++}`, `app = ${app}`, '');
    }
    return lines.join('\n');
  }

  #observatoryIni(): string {
    const sections: Record<string, string[]> = {
      observatory: ['site_file = site.ini', 'data_dir = data', 'routine_requests = routine-requests.json'],
      alert_manager: [`vtp_host = ${this.addr.a}`, `vtp_port = ${VTP_PORT}`],
      // The task worker is a `pyros worker` process of host (c).
      analyzer: ['workers = 0'],
      dashboard: [`host = ${this.addr.c}`, `port = ${DASHBOARD_PORT}`, `token = ${TOKEN}`],
    };
    for (const [name, keys] of Object.entries(this.options.sections ?? {})) {
      sections[name] = [...(sections[name] ?? []), ...keys];
    }
    return Object.entries(sections)
      .map(([name, keys]) => `[${name}]\n${keys.join('\n')}\n`)
      .join('\n');
  }

  /** `pyros start` of a host's apps on the shared clock (`resume`: where the shared clock is now). */
  startHost(host: HostName, when = this.options.start): void {
    const args = [BIN, 'start', ...APPS[host], '--config', join(this.dirs[host], 'pyros_agent_config.ini')];
    args.push('--sim-start', when, '--data-dir', join(this.dirs[host], 'data'));
    if (when !== 'resume') args.push('--speed', String(this.options.speed), '--sim-anchor', this.#anchor);
    const child = this.network.spawn(host, process.execPath, args, {
      cwd: this.dirs[host],
      env: { ...process.env, PYROS_LOG_LEVEL: 'info', PYROS_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let rest = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) {
        try {
          this.lines.push({ host, ...(JSON.parse(p) as { agent?: string; msg: string; time: number }) });
        } catch {
          this.lines.push({ host, msg: p, time: Date.now() });
        }
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      for (const p of d.split('\n'))
        if (p.trim() !== '') this.lines.push({ host, msg: `stderr: ${p}`, time: Date.now() });
    });
    this.#hosts.set(host, child);
  }

  /** Every host started, and (unless `worker` is false) a task worker on (c); resolves once every agent answers. */
  async startAll(options: { worker?: boolean } = {}): Promise<void> {
    for (const host of HOSTS) this.startHost(host);
    if (options.worker === false) {
      await this.up(HOSTS.flatMap((h) => APPS[h]));
      return;
    }
    const worker = this.network.spawn(
      'c',
      process.execPath,
      [BIN, 'worker', '--tasks', TASKS, '--queues', 'analysis', '--broker', this.brokerUrl],
      {
        cwd: this.dirs.c,
        env: { ...process.env, PYROS_AGENT_CONFIG: join(this.dirs.c, 'pyros_agent_config.ini') },
        stdio: 'ignore',
      },
    );
    worker.once('error', () => {});
    await this.up(HOSTS.flatMap((h) => APPS[h]));
  }

  /** SIGKILLs a host's `pyros start` (its agents die with it) and waits until they no longer answer. */
  async kill(host: HostName): Promise<void> {
    this.#hosts.get(host)?.kill('SIGKILL');
    await this.until(
      async () =>
        (
          await Promise.all(
            APPS[host].map((a) =>
              this.ops.request(a, 'STATUS').then(
                () => false,
                () => true,
              ),
            ),
          )
        ).every(Boolean),
      10_000,
      `(${host}) down`,
    );
  }

  /**
   * Resolves once every agent named has started: it answers `Messages`, a query, which waits for
   * its work() (STATUS is answered while work() still runs, before a VTP port is open, say).
   */
  up(apps: readonly string[]): Promise<boolean> {
    return this.until(
      async () =>
        (
          await Promise.all(apps.map((a) => this.ops.request(a, 'Messages', { limit: 1 }).then(() => true)))
        ).every(Boolean),
      30_000,
      `${apps.join(', ')} up`,
    );
  }

  /** Simulated now on a host, from the clock it saved, and the clock itself (start|speed|anchor). */
  simNow(host: HostName): { now: number; clock: string } {
    const s = JSON.parse(readFileSync(join(this.dirs[host], 'data', 'sim-session.json'), 'utf8')) as {
      start: number;
      speed: number;
      anchor: number;
    };
    return { now: s.start + (Date.now() - s.anchor) * s.speed, clock: `${s.start}|${s.speed}|${s.anchor}` };
  }

  /** Resolves with the first truthy value of `check` (asked every 50 ms); rejects after `ms` with the logs' tails. */
  async until<T>(check: () => Promise<T | undefined | false>, ms: number, what: string): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const value = await check().catch(() => undefined);
      if (value !== undefined && value !== false) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${this.tail(30)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  tail(n: number): string {
    return this.lines
      .slice(-n)
      .map((l) => `(${l.host}) ${l.agent ?? '-'}: ${l.msg}`)
      .join('\n');
  }

  async destroy(): Promise<void> {
    this.ops?.close();
    await this.network.destroy();
  }
}
