/**
 * Every message the observatory's agents exchange, declared once (src/observatory/contracts/):
 * name, payload schema, reply schema, and who handles it. Handlers are registered with
 * `onMessage(Msg.X, …)` and requests made with `Sender.request(agent, Msg.X, …)`, both typed from
 * the contract; every payload is validated on receipt. docs/observatory.md lists them.
 */
import type { MessageContract } from '../agent/contract.js';
import {
  ALERT_RETRACTED,
  ALERT_SOURCES,
  ALERT_UPDATED,
  ALERTS,
  NEW_ALERT,
  NOTICE,
  VOEVENT,
} from './contracts/alert-messages.js';
import { MESSAGES } from './contracts/common-messages.js';
import { EXECUTION, PAUSE, RESUME, WEATHER, WEATHER_VERDICT } from './contracts/execution-messages.js';
import {
  ABORT_OBSERVATION,
  ANALYSES,
  CLOSE_DOME,
  DEVICES,
  IMAGE_DATA,
  IMAGES,
  NEW_IMAGE,
  OBSERVATIONS,
  START_OBSERVATION,
  TASKS,
} from './contracts/observation-messages.js';
import {
  OBS_FAILED,
  OBS_FINISHED,
  OBS_STARTED,
  PLAN,
  PLAN_UPDATED,
  REPLAN,
  REQUESTS,
} from './contracts/scheduler-messages.js';

export const Msg = {
  VOEVENT,
  NOTICE,
  ALERTS,
  ALERT_SOURCES,
  NEW_ALERT,
  ALERT_UPDATED,
  ALERT_RETRACTED,
  OBS_STARTED,
  OBS_FINISHED,
  OBS_FAILED,
  REPLAN,
  PLAN,
  PLAN_UPDATED,
  REQUESTS,
  WEATHER_VERDICT,
  WEATHER,
  PAUSE,
  RESUME,
  EXECUTION,
  START_OBSERVATION,
  ABORT_OBSERVATION,
  CLOSE_DOME,
  DEVICES,
  OBSERVATIONS,
  IMAGES,
  IMAGE_DATA,
  NEW_IMAGE,
  ANALYSES,
  TASKS,
  MESSAGES,
} as const;

/** Every observatory message, in the order docs/observatory.md lists them. */
export const OBSERVATORY_MESSAGES: readonly MessageContract[] = Object.values(Msg);

/**
 * Queries (declared `query: true`): they change nothing, are answered at once beside the mailbox,
 * and stay out of the message log (the dashboard asks them every second: they would bury the
 * messages that tell what the observatory does).
 */
export const QUERIES: ReadonlySet<string> = new Set(
  OBSERVATORY_MESSAGES.filter((m) => m.query).map((m) => m.name),
);
