/**
 * The data the observatory's messages carry, declared once as zod schemas; the TypeScript types of
 * the scheduler, the devices and the stores are inferred from them (`z.output`). Limits are what a
 * sane peer never exceeds, so that a payload from a confused or hostile peer is refused by field.
 */
import { z } from 'zod';

/** ms since the epoch, observatory clock. */
export const Time = z.number().min(0).max(8.64e15);
/** An id chosen by an agent (request, block, ivorn…). */
const Id = z.string().min(1).max(512);
const Text = z.string().max(4000);

export const EquatorialSchema = z
  .object({ raDeg: z.number().min(0).lt(360), decDeg: z.number().min(-90).max(90) })
  .readonly();

export const ExposureSpecSchema = z
  .object({
    filter: z.string().min(1).max(32),
    exposureS: z.number().positive().max(86_400),
    count: z.number().int().min(1).max(1000),
  })
  .readonly();

export const RequestKindSchema = z.enum(['routine', 'alert']);
export const RequestStateSchema = z.enum([
  'pending',
  'scheduled',
  'observing',
  'done',
  'failed',
  'cancelled',
  'expired',
]);

export const TimeWindowSchema = z.object({ start: Time, end: Time }).readonly();

export const ObservationRequestSchema = z
  .object({
    id: Id,
    kind: RequestKindSchema,
    targetName: z.string().min(1).max(200),
    target: EquatorialSchema,
    /** Higher first. Routine requests 1–10, alerts 100. */
    priority: z.number().min(0).max(1e6),
    exposures: z.array(ExposureSpecSchema).min(1).max(100).readonly(),
    window: TimeWindowSchema.optional(),
    minAltitudeDeg: z.number().min(-90).max(90).optional(),
    moonSeparationDeg: z.number().min(0).max(180).optional(),
    /**
     * A request observed again and again: the least time from the end of one visit to the start
     * of the next (seconds). Without it a request is observed once.
     */
    cadenceS: z
      .number()
      .min(60)
      .max(366 * 86_400)
      .optional(),
    /** When the request was made (for an alert: when the event happened). */
    createdAt: Time,
    /** The alert it follows up (its ivorn), for alert requests. */
    alertIvorn: Id.optional(),
    state: RequestStateSchema,
  })
  .readonly();

/** A request as its owner (the scheduler) keeps it: why it is in its state, and since when. */
export const RequestRecordSchema = z
  .object({
    ...ObservationRequestSchema.unwrap().shape,
    reason: Text.nullable(),
    updatedAt: Time,
  })
  .readonly();

/** A request placed in the night: when the telescope observes it, and what it takes. */
export const PlannedBlockSchema = z
  .object({
    id: Id,
    requestId: Id,
    kind: RequestKindSchema,
    targetName: z.string().min(1).max(200),
    target: EquatorialSchema,
    priority: z.number().min(0).max(1e6),
    /** `start` includes no overhead: the slew and setup come before it. */
    start: Time,
    end: Time,
    altitudeDeg: z.number().min(-90).max(90),
    airmass: z.number().min(0),
    exposures: z.array(ExposureSpecSchema).min(1).max(100).readonly(),
  })
  .readonly();

/** The scheduler's plan: the blocks from now to the end of the night, and its version. */
export const PlanSchema = z
  .object({
    version: z.number().int().min(0),
    madeAt: Time,
    blocks: z.array(PlannedBlockSchema).max(10_000).readonly(),
  })
  .readonly();

export const SkyConditionSchema = z.enum(['clear', 'clouds', 'rain', 'wind']);

export const WeatherReadingSchema = z
  .object({
    time: Time,
    cloudCoverPct: z.number().min(0).max(100).nullable(),
    rainMmPerH: z.number().min(0).nullable(),
    windSpeedMps: z.number().min(0).nullable(),
    humidityPct: z.number().min(0).max(100).nullable(),
    temperatureC: z.number().min(-100).max(100).nullable(),
    sky: SkyConditionSchema,
    stationAlerts: z.array(z.string().max(200)).max(50).readonly().optional(),
  })
  .readonly();

/**
 * The monitoring agent's word on the weather: safe or not, why, when it was judged, and until
 * when it holds (after that, silence from monitoring counts as unsafe).
 */
export const WeatherVerdictSchema = z
  .object({
    safe: z.boolean(),
    reason: Text,
    /** When monitoring judged it. */
    time: Time,
    /** When it stops counting: a consumer that has heard nothing newer by then is unsafe. */
    validUntil: Time,
    /** Since when the verdict has had this value. */
    since: Time,
    reading: WeatherReadingSchema.nullable(),
  })
  .readonly();

export const ObservationStateSchema = z.enum(['running', 'done', 'failed', 'aborted']);

export const ObservationRecordSchema = z
  .object({
    id: z.number().int().min(1),
    requestId: Id,
    blockId: Id,
    targetName: z.string().max(200),
    startedAt: Time,
    endedAt: Time.optional(),
    state: ObservationStateSchema,
    reason: Text.optional(),
  })
  .readonly();

export const ImageRecordSchema = z
  .object({
    id: z.number().int().min(1),
    observationId: z.number().int().min(1),
    /** Where its owner keeps the file, on its own disk: informative only, read it with `Image data`. */
    path: Text,
    object: z.string().max(200),
    filter: z.string().max(32),
    exposureS: z.number().min(0),
    dateObs: Time,
    target: EquatorialSchema,
    bytes: z.number().int().min(0),
  })
  .readonly();

export const ImageAnalysisSchema = z
  .object({
    background: z.number(),
    noise: z.number(),
    sourceCount: z.number().int().min(0),
    sources: z.array(z.object({ x: z.number(), y: z.number(), flux: z.number() }).loose()).max(1000),
  })
  .readonly();

export const MessageLogEntrySchema = z
  .object({ time: Time, from: z.string().max(300), to: z.string().max(300), message: z.string().max(300) })
  .readonly();
