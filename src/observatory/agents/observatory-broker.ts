import { AgentConfig, resolveConfigPath } from '../../config/agent-config.js';
import { DEFAULT_BROKER_URL } from '../../tasks/brokers/broker-url.js';
import { brokerUrl } from '../../tasks/tasks-runtime.js';
import { agentDataDir, loadObservatorySettings } from '../settings/observatory-settings.js';

/**
 * The analyzer's task broker: the configured one (`--broker`, `PYROS_BROKER`, the config's
 * `[DEFAULT] broker`), else `tasks.db` in the analyzer's own data folder rather than the current
 * folder's `pyros-tasks.db`. (A SQLite broker serves one computer; spread over several, configure Redis.)
 */
export function observatoryBrokerUrl(analyzerDir: string): string {
  const url = brokerUrl();
  return url === DEFAULT_BROKER_URL ? `sqlite:${analyzerDir}/tasks.db` : url;
}

/**
 * The broker the observatory's tasks are on, found as `pyros start` finds it, for `pyros tasks`
 * and `pyros worker`: `explicit` (--broker), `$PYROS_BROKER`, the config's `[DEFAULT] broker`;
 * else, when the config names an observatory (`[DEFAULT] observatory` or `$PYROS_OBSERVATORY`), the
 * analyzer's `tasks.db` in its data folder (`$PYROS_DATA_DIR` or `[observatory] data_dir`, or the
 * `[analyzer] data_dir`); else `sqlite:./pyros-tasks.db`.
 */
export function tasksBrokerUrl(explicit?: string): string {
  const url = brokerUrl(explicit);
  if (explicit !== undefined || url !== DEFAULT_BROKER_URL) return url;
  let path: string;
  try {
    path = resolveConfigPath();
  } catch {
    return url; // no config file: tasks work without agents, on the embedded default
  }
  const config = AgentConfig.load(path);
  if (config.observatory === undefined) return url;
  return observatoryBrokerUrl(agentDataDir(loadObservatorySettings(config.observatory), 'analyzer'));
}

/** A broker URL without its password (a Redis URL may carry one). */
export function withoutCredentials(url: string): string {
  if (!URL.canParse(url) || !/^rediss?:/.test(url)) return url;
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.href;
}
