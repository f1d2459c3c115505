import { DEFAULT_BROKER_URL } from '../../tasks/brokers/broker-url.js';
import { brokerUrl } from '../../tasks/tasks-runtime.js';

/**
 * The analyzer's task broker: the configured one (`--broker`, `PYROS_BROKER`, the config's
 * `[DEFAULT] broker`), else `tasks.db` in the analyzer's own data folder rather than the current
 * folder's `pyros-tasks.db`. (A SQLite broker serves one computer; spread over several, configure Redis.)
 */
export function observatoryBrokerUrl(analyzerDir: string): string {
  const url = brokerUrl();
  return url === DEFAULT_BROKER_URL ? `sqlite:${analyzerDir}/tasks.db` : url;
}

/** A broker URL without its password (a Redis URL may carry one). */
export function withoutCredentials(url: string): string {
  if (!URL.canParse(url) || !/^rediss?:/.test(url)) return url;
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.href;
}
