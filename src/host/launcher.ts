import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AgentConfig, requireAgents, resolveConfigPath } from '../config/agent-config.js';
import type { AgentEndpoint } from '../config/agent-endpoint.js';
import { ConfigError } from '../config/config-error.js';
import { createLogger, LOG_FORMAT_ENV, logFormat } from '../logging/logger.js';
import { builtinAppNames, builtinAppUrl } from './builtin-apps.js';
import { type AppReport, type AppSpec, Supervisor } from './supervisor.js';

/** Options of {@link runHost}. */
export interface HostOptions {
  /** Config file; when absent: PYROS_AGENT_CONFIG, else ./pyros_agent_config.ini. */
  readonly config?: string;
  /** Apps to start by name; default: every section with autostart on that names a module or app. */
  readonly apps?: readonly string[];
  /** How long agents get to stop after SIGINT/SIGTERM. */
  readonly graceMs?: number;
  /** Called with every app's state whenever one changes (the observatory records it for its dashboard). */
  readonly onAppChange?: (apps: readonly AppReport[]) => void;
}

/** The app module a section names: `module` (relative to the config file), `app`, or a built-in of its own name. */
export function appSpecFor(endpoint: AgentEndpoint, configFile: string): AppSpec | undefined {
  if (endpoint.module !== undefined) {
    const m = endpoint.module;
    const url = m.startsWith('.') || isAbsolute(m) ? pathToFileURL(resolve(dirname(configFile), m)).href : m;
    return { name: endpoint.name, moduleUrl: url };
  }
  const builtin = endpoint.app ?? endpoint.name;
  const url = builtinAppUrl(builtin);
  if (url === undefined) {
    if (endpoint.app === undefined) return undefined;
    throw new ConfigError(
      { file: configFile, section: endpoint.name, key: 'app' },
      `no built-in app "${endpoint.app}" (built-in: ${builtinAppNames().join(', ')})`,
    );
  }
  return { name: endpoint.name, moduleUrl: url };
}

/** Which apps to start: the names given, or every autostart section that names an app. */
export function selectApps(config: AgentConfig, names: readonly string[] | undefined): AppSpec[] {
  if (names !== undefined && names.length > 0) {
    return names.map((n) => {
      const spec = appSpecFor(config.endpoint(n), config.file);
      if (spec === undefined) {
        throw new ConfigError(
          { file: config.file, section: n },
          'no module or app key: nothing to start for this agent',
        );
      }
      return spec;
    });
  }
  return config
    .names()
    .map((n) => config.endpoint(n))
    .filter((e) => e.autostart)
    .flatMap((e) => appSpecFor(e, config.file) ?? []);
}

/**
 * The app host (`pyros start`): starts each app's agent in its own worker thread under a supervisor,
 * stops them all gracefully on SIGINT/SIGTERM, and resolves with the exit code once the last agent has stopped.
 */
export async function runHost(options: HostOptions = {}): Promise<number> {
  const log = createLogger('host');
  const file = options.config ?? resolveConfigPath();
  const config = AgentConfig.load(file);
  requireAgents(config);
  const apps = selectApps(config, options.apps);
  if (apps.length === 0) {
    throw new ConfigError({ file: config.file }, 'no app to start: give a section a `module` or `app` key');
  }
  // Worker threads never see a TTY; tell them how the terminal wants the log.
  process.env[LOG_FORMAT_ENV] = logFormat();
  const supervisor = new Supervisor(apps, config.file, log);
  supervisor.on('change', (r) => {
    log.debug({ app: r }, `app "${r.name}" is ${r.state}`);
    options.onAppChange?.(supervisor.report());
  });
  const idle = new Promise<void>((r) => supervisor.once('idle', r));
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    log.info(`${signal}: sending SHUTDOWN to every agent`);
    void supervisor.stopAll(options.graceMs ?? 5000);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  log.info(`starting ${apps.map((a) => a.name).join(', ')} from ${config.file}`);
  supervisor.start();
  await idle;
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  const failed = supervisor.report().filter((r) => r.state === 'failed');
  log.info(
    failed.length === 0
      ? 'every agent has stopped'
      : `stopped; failed: ${failed.map((f) => f.name).join(', ')}`,
  );
  return failed.length === 0 ? 0 : 1;
}
