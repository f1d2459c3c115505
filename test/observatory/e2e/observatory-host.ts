import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { freePorts, tempDir } from '../../helpers.js';
import { SHIPPED } from '../observatory-fixture.js';

const BIN = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));
const AGENTS = ['alert_manager', 'scheduler', 'majordome', 'observation_manager', 'monitoring', 'analyzer'];

/** What the host runs besides the six observatory agents. */
export interface HostOptions {
  /** Adds the `dashboard` agent, serving on 127.0.0.1 on a free port, actions behind `token`. */
  readonly dashboard?: { readonly token: string };
}

/** One log line of the host (JSON: the host's stdout is not a terminal). */
export interface LogLine {
  readonly agent?: string;
  readonly msg: string;
  readonly level: number;
}

/**
 * A whole observatory host (`pyros start`, built CLI) in a child process, on a temporary config,
 * data folder and free ports; the test reads its log and its database.
 */
export class ObservatoryHost {
  readonly dir: string;
  readonly config: string;
  readonly vtpPort: number;
  readonly database: string;
  /** The dashboard's base URL (`http://127.0.0.1:PORT`), when the host runs one. */
  readonly dashboardUrl: string | undefined;
  readonly lines: LogLine[] = [];
  #child: ChildProcess | undefined;
  #exited: Promise<number | null> = Promise.resolve(null);

  private constructor(dir: string, config: string, vtpPort: number, dashboardUrl: string | undefined) {
    this.dir = dir;
    this.config = config;
    this.vtpPort = vtpPort;
    this.dashboardUrl = dashboardUrl;
    this.database = join(dir, 'data', 'observatory.db');
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
    writeFileSync(config, `[DEFAULT]\nip = 127.0.0.1\nobservatory = observatory.ini\n\n${sections}`);
    const vtpPort = ports[agents.length] as number;
    const httpPort = ports[agents.length + 1] as number;
    const dashboard =
      options.dashboard === undefined
        ? ''
        : `[dashboard]\nhost = 127.0.0.1\nport = ${httpPort}\ntoken = ${options.dashboard.token}\n`;
    writeFileSync(
      join(dir, 'observatory.ini'),
      `[observatory]\nsite_file = ${join(SHIPPED, 'site.ini')}\ndata_dir = data\n` +
        `routine_requests = ${join(SHIPPED, 'routine-requests.json')}\n` +
        `[alert_manager]\nvtp_port = ${vtpPort}\n${dashboard}${ini}\n`,
    );
    const url = options.dashboard === undefined ? undefined : `http://127.0.0.1:${httpPort}`;
    return new ObservatoryHost(dir, config, vtpPort, url);
  }

  /** Starts `pyros start --sim-start WHEN --speed N`; resolves once every agent listens. */
  async start(when: string, speed: number): Promise<void> {
    const child = spawn(
      process.execPath,
      [BIN, 'start', '--config', this.config, '--sim-start', when, '--speed', String(speed)],
      {
        cwd: this.dir,
        // The test reads the host's info lines, whatever this process logs.
        env: { ...process.env, PYROS_LOG_LEVEL: 'info', PYROS_LOG_FORMAT: 'json' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let rest = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
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
      for (const p of chunk.split('\n'))
        if (p.trim() !== '') this.lines.push({ msg: `stderr: ${p}`, level: 40 });
    });
    await this.waitForLog(/routine requests:|plan v\d+/, 20_000);
  }

  /** Resolves with the first log line (from `agent`, if given) matching `pattern`. */
  async waitForLog(pattern: RegExp, timeoutMs: number, agent?: string): Promise<LogLine> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find((l) => pattern.test(l.msg) && (agent === undefined || l.agent === agent));
      if (line !== undefined) return line;
      if (Date.now() > until) {
        throw new Error(
          `no log line matching ${pattern} within ${timeoutMs} ms; last lines:\n${this.tail(15)}`,
        );
      }
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

  /** Runs a read-only query on the observatory database. */
  query<T>(sql: string, ...params: unknown[]): T[] {
    const db = new Database(this.database, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }

  /** Sends `signal` and waits for the host to exit; returns its exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.#child?.kill(signal);
    return this.#exited;
  }

  dispose(): void {
    this.#child?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
