import { z } from 'zod';
import { defineMessage } from '../../agent/contract.js';
import { AGENTS } from './agents.js';
import { Time, WeatherReadingSchema, WeatherVerdictSchema } from './schemas.js';

/**
 * The night as the majordome runs it: `day` (the Sun is above the limit), `closed` (unsafe:
 * weather or silence), `paused` (the operator's word), `idle` (nothing to observe now),
 * `opening` (a block is being started: the dome opens, the telescope slews), `observing`.
 */
export const NightStateSchema = z.enum(['day', 'closed', 'paused', 'idle', 'opening', 'observing']);

/**
 * Why the majordome is closed, in one word: `dusk` (day, the night to come) or `dawn` (day, the
 * night over), `weather` (monitoring's verdict), `silence` (no valid verdict), `device` (a device
 * does not answer).
 */
export const NightCauseSchema = z.enum(['dusk', 'dawn', 'weather', 'silence', 'device']);

/** What the majordome is doing, and why. */
export const ExecutionStateSchema = z
  .object({
    state: NightStateSchema,
    /** One line: why it is in that state (e.g. "wind 18.2 m/s > 15", "nothing planned until …"). */
    why: z.string(),
    /** Since when the night has had this state (and cause). */
    since: Time.optional(),
    /** Why it is `day` or `closed`, in one word; null otherwise. */
    cause: NightCauseSchema.nullable().optional(),
    paused: z.object({ since: Time, reason: z.string() }).nullable(),
    running: z
      .object({
        blockId: z.string(),
        requestId: z.string(),
        targetName: z.string(),
        observationId: z.number().int().nullable(),
      })
      .nullable(),
    safe: z.boolean(),
    safety: z.string(),
    planVersion: z.number().int(),
    next: z.object({ blockId: z.string(), targetName: z.string(), at: Time }).nullable(),
  })
  .readonly();

/** monitoring → majordome, observation_manager: the weather verdict, at every reading. */
export const WEATHER_VERDICT = defineMessage({
  name: 'Weather verdict',
  to: [AGENTS.majordome, AGENTS.observationManager],
  description: "monitoring's verdict on the weather, with its time and how long it holds",
  payload: WeatherVerdictSchema,
  reply: z.void(),
});

/** → monitoring: the latest reading, the verdict and the limits. */
export const WEATHER = defineMessage({
  query: true,
  name: 'Weather',
  to: [AGENTS.monitoring],
  description: 'the latest reading, the verdict, the limits',
  payload: z.object({}).optional(),
  reply: z.object({
    reading: WeatherReadingSchema.nullable(),
    verdict: WeatherVerdictSchema,
    limits: z.object({
      maxWindMps: z.number(),
      maxCloudPct: z.number(),
      maxHumidityPct: z.number(),
      maxReadingAgeS: z.number(),
    }),
  }),
});

/** → majordome (operator): start no new block until Resume; kept across restarts. */
export const PAUSE = defineMessage({
  name: 'Pause',
  to: [AGENTS.majordome],
  description: 'start no new block until Resume (kept across restarts)',
  payload: z.object({ reason: z.string().max(300).default('operator') }).default({ reason: 'operator' }),
  reply: ExecutionStateSchema,
});

/** → majordome (operator): go on with the plan. */
export const RESUME = defineMessage({
  name: 'Resume',
  to: [AGENTS.majordome],
  description: 'go on with the plan after a Pause',
  payload: z.object({}).optional(),
  reply: ExecutionStateSchema,
});

/** → majordome: what it is doing and why. */
export const EXECUTION = defineMessage({
  query: true,
  name: 'Execution',
  to: [AGENTS.majordome],
  description: 'the state of the night, the running block and why',
  payload: z.object({}).optional(),
  reply: ExecutionStateSchema,
});
