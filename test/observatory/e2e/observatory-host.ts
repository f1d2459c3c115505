import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MessageContract, PayloadIn, ReplyOut } from '../../../src/agent/contract.js';
import { AgentConfig } from '../../../src/config/agent-config.js';
import { Sender } from '../../../src/sender/sender.js';
import { freePorts, tempDir } from '../../helpers.js';
import { SHIPPED } from '../observatory-fixture.js';

const BIN = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
export const AGENTS = [
  'alert_manager',
  'scheduler',
  'majordome',
  'observation_manager',
  'monitoring',
  'analyzer',
];

/** What the host runs besides the six observatory agents. */
export interface HostOptions {
  /**
   * Adds the `dashboard` agent, serving on 127.0.0.1 on a free port, actions behind `token` (none:
   * the dashboard makes one at its first start).
   */
  readonly dashboard?: { readonly token?: string };
  /** Lines added to `[observatory]`, e.g. `weather = weather.json`. */
  readonly observatory?: string;
  /**
   * The simulated camera's image width in pixels (default 256): the shipped programme's short
   * exposures at 600x make an image every few real ms, and 512-pixel images take both cores from
   * two hosts at once. Ignored when `ini` has a [camera] section of its own.
   */
  readonly imageSize?: number;
  /** The routine requests file (default: the shipped one). */
  readonly routineRequests?: string;
  /** `[DEFAULT] secret`: every framed connection inside TLS with a key derived from it. */
  readonly secret?: string;
  /** The site file (default: the shipped one, Calern). */
  readonly siteFile?: string;
}

/** One log line of the host (JSON: the host's stdout is not a terminal). */
export interface LogLine {
  readonly agent?: string;
  readonly msg: string;
  readonly level: number;
}

/**
 * A whole observatory host (`pyros start`, built CLI) in a child process, on a temporary config,
 * data folder and free ports. The test learns what happens the way any peer does: by asking the
 * agents (`ask`), never from the log or their stores.
 */
export class ObservatoryHost {
  readonly dir: string;
  readonly config: string;
  readonly vtpPort: number;
  /** The dashboard's base URL (`http://127.0.0.1:PORT`), when the host runs one. */
  readonly dashboardUrl: string | undefined;
  readonly lines: LogLine[] = [];
  /** Bytes the host has written to stdout and stderr so far (its log). */
  logBytes = 0;
  readonly agents: readonly string[];
  #child: ChildProcess | undefined;
  #exited: Promise<number | null> = Promise.resolve(null);
  #config: AgentConfig | undefined;

  private constructor(
    dir: string,
    config: string,
    vtpPort: number,
    dashboardUrl: string | undefined,
    agents: readonly string[],
  ) {
    this.dir = dir;
    this.config = config;
    this.vtpPort = vtpPort;
    this.dashboardUrl = dashboardUrl;
    this.agents = agents;
  }

  /** Writes the config and `observatory.ini` (`ini` appended: extra sections), without starting. */
  static async create(ini = '', options: HostOptions = {}): Promise<ObservatoryHost> {
    const dir = tempDir('pyros-e2e-');
    const agents = options.dashboard === undefined ? AGENTS : [...AGENTS, 'dashboard'];
    const ports = await freePorts(agents.length + 2);
    const sections = agents
      .map((name, i) => `[${name}]\nreceive_port = ${ports[i]}\napp = ${name}\n`)
      .join('\n');
    const config = join(dir, 'pyros_agent_config.ini');
    const secret = options.secret === undefined ? '' : `secret = ${options.secret}\n`;
    writeFileSync(config, `[DEFAULT]\nip = 127.0.0.1\nobservatory = observatory.ini\n${secret}\n${sections}`);
    const vtpPort = ports[agents.length] as number;
    const httpPort = ports[agents.length + 1] as number;
    const dashboard =
      options.dashboard === undefined
        ? ''
        : `[dashboard]\nhost = 127.0.0.1\nport = ${httpPort}\n` +
          (options.dashboard.token === undefined ? '' : `token = ${options.dashboard.token}\n`);
    const camera = /^\[camera\]/m.test(ini) ? '' : `[camera]\nimage_size = ${options.imageSize ?? 256}\n`;
    writeFileSync(
      join(dir, 'observatory.ini'),
      `[observatory]\nsite_file = ${options.siteFile ?? join(SHIPPED, 'site.ini')}\ndata_dir = data\n` +
        `routine_requests = ${options.routineRequests ?? join(SHIPPED, 'routine-requests.json')}\n` +
        `${options.observatory ?? ''}\n` +
        `[alert_manager]\nvtp_port = ${vtpPort}\n${dashboard}${camera}${ini}\n`,
    );
    const url = options.dashboard === undefined ? undefined : `http://127.0.0.1:${httpPort}`;
    return new ObservatoryHost(dir, config, vtpPort, url, agents);
  }

