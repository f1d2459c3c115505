import type { z } from 'zod';
import type {
  ExposureSpecSchema,
  ObservationRequestSchema,
  PlannedBlockSchema,
  PlanSchema,
  RequestKindSchema,
  RequestRecordSchema,
  RequestStateSchema,
} from '../contracts/schemas.js';

/** Where a request came from: the routine file, or an alert. */
export type RequestKind = z.output<typeof RequestKindSchema>;

/** What became of a request. */
export type RequestState = z.output<typeof RequestStateSchema>;

/** One set of identical exposures. */
export type ExposureSpec = z.output<typeof ExposureSpecSchema>;

/** Something to observe: a target, its exposures and constraints, and how much it matters. */
export type ObservationRequest = z.output<typeof ObservationRequestSchema>;

/** A request as the scheduler keeps it: why it is in its state, and since when. */
export type RequestRecord = z.output<typeof RequestRecordSchema>;

/** A request placed in the night: when the telescope observes it, and what it takes. */
export type PlannedBlock = z.output<typeof PlannedBlockSchema>;

/** The scheduler's plan. */
export type Plan = z.output<typeof PlanSchema>;
