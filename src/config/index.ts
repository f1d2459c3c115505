/**
 * The config module: `pyros_agent_config.ini`, the network interface of every agent.
 */
export {
  AgentConfig,
  CONFIG_ENV,
  CONFIG_FILE_NAME,
  clearAgentConfigCache,
  loadAgentConfig,
  requireAgents,
  resolveConfigPath,
  SECRET_ENV,
  UnknownAgentError,
} from './agent-config.js';
export {
  type AgentEndpoint,
  type AgentEndpointOptions,
  agentEndpoint,
  KNOWN_KEYS,
  type WireProtocol,
} from './agent-endpoint.js';
export { ConfigError, type ConfigLocation } from './config-error.js';
export {
  DEFAULT_SECTION,
  effectiveValues,
  type IniDocument,
  type IniSection,
  parseIni,
} from './ini-parser.js';
