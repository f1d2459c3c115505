import { z } from 'zod';
import { defineMessage } from '../../agent/contract.js';
import { AGENTS } from './agents.js';
import {
  EquatorialSchema,
  ImageAnalysisSchema,
  ImageRecordSchema,
  ObservationRecordSchema,
  ObservationStateSchema,
  PlannedBlockSchema,
  Time,
} from './schemas.js';

/** Bytes of FITS one `Image data` reply carries at most (base64 makes it 4/3 larger). */
export const IMAGE_CHUNK_BYTES = 384 * 1024;

export const DomeStateSchema = z.enum(['open', 'closed', 'opening', 'closing']);
export const TelescopeStatusSchema = z.enum(['parked', 'idle', 'slewing', 'tracking']);

/** majordome → observation_manager: observe this block; the reply comes once it has started. */
export const START_OBSERVATION = defineMessage({
  name: 'Start observation',
  to: [AGENTS.observationManager],
  description: 'observe a planned block (replies once started)',
  payload: z.object({ block: PlannedBlockSchema }),
  reply: z.object({ observationId: z.number().int().min(1) }),
});

/** → observation_manager: stop the running observation; the reply comes once the devices are free. */
export const ABORT_OBSERVATION = defineMessage({
  name: 'Abort observation',
  to: [AGENTS.observationManager],
  description: 'stop the running observation',
  payload: z.object({ reason: z.string().max(300).default('aborted') }).default({ reason: 'aborted' }),
  reply: z.object({ aborted: z.number().int().nullable() }),
});

/** → observation_manager: stop, close the dome and (by default) park the telescope. */
export const CLOSE_DOME = defineMessage({
  name: 'Close dome',
  to: [AGENTS.observationManager],
  description: 'stop what runs, close the dome, park the telescope',
  payload: z
    .object({ reason: z.string().max(300).default('dome closed'), park: z.boolean().default(true) })
    .default({ reason: 'dome closed', park: true }),
  reply: z.object({
    aborted: z.number().int().nullable(),
    dome: DomeStateSchema,
    telescope: TelescopeStatusSchema,
  }),
});

/** → observation_manager: the devices and what it observes. */
export const DEVICES = defineMessage({
  query: true,
  name: 'Devices',
  to: [AGENTS.observationManager],
  description: 'the devices, the running observation, the interlock',
  payload: z.object({}).optional(),
  reply: z.object({
    telescope: z.object({ status: TelescopeStatusSchema, pointing: EquatorialSchema }),
    dome: DomeStateSchema,
    filter: z.string(),
    /** The focuser's position, steps. */
    focuser: z.number(),
    /** Whether each device answers (a real one may be down: unsafe). */
    links: z.array(
      z.object({
        name: z.string(),
        state: z.enum(['up', 'connecting', 'down']),
        reason: z.string().optional(),
        heardAt: z.number().optional(),
      }),
    ),
    observing: z.object({ observationId: z.number().int(), block: PlannedBlockSchema }).nullable(),
    safety: z.object({ safe: z.boolean(), reason: z.string() }),
  }),
});

/** → observation_manager: its observations, newest first. */
export const OBSERVATIONS = defineMessage({
  query: true,
  name: 'Observations',
  to: [AGENTS.observationManager],
  description: 'observations, newest first',
  payload: z
    .object({
      limit: z.number().int().min(1).max(1000).default(100),
      state: ObservationStateSchema.optional(),
      /** Only those whose id is at least this: a reader that keeps the ended ones asks for the rest. */
      fromId: z.number().int().min(1).optional(),
    })
    .default({ limit: 100 }),
  reply: z.object({ observations: z.array(ObservationRecordSchema) }),
});

/** → observation_manager: image records, newest first, or by id. */
export const IMAGES = defineMessage({
  query: true,
  name: 'Images',
  to: [AGENTS.observationManager],
  description: 'image records, newest first or by id',
  payload: z
    .object({
      limit: z.number().int().min(1).max(500).default(12),
      ids: z.array(z.number().int()).max(500).optional(),
    })
    .default({ limit: 12 }),
  reply: z.object({ images: z.array(ImageRecordSchema) }),
});

/** → observation_manager: a piece of an image's FITS file (so no one needs its disk). */
export const IMAGE_DATA = defineMessage({
  query: true,
  name: 'Image data',
  to: [AGENTS.observationManager],
  description: "a piece of an image's FITS file, base64",
  payload: z.object({
    imageId: z.number().int().min(1),
    offset: z.number().int().min(0).default(0),
    length: z.number().int().min(1).max(IMAGE_CHUNK_BYTES).default(IMAGE_CHUNK_BYTES),
  }),
  reply: z.object({
    imageId: z.number().int(),
    size: z.number().int(),
    offset: z.number().int(),
    data: z.string(),
  }),
});

/** observation_manager → analyzer: a new image to analyse. */
export const NEW_IMAGE = defineMessage({
  name: 'New image',
  to: [AGENTS.analyzer],
  description: 'a new image to analyse',
  payload: z.object({
    imageId: z.number().int().min(1),
    observationId: z.number().int().min(1),
    object: z.string().max(200),
    filter: z.string().max(32),
    dateObs: Time,
  }),
  reply: z.object({ taskId: z.string(), queued: z.boolean() }),
});

/** The analysis of one image as its owner (the analyzer) keeps it. */
export const AnalysisViewSchema = z
  .object({
    imageId: z.number().int(),
    state: z.enum(['pending', 'done', 'failed']),
    analysis: ImageAnalysisSchema.nullable(),
    analyzedAt: Time.nullable(),
    error: z.string().nullable(),
  })
  .readonly();

/** → analyzer: the analyses of these images. */
export const ANALYSES = defineMessage({
  query: true,
  name: 'Analyses',
  to: [AGENTS.analyzer],
  description: 'the analyses of images by id',
  payload: z.object({ imageIds: z.array(z.number().int()).max(500) }),
  reply: z.object({ analyses: z.array(AnalysisViewSchema) }),
});

/** → analyzer: the task queue it feeds. */
export const TASKS = defineMessage({
  query: true,
  name: 'Tasks',
  to: [AGENTS.analyzer],
  description: 'the task broker and its counts by state',
  payload: z.object({}).optional(),
  reply: z.object({
    broker: z.string(),
    workers: z.number().int(),
    counts: z.record(z.string(), z.number().int()),
    error: z.string().optional(),
  }),
});
