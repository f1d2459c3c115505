import { loadAgentConfig } from '../config/agent-config.js';
import type { Site } from './astro/coordinates.js';
import { loadSite } from './astro/site-file.js';
import type { Clock } from './clock/clock.js';
import { clockFromEnv } from './clock/clock-from-env.js';
import {
  agentDataDir,
  loadObservatorySettings,
  type ObservatorySettings,
} from './settings/observatory-settings.js';

/**
 * What every observatory agent works with: one clock, the settings, the site, and its own data
 * folder. (Its store is its own: the agent opens it there; no one else does.)
 */
export interface ObservatoryContext {
  readonly clock: Clock;
  readonly settings: ObservatorySettings;
  readonly site: Site;
}

/** A context from settings already loaded (tests give their own clock and files). */
export function createObservatoryContext(settings: ObservatorySettings, clock: Clock): ObservatoryContext {
  return { clock, settings, site: loadSite(settings.paths.siteFile) };
}

/** The data folder of `agent` in this context. */
export function dataDirOf(ctx: ObservatoryContext, agent: string): string {
  return agentDataDir(ctx.settings, agent);
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
