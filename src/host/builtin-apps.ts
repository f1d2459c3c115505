/**
 * Apps that ship with pyros-ts, by name: a section may say `app = NAME`, or be named NAME with no
 * `module` key. The observatory's six agents, and two example agents that show messages flowing.
 */
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

const BUILTIN: Readonly<Record<string, string>> = {
  alert_manager: `../observatory/agents/alert-manager-agent${ext}`,
  scheduler: `../observatory/agents/scheduler-agent${ext}`,
  majordome: `../observatory/agents/majordome-agent${ext}`,
  observation_manager: `../observatory/agents/observation-manager-agent${ext}`,
  monitoring: `../observatory/agents/monitoring-agent${ext}`,
  analyzer: `../observatory/agents/analyzer-agent${ext}`,
  dashboard: `../dashboard/dashboard-agent${ext}`,
  example_ping: `./apps/example-ping${ext}`,
  example_pong: `./apps/example-pong${ext}`,
};

export function builtinAppNames(): string[] {
  return Object.keys(BUILTIN);
}

/** The module URL of a built-in app, or undefined. */
export function builtinAppUrl(name: string): string | undefined {
  const rel = BUILTIN[name];
  return rel === undefined ? undefined : new URL(rel, import.meta.url).href;
}
