import { z } from 'zod';
import { defineMessage } from '../../agent/contract.js';
import { AGENTS } from './agents.js';
import { EquatorialSchema, ObservationRequestSchema, Time } from './schemas.js';

/** What the alert manager did with a notice. */
export const AlertOutcomeSchema = z.enum([
  'accepted',
  'updated',
  'retracted',
  'test',
  'no-position',
  'too-old',
  'not-observable',
  'ignored',
]);

/** One received notice as its owner (the alert manager) shows it: without its raw XML. */
export const AlertViewSchema = z
  .object({
    ivorn: z.string(),
    receivedAt: Time,
    source: z.string(),
    role: z.string(),
    mission: z.string().nullable(),
    packetName: z.string().nullable(),
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

/** → alert_manager: a VOEvent notice (`pyros alert`, the dashboard, and its own VTP ports). */
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
  reply: z.object({
    outcome: z.union([AlertOutcomeSchema, z.literal('duplicate')]),
    reason: z.string(),
    ivorn: z.string(),
    requestId: z.string().optional(),
    summary: z.string(),
  }),
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
