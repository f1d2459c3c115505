import type { AgentConfig } from '../config/agent-config.js';
import type { AppReport } from '../host/supervisor.js';
import { loadObservatorySettings } from './settings/observatory-settings.js';
import { type Db, getSetting, openObservatoryDb, setSetting } from './store/observatory-db.js';

/** Where the host records its apps' states in the observatory database. */
export const HOST_APPS_KEY = 'host.apps';

/** An app's state as the host last recorded it. */
export interface HostAppState {
  readonly name: string;
  readonly state: AppReport['state'];
  readonly restarts: number;
  readonly lastError: string | null;
  /** When it entered that state (real time, ms since the epoch). */
  readonly since: number;
}

/**
 * Records the host's app states in the observatory database for the dashboard, which runs in its
 * own thread and cannot see the supervisor (only a restarting or failed app says so: an agent that
 * is down answers nothing). Undefined when the config names no observatory.
 */
export function hostAppRecorder(
  config: AgentConfig,
): { record(apps: readonly AppReport[]): void; close(): void } | undefined {
  if (config.observatory === undefined) return undefined;
  const db: Db = openObservatoryDb(loadObservatorySettings(config.observatory).paths.database);
  const since = new Map<string, { state: string; at: number }>();
  return {
    record(apps) {
      const now = Date.now();
      const states: HostAppState[] = apps.map((a) => {
        const last = since.get(a.name);
        if (last?.state !== a.state) since.set(a.name, { state: a.state, at: now });
        return {
          name: a.name,
          state: a.state,
          restarts: a.restarts,
          lastError: a.lastError ?? null,
          since: since.get(a.name)?.at ?? now,
        };
      });
      setSetting(db, HOST_APPS_KEY, JSON.stringify(states));
    },
    close: () => db.close(),
  };
}

/** The app states the host last recorded (empty when none). */
export function hostAppStates(db: Db): HostAppState[] {
  const text = getSetting(db, HOST_APPS_KEY);
  return text === undefined ? [] : (JSON.parse(text) as HostAppState[]);
}
