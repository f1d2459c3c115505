/**
 * pyros-ts: the PyROS agent backbone in TypeScript.
 * @packageDocumentation
 */
export { Agent } from './agent/agent.js';
export type { AgentOptions } from './agent/agent-options.js';
export type { AgentStatus } from './agent/agent-status.js';
export type { TimerHandle } from './agent/background-work.js';
export {
  type MessageHandler,
  type MessageMeta,
  type ReceivedMessage,
  UnknownMessageError,
} from './agent/message.js';
export {
  AgentConfig,
  CONFIG_ENV,
  CONFIG_FILE_NAME,
  loadAgentConfig,
  resolveConfigPath,
  SECRET_ENV,
  UnknownAgentError,
} from './config/agent-config.js';
export type { AgentEndpoint, WireProtocol } from './config/agent-endpoint.js';
export { ConfigError } from './config/config-error.js';
export { type App, defineApp } from './host/app.js';
export { type HostOptions, runHost } from './host/launcher.js';
export { createLogger, type Logger } from './logging/logger.js';
export {
  InvalidMessageError,
  RefusedError,
  RejectedError,
  RemoteError,
  SendError,
  type SendErrorCode,
  SendTimeoutError,
  UnreachableError,
} from './sender/errors.js';
export { Sender, type SenderDefaults, type SendOptions } from './sender/sender.js';
export { AsyncResult } from './tasks/async-result.js';
export type { Broker, ListFilter, LockStatus } from './tasks/broker.js';
export { BROKER_ENV, DEFAULT_BROKER_URL, openBroker } from './tasks/brokers/broker-url.js';
export {
  type ApplyOptions,
  defineTask,
  type Task,
  type TaskArgs,
  type TaskDefaults,
  type TaskFunction,
  type TaskResult,
} from './tasks/define-task.js';
export { NotJsonError } from './tasks/json-value.js';
export { definePeriodic, type Schedule } from './tasks/periodic.js';
export type { TaskContext } from './tasks/task-context.js';
export { TaskFailedError, TaskResultError } from './tasks/task-errors.js';
export type { Json, TaskError, TaskProgress, TaskRecord, TaskState } from './tasks/task-record.js';
export { TaskWorker, type TaskWorkerOptions } from './tasks/task-worker.js';
export { closeTasks, configureTasks } from './tasks/tasks-runtime.js';