  /** The host process's id, while it runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** An agent's data folder on this host (its store, its files). */
  dataDir(agent: string): string {
    return join(this.dir, 'data', agent);
  }

  /**
   * Starts `pyros start --sim-start WHEN --speed N` (with `apps`: only those); resolves once
   * every agent it runs has started (answers `Messages`, a query, which waits for its work()).
   */
  async start(when: string, speed: number, apps: readonly string[] = []): Promise<void> {
    await this.#run(['--sim-start', when, '--speed', String(speed)], apps);
  }

  /** Starts `pyros start` on the real clock (real devices: INDI); resolves once every agent has started. */
  async startRealClock(apps: readonly string[] = []): Promise<void> {
    await this.#run([], apps);
  }

  async #run(clockArgs: readonly string[], apps: readonly string[]): Promise<void> {
    const child = spawn(process.execPath, [BIN, 'start', ...apps, '--config', this.config, ...clockArgs], {
      cwd: this.dir,
      // The log helps a failing test tell its story, whatever this process logs.
      env: { ...process.env, PYROS_LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info', PYROS_LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let rest = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.logBytes += Buffer.byteLength(chunk);
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const p of parts) {
        try {
          this.lines.push(JSON.parse(p) as LogLine);
        } catch {
          this.lines.push({ msg: p, level: 30 });
        }
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.logBytes += Buffer.byteLength(chunk);
      for (const p of chunk.split('\n'))
        if (p.trim() !== '') this.lines.push({ msg: `stderr: ${p}`, level: 40 });
    });
    const running = apps.length > 0 ? apps : this.agents;
    await this.until(
      async () => {
        const up = await Promise.all(running.map((a) => this.started(a)));
        return up.every(Boolean);
      },
      20_000,
      `every agent of the host up (${running.join(', ')})`,
    );
  }

  /** Asks an agent of this observatory a declared message (typed reply). */
  ask<C extends MessageContract>(
    agent: string,
    contract: C,
    payload?: PayloadIn<C>,
    timeout = 5000,
  ): Promise<ReplyOut<C>> {
    this.#config ??= AgentConfig.load(this.config);
    return Sender.request(agent, contract, payload as PayloadIn<C>, { config: this.#config, timeout });
  }

  /** Sends a plain message (SHUTDOWN, say) to an agent of this observatory; resolves once accepted. */
  send(agent: string, message: string, payload?: unknown): Promise<void> {
    this.#config ??= AgentConfig.load(this.config);
    return Sender.sendTo(agent, message, payload, { config: this.#config });
  }

  /** Whether the agent has started (its work() done): it answers a query. */
  async started(agent: string): Promise<boolean> {
    this.#config ??= AgentConfig.load(this.config);
    return Sender.request(agent, 'Messages', { limit: 1 }, { config: this.#config, timeout: 1000 }).then(
      () => true,
      () => false,
    );
  }

  /** The agent's STATUS, or undefined when it does not answer. */
  async status(agent: string): Promise<unknown> {
    this.#config ??= AgentConfig.load(this.config);
    return Sender.request(agent, 'STATUS', undefined, { config: this.#config, timeout: 500 }).catch(
      () => undefined,
    );
  }

  /** The simulated time now, from the host's saved clock (start, speed and anchor). */
  simNow(): number {
    const s = JSON.parse(readFileSync(join(this.dir, 'data', 'sim-session.json'), 'utf8')) as {
      start: number;
      speed: number;
      anchor: number;
    };
    return s.start + (Date.now() - s.anchor) * s.speed;
  }

  /** Resolves with the first truthy value of `check` (asked every 50 ms); rejects after `timeoutMs` with the log's tail. */
  async until<T>(
    check: () => Promise<T | undefined | false> | T | undefined | false,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > end)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; last lines:\n${this.tail(Number(process.env.E2E_TAIL ?? 25))}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The last `n` log lines, for failure messages. */
  tail(n: number): string {
    return this.lines
      .slice(-n)
      .map((l) => `${l.agent ?? '-'}: ${l.msg}`)
      .join('\n');
  }

  /** Sends `signal` and waits for the host to exit; returns its exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.#child?.kill(signal);
    const code = await this.#exited;
    Sender.closeAll();
    return code;
  }

  dispose(): void {
    this.#child?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
