import { z } from 'zod';
import { defineMessage } from '../../agent/contract.js';
import { AGENTS } from './agents.js';
import { PlanSchema, RequestRecordSchema, RequestStateSchema, Time } from './schemas.js';

const ObservationIds = {
  observationId: z.number().int().min(1),
  requestId: z.string().min(1),
  blockId: z.string().min(1),
  /** When it happened, observatory clock. */
  time: Time,
};

/** observation_manager → scheduler: the request is being observed. */
export const OBS_STARTED = defineMessage({
  name: 'Observation started',
  to: [AGENTS.scheduler],
  description: 'an observation of a request began',
  payload: z.object(ObservationIds),
  reply: z.void(),
});

/** observation_manager → scheduler, majordome: an observation ended with every image taken. */
export const OBS_FINISHED = defineMessage({
  name: 'Observation finished',
  to: [AGENTS.scheduler, AGENTS.majordome],
  description: 'an observation ended with all its images',
  payload: z.object({ ...ObservationIds, images: z.number().int().min(0) }),
  reply: z.void(),
});

/** observation_manager → scheduler, majordome: an observation stopped early (`aborted`: on purpose). */
export const OBS_FAILED = defineMessage({
  name: 'Observation failed',
  to: [AGENTS.scheduler, AGENTS.majordome],
  description: 'an observation stopped before its end, and why',
  payload: z.object({ ...ObservationIds, reason: z.string().max(4000), aborted: z.boolean() }),
  reply: z.void(),
});

/** → scheduler: plan again now. */
export const REPLAN = defineMessage({
  name: 'Replan',
  to: [AGENTS.scheduler],
  description: 'plan the night again now',
  payload: z.object({}).optional(),
  reply: z.object({ version: z.number().int(), blocks: z.number().int() }),
});

/** → scheduler: the current plan. */
export const PLAN = defineMessage({
  query: true,
  name: 'Plan',
  to: [AGENTS.scheduler],
  description: 'the current plan',
  payload: z.object({}).optional(),
  reply: PlanSchema,
});

/** scheduler → majordome: a new plan, whole. */
export const PLAN_UPDATED = defineMessage({
  name: 'Plan updated',
  to: [AGENTS.majordome],
  description: 'the new plan (the majordome runs the newest it has heard)',
  payload: PlanSchema,
  reply: z.void(),
});

/** → scheduler: requests by id, or by state. */
export const REQUESTS = defineMessage({
  query: true,
  name: 'Requests',
  to: [AGENTS.scheduler],
  description: 'requests by id or state, newest first',
  payload: z
    .object({
      ids: z.array(z.string()).max(500).optional(),
      states: z.array(RequestStateSchema).optional(),
      limit: z.number().int().min(1).max(1000).default(200),
    })
    .default({ limit: 200 }),
  reply: z.object({ requests: z.array(RequestRecordSchema) }),
});
