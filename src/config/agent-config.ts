/**
 * `pyros_agent_config.ini`: finding it, loading it, and looking agents up in it.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type AgentEndpoint, agentEndpoint, checkDefaults } from './agent-endpoint.js';
import { ConfigError } from './config-error.js';
import { parseIni } from './ini-parser.js';

/** The file name looked for in the current directory. */
export const CONFIG_FILE_NAME = 'pyros_agent_config.ini';
/** Environment variable with the path of the config file; wins over everything else. */
export const CONFIG_ENV = 'PYROS_AGENT_CONFIG';

/** Overrides `[DEFAULT] observatory` (`pyros start --observatory FILE`): another observatory, same agents. */
export const OBSERVATORY_ENV = 'PYROS_OBSERVATORY';
/** Environment variable with the secret of every agent whose section has no `secret` key. */
export const SECRET_ENV = 'PYROS_SECRET';

/** How often, at most, {@link loadAgentConfig} looks at the file system for one path. */
const RECHECK_MS = 1000;

/**
 * The path of the config file to read:
 * 1. the environment variable `PYROS_AGENT_CONFIG`, if set and non-empty (not checked: loading
 *    it reports a missing file, which is better than silently falling back);
 * 2. else `./pyros_agent_config.ini` in `process.cwd()`, if it exists;
 * 3. else `fallback` (e.g. a `--config` option), if given and non-empty.
 *
 * @returns an absolute path.
 * @throws ConfigError saying where it looked, when none applies.
 */
export function resolveConfigPath(fallback?: string): string {
  const fromEnv = process.env[CONFIG_ENV];
  if (fromEnv) return resolve(fromEnv);
  const inCwd = join(process.cwd(), CONFIG_FILE_NAME);
  if (isFile(inCwd)) return inCwd;
  if (fallback) return resolve(fallback);
  throw new ConfigError(
    { file: CONFIG_FILE_NAME },
    `no config file found: ${CONFIG_ENV} is not set, ${inCwd} does not exist, and no fallback path was given`,
  );
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Thrown when asking for an agent that has no section in the config file. */
export class UnknownAgentError extends Error {
  override readonly name = 'UnknownAgentError';
  readonly code = 'UNKNOWN_AGENT';
  /** The agent asked for. */
  readonly agent: string;
  /** The config file it was looked up in. */
  readonly file: string;

  constructor(agent: string, file: string, known: readonly string[]) {
    const list = known.length > 0 ? known.join(', ') : 'none';
    super(`unknown agent ${JSON.stringify(agent)}: no section [${agent}] in ${file} (known: ${list})`);
    this.agent = agent;
    this.file = file;
  }
}

/** The agents of one config file. Immutable. */
export class AgentConfig {
  /** The absolute path of the file. */
  readonly file: string;
  /** The agents by name, in file order. */
  readonly agents: ReadonlyMap<string, AgentEndpoint>;
  /** The task broker URL of `[DEFAULT]`, a relative sqlite path made relative to the file's folder. */
  readonly broker: string | undefined;
  /** The observatory settings file of `[DEFAULT]` (key `observatory`), absolute. */
  readonly observatory: string | undefined;

  /**
   * Builds a config from endpoints already validated (e.g. in tests or for an in-memory setup).
   * Use {@link AgentConfig.load} or {@link AgentConfig.parse} for a file.
   *
   * @throws ConfigError when two endpoints have the same name.
   */
  constructor(
    file: string,
    agents: Iterable<AgentEndpoint>,
    options: { broker?: string | undefined; observatory?: string | undefined } = {},
  ) {
    this.file = resolve(file);
    const override = process.env[OBSERVATORY_ENV];
    this.observatory =
      override !== undefined && override !== ''
        ? resolve(override)
        : options.observatory === undefined
          ? undefined
          : resolve(dirname(this.file), options.observatory);
    const b = options.broker;
    // A sqlite path in the file means "beside this file", wherever the command runs from.
    this.broker =
      b?.startsWith('sqlite:') && b !== 'sqlite::memory:'
        ? `sqlite:${resolve(dirname(this.file), b.slice(7))}`
        : b;
    const map = new Map<string, AgentEndpoint>();
    for (const agent of agents) {
      if (map.has(agent.name))
        throw new ConfigError({ file: this.file, section: agent.name }, 'agent given twice');
      map.set(agent.name, agent);
    }
    this.agents = map;
  }

  /**
   * Reads, parses and validates a config file. `PYROS_SECRET` is read from the environment now.
   *
   * @throws ConfigError (one line) when the file is missing, unreadable, not UTF-8, or invalid.
   */
  static load(path: string): AgentConfig {
    const file = resolve(path);
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      throw new ConfigError({ file }, `cannot read the config file: ${describeFsError(error)}`);
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new ConfigError({ file }, 'the config file is not valid UTF-8');
    }
    return AgentConfig.parse(text, file);
  }

  /**
   * Parses and validates config text; `file` (made absolute) is used in messages and as
   * {@link AgentConfig.file}. `PYROS_SECRET`, when set and non-empty, becomes the secret of every
   * agent that has no `secret` key (in its section or in `[DEFAULT]`).
   *
   * @throws ConfigError on any syntax or validation problem.
   */
  static parse(text: string, file: string): AgentConfig {
    const path = resolve(file);
    const doc = parseIni(text, path);
    checkDefaults(doc);
    const defaultSecret = process.env[SECRET_ENV] || undefined;
    const agents = [...doc.sections.keys()].map((name) => agentEndpoint(doc, name, { defaultSecret }));
    // Two agents on one address would fail only when the second binds, on whichever host that is.
    const taken = new Map<string, string>();
    for (const a of agents) {
      const address = `${sameHost(a.ip)}:${a.receivePort}`;
      const first = taken.get(address);
      if (first !== undefined) {
        throw new ConfigError(
          {
            file: path,
            section: a.name,
            key: 'receive_port',
            line: doc.sections.get(a.name)?.lines.receive_port,
          },
          `${a.receivePort} on ${a.ip} is [${first}]'s address too: two agents cannot listen on one port`,
        );
      }
      taken.set(address, a.name);
    }
    return new AgentConfig(path, agents, {
      broker: doc.defaults.broker,
      observatory: doc.defaults.observatory,
    });
  }

  /** The agent names, in file order. */
  names(): string[] {
    return [...this.agents.keys()];
  }

  /** Whether the file has a section for `name`. */
  has(name: string): boolean {
    return this.agents.has(name);
  }

  /**
   * The endpoint of agent `name`.
   *
   * @throws UnknownAgentError when the file has no section for it.
   */
  endpoint(name: string): AgentEndpoint {
    const agent = this.agents.get(name);
    if (!agent) throw new UnknownAgentError(name, this.file, this.names());
    return agent;
  }
}

