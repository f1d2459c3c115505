/** The observatory's agents by their section names in pyros_agent_config.ini. */
export const AGENTS = {
  alertManager: 'alert_manager',
  scheduler: 'scheduler',
  majordome: 'majordome',
  observationManager: 'observation_manager',
  monitoring: 'monitoring',
  analyzer: 'analyzer',
  dashboard: 'dashboard',
} as const;

/** Every observatory agent that answers the common queries (the message log). */
export const OBSERVATORY_AGENTS: readonly string[] = Object.values(AGENTS);
