import { loadAgentConfig } from '../config/agent-config.js';
import type { Site } from './astro/coordinates.js';
import { loadSite } from './astro/site-file.js';
import type { Clock } from './clock/clock.js';
import { clockFromEnv } from './clock/clock-from-env.js';
import { loadObservatorySettings, type ObservatorySettings } from './settings/observatory-settings.js';
import { AlertsRepo } from './store/alerts-repo.js';
import { MessagesRepo } from './store/messages-repo.js';
import { ObservationsRepo } from './store/observations-repo.js';
import { type Db, openObservatoryDb } from './store/observatory-db.js';
import { PlanRepo } from './store/plan-repo.js';
import { RequestsRepo } from './store/requests-repo.js';

/** What every observatory agent works with: one clock, the settings, the site and the database. */
export interface ObservatoryContext {
  readonly clock: Clock;
  readonly settings: ObservatorySettings;
  readonly site: Site;
  readonly db: Db;
  readonly alerts: AlertsRepo;
  readonly requests: RequestsRepo;
  readonly plan: PlanRepo;
  readonly observations: ObservationsRepo;
  readonly messages: MessagesRepo;
  close(): void;
}

/** Builds a context from settings already loaded (tests give their own clock and files). */
export function createObservatoryContext(settings: ObservatorySettings, clock: Clock): ObservatoryContext {
  const site = loadSite(settings.paths.siteFile);
  const db = openObservatoryDb(settings.paths.database);
  const messages = new MessagesRepo(db);
  return {
    clock,
    settings,
    site,
    db,
    alerts: new AlertsRepo(db),
    requests: new RequestsRepo(db),
    plan: new PlanRepo(db),
    observations: new ObservationsRepo(db),
    messages,
    close: () => {
      messages.flush();
      db.close();
    },
  };
}

/**
 * The context of an agent started by the host: the settings file named by the `observatory` key
 * of `pyros_agent_config.ini`'s `[DEFAULT]`, and the clock of the environment (the host exports a
 * simulated clock to every thread). One line naming the file when something is missing.
 */
export function observatoryContext(): ObservatoryContext {
  const config = loadAgentConfig();
  if (config.observatory === undefined) {
    throw new Error(`${config.file}: [DEFAULT] has no "observatory" key (the observatory settings file)`);
  }
  return createObservatoryContext(loadObservatorySettings(config.observatory), clockFromEnv());
}