/** One spelling per address of this machine's loopback, so that `localhost` and `127.0.0.1` clash. */
function sameHost(ip: string): string {
  const lower = ip.toLowerCase();
  return lower === 'localhost' ? '127.0.0.1' : lower;
}

/**
 * Throws unless `config` names at least one agent: for commands that act on agents (start,
 * status), an empty file is a mistake, not an observatory with nothing to do.
 */
export function requireAgents(config: AgentConfig): void {
  if (config.agents.size === 0) {
    throw new ConfigError(
      { file: config.file },
      'no agent configured: give each agent a section, e.g. [scheduler] with receive_port = 9002',
    );
  }
}

function describeFsError(error: unknown): string {
  if (error instanceof Error && 'code' in error) {
    if (error.code === 'ENOENT') return 'no such file';
    if (error.code === 'EISDIR') return 'it is a directory';
    if (error.code === 'EACCES') return 'permission denied';
    if (typeof error.code === 'string') return error.code;
  }
  return error instanceof Error ? error.message : String(error);
}

interface CachedConfig {
  readonly config: AgentConfig;
  readonly mtimeMs: number;
  readonly size: number;
  /** The secret and the observatory override the config was made with (either changed: made again). */
  readonly secret: string;
  checkedAt: number;
}

interface CachedPath {
  readonly path: string;
  readonly checkedAt: number;
}

const configs = new Map<string, CachedConfig>();
const paths = new Map<string, CachedPath>();

/**
 * {@link resolveConfigPath} then {@link AgentConfig.load}, cached so that it can be called for
 * every message: the path and the file's mtime and size are checked at most once every second,
 * and the file is read again only when they changed (or `PYROS_SECRET` changed).
 *
 * @throws ConfigError as {@link resolveConfigPath} and {@link AgentConfig.load}; errors are not
 *   cached, so a fixed file is picked up on the next call.
 */
export function loadAgentConfig(fallback?: string): AgentConfig {
  const now = Date.now();
  const path = cachedResolve(fallback, now);
  // The observatory override is read when a config is made: a changed one makes it again.
  const secret = `${process.env[SECRET_ENV] ?? ''}\0${process.env[OBSERVATORY_ENV] ?? ''}`;
  const cached = configs.get(path);
  if (cached && cached.secret === secret && now - cached.checkedAt < RECHECK_MS) return cached.config;

  let stats: { mtimeMs: number; size: number } | undefined;
  try {
    stats = statSync(path);
  } catch {
    // Left to load(), which says why the file cannot be read.
  }
  if (
    cached &&
    stats &&
    cached.secret === secret &&
    cached.mtimeMs === stats.mtimeMs &&
    cached.size === stats.size
  ) {
    cached.checkedAt = now;
    return cached.config;
  }
  configs.delete(path);
  const config = AgentConfig.load(path);
  if (stats) configs.set(path, { config, mtimeMs: stats.mtimeMs, size: stats.size, secret, checkedAt: now });
  return config;
}

function cachedResolve(fallback: string | undefined, now: number): string {
  // Everything resolveConfigPath depends on is in the key, so a changed env or cwd is seen at once.
  const key = [process.env[CONFIG_ENV] ?? '', process.cwd(), fallback ?? ''].join('\0');
  const cached = paths.get(key);
  if (cached && now - cached.checkedAt < RECHECK_MS) return cached.path;
  const path = resolveConfigPath(fallback);
  paths.set(key, { path, checkedAt: now });
  return path;
}

/** Forgets what {@link loadAgentConfig} cached, so that the next call looks at the disk again. */
export function clearAgentConfigCache(): void {
  configs.clear();
  paths.clear();
}
