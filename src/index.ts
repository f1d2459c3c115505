/**
 * pyros-ts: the PyROS agent backbone in TypeScript.
 * @packageDocumentation
 */
export { Agent } from './agent/agent.js';
export type { AgentClock } from './agent/agent-clock.js';
export type { AgentOptions } from './agent/agent-options.js';
export type { AgentStatus } from './agent/agent-status.js';
export type { TimerHandle } from './agent/agent-timers.js';
export {
  checkSchema,
  defineMessage,
  type MessageContract,
  type PayloadIn,
  type PayloadOut,
  type ReplyIn,
  type ReplyOut,
} from './agent/contract.js';
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
export { DashboardAgent } from './dashboard/dashboard-agent.js';
export { createDashboardServer } from './dashboard/dashboard-server.js';
export type { DashboardSource } from './dashboard/dashboard-source.js';
export { ObservatorySource } from './dashboard/observatory-source.js';
export { type App, defineApp } from './host/app.js';
export { type HostOptions, runHost } from './host/launcher.js';
export { createLogger, type Logger } from './logging/logger.js';
// The observatory (docs/observatory.md): its agents, clock, astronomy, alerts, devices and images.
export { AlertManagerAgent } from './observatory/agents/alert-manager-agent.js';
export { AnalyzerAgent } from './observatory/agents/analyzer-agent.js';
export { MajordomeAgent } from './observatory/agents/majordome-agent.js';
export { MonitoringAgent } from './observatory/agents/monitoring-agent.js';
export { ObservationManagerAgent } from './observatory/agents/observation-manager-agent.js';
export { ObservatoryAgent } from './observatory/agents/observatory-agent.js';
export { type ObservatoryDevices, observatoryDevices } from './observatory/agents/observatory-devices.js';
export { SchedulerAgent } from './observatory/agents/scheduler-agent.js';
export { parseVoEvent, type VoEvent, VoEventError } from './observatory/alerts/voevent.js';
export type { Equatorial, Horizontal, Site } from './observatory/astro/coordinates.js';
export { type Night, nightOf } from './observatory/astro/night.js';
export { airmass, altAz, moonPosition, separationDeg, sunPosition } from './observatory/astro/positions.js';
export { loadSite } from './observatory/astro/site-file.js';
export type { Clock } from './observatory/clock/clock.js';
export { clockFromEnv } from './observatory/clock/clock-from-env.js';
export { RealClock } from './observatory/clock/real-clock.js';
export { SimClock } from './observatory/clock/sim-clock.js';
export type { Camera, CameraFrame, ExposureRequest } from './observatory/devices/camera.js';
export { CameraSim } from './observatory/devices/camera-sim.js';
export { DeviceError } from './observatory/devices/device-error.js';
export type { Dome, DomeState } from './observatory/devices/dome.js';
export { DomeSim } from './observatory/devices/dome-sim.js';
export type { FilterWheel } from './observatory/devices/filter-wheel.js';
export { FilterWheelSim } from './observatory/devices/filter-wheel-sim.js';
export type { Telescope, TelescopeStatus } from './observatory/devices/telescope.js';
export { TelescopeSim } from './observatory/devices/telescope-sim.js';
export { loadScenario, parseScenario, type WeatherScenario } from './observatory/devices/weather-scenario.js';
export { WeatherSim } from './observatory/devices/weather-sim.js';
export type { WeatherReading, WeatherStation } from './observatory/devices/weather-station.js';
export { type FitsData, readFits } from './observatory/images/fits-reader.js';
export { writeFits } from './observatory/images/fits-writer.js';
export { analyzeImage, type ImageAnalysis } from './observatory/images/image-analysis.js';
export { Msg } from './observatory/messages.js';
export { type PlanInput, planNight } from './observatory/scheduler/planner.js';
export type { ExposureSpec, ObservationRequest, PlannedBlock } from './observatory/scheduler/request.js';
export type { AlertOutcome, AlertRecord } from './observatory/store/alert-record.js';
export {
  InvalidMessageError,
  InvalidPayloadError,
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
export { encodeVtpFrame, VtpFrameReader } from './transport/vtp/vtp-frame.js';
export { publishVoEvent } from './transport/vtp/vtp-publisher.js';
export { VtpReceiver, type VtpReceiverOptions } from './transport/vtp/vtp-receiver.js';
export { VtpSubscriber, type VtpSubscriberOptions } from './transport/vtp/vtp-subscriber.js';
