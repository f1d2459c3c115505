import { DEFAULT_BROKER_URL } from '../../tasks/brokers/broker-url.js';
import { brokerUrl } from '../../tasks/tasks-runtime.js';
import type { ObservatorySettings } from '../settings/observatory-settings.js';

/**
 * The task broker of the observatory: the configured one (`--broker`, `PYROS_BROKER`, the config's
 * `[DEFAULT] broker`), else `tasks.db` in the observatory's data folder rather than the current
 * folder's `pyros-tasks.db`.
 */
export function observatoryBrokerUrl(settings: ObservatorySettings): string {
  const url = brokerUrl();
  return url === DEFAULT_BROKER_URL ? `sqlite:${settings.paths.dataDir}/tasks.db` : url;
}
