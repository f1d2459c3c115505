import { z } from 'zod';
import { defineMessage } from '../../agent/contract.js';
import { AGENTS } from './agents.js';
import { EquatorialSchema, ObservationRequestSchema, Time } from './schemas.js';

/** What the alert manager did with a notice. */
export const AlertOutcomeSchema = z.enum([
  /** A new request was made. */
  'accepted',
  /** A follow-up moved its event's request to a better position. */
  'updated',
  /** A follow-up whose position is no better than the request's: recorded, target kept. */
  'kept',
  /** A retraction: its event's request cancelled. */
  'retracted',
  /** A notice of an event already retracted (the retraction may have come first): not observed. */
  'withdrawn',
  'test',
  'no-position',
  /** A position whose error is over the limit (max_error_deg): not observed until a better one. */
  'too-uncertain',
  /** A class not observed (a solar flare, particles, a binary black hole…): see observe_classes. */
  'other-class',
  'too-old',
  'not-observable',
  'ignored',
]);

/** One received notice as its owner (the alert manager) shows it: without its raw text. */
export const AlertViewSchema = z
  .object({
    /** The notice's id: a VOEvent's IVORN, or the id built for a JSON notice. */
    ivorn: z.string(),
    receivedAt: Time,
    source: z.string(),
    format: z.string(),
    role: z.string(),
    mission: z.string().nullable(),
    instrument: z.string().nullable(),
    packetName: z.string().nullable(),
    /** The event the notice belongs to (its notices share it). */
    eventKey: z.string().nullable(),
    classification: z.string().nullable(),
    area90Deg2: z.number().nullable(),
    eventTime: Time.nullable(),
    raDeg: z.number().nullable(),
    decDeg: z.number().nullable(),
    errorDeg: z.number().nullable(),
    outcome: AlertOutcomeSchema,
    reason: z.string(),
    requestId: z.string().nullable(),
    drill: z.boolean(),
  })
  .readonly();

const IntakeReply = z.object({
  outcome: z.union([AlertOutcomeSchema, z.literal('duplicate')]),
  reason: z.string(),
  ivorn: z.string(),
  requestId: z.string().optional(),
  summary: z.string(),
});

/**
 * → alert_manager: a notice in any format — VOEvent XML, a GCN unified-schema JSON notice, an
 * IGWN alert (`pyros alert`, the dashboard, and its own sources).
 */
export const NOTICE = defineMessage({
  name: 'Notice',
  to: [AGENTS.alertManager],
  description: 'a notice (VOEvent XML or JSON) to record and decide on',
  payload: z.object({
    text: z.string().min(1),
    drill: z.boolean().default(false),
    source: z.string().max(300).default('message'),
    /** The Kafka topic it came on: names the mission of a JSON notice that does not. */
    topic: z.string().max(300).optional(),
    file: z.string().max(4096).optional(),
  }),
  reply: IntakeReply,
});

/** What one alert source is doing (docs/alerts.md). */
export const SourceStatusSchema = z
  .object({
    url: z.string(),
    state: z.enum(['starting', 'connecting', 'connected', 'listening', 'watching', 'waiting', 'stopped']),
    detail: z.string(),
    since: Time,
    lastNoticeAt: Time.optional(),
    lastHeartbeatAt: Time.optional(),
    warning: z.string().optional(),
  })
  .readonly();

/** → alert_manager: its alert sources and what each is doing (a feed gone quiet says so). */
export const ALERT_SOURCES = defineMessage({
  query: true,
  name: 'Alert sources',
  to: [AGENTS.alertManager],
  description: 'the alert sources and their state, warnings included',
  payload: z.object({}).default({}),
  reply: z.object({ sources: z.array(SourceStatusSchema) }),
});

/** → alert_manager: a VOEvent notice (the older message: `Notice` takes XML and JSON alike). */
export const VOEVENT = defineMessage({
  name: 'VOEvent',
  to: [AGENTS.alertManager],
  description: 'a VOEvent notice to record and decide on',
  payload: z.object({
    xml: z.string().min(1),
    drill: z.boolean().default(false),
    source: z.string().max(300).default('message'),
    file: z.string().max(4096).optional(),
  }),
  reply: IntakeReply,
});

/** → alert_manager: the latest notices, newest first. */
export const ALERTS = defineMessage({
  query: true,
  name: 'Alerts',
  to: [AGENTS.alertManager],
  description: 'the latest notices received, newest first',
  payload: z.object({ limit: z.number().int().min(1).max(500).default(20) }).default({ limit: 20 }),
  reply: z.object({ alerts: z.array(AlertViewSchema) }),
});

/** alert_manager → scheduler: observe this alert (idempotent by request id). */
export const NEW_ALERT = defineMessage({
  name: 'New alert',
  to: [AGENTS.scheduler],
  description: 'an urgent request made from an alert',
  payload: z.object({ ivorn: z.string().min(1), request: ObservationRequestSchema }),
  reply: z.object({ requestId: z.string(), created: z.boolean() }),
});

/** alert_manager → scheduler: a follow-up refined an alert's position. */
export const ALERT_UPDATED = defineMessage({
  name: 'Alert updated',
  to: [AGENTS.scheduler],
  description: "a follow-up notice moved an alert request's target",
  payload: z.object({ ivorn: z.string().min(1), requestId: z.string().min(1), target: EquatorialSchema }),
  reply: z.object({ updated: z.boolean(), state: z.string().nullable() }),
});

/** alert_manager → scheduler: a retraction; the requests made from the retracted notices are cancelled. */
export const ALERT_RETRACTED = defineMessage({
  name: 'Alert retracted',
  to: [AGENTS.scheduler],
  description: 'a retraction: cancel the open requests made from the cited notices',
  payload: z.object({
    ivorn: z.string().min(1),
    retracted: z.array(z.string()).max(100),
    requestIds: z.array(z.string()).max(100),
  }),
  reply: z.object({ cancelled: z.array(z.string()) }),
});
