import type { Equatorial } from '../astro/coordinates.js';

/** Where a request came from: the routine file, or an alert. */
export type RequestKind = 'routine' | 'alert';

/** What became of a request. */
export type RequestState =
  | 'pending'
  | 'scheduled'
  | 'observing'
  | 'done'
  | 'failed'
  | 'cancelled'
  | 'expired';

/** One set of identical exposures. */
export interface ExposureSpec {
  readonly filter: string;
  readonly exposureS: number;
  readonly count: number;
}

/** Something to observe: a target, its exposures and constraints, and how much it matters. */
export interface ObservationRequest {
  readonly id: string;
  readonly kind: RequestKind;
  readonly targetName: string;
  readonly target: Equatorial;
  /** Higher first. Routine requests 1–10, alerts 100 (see the site file). */
  readonly priority: number;
  readonly exposures: readonly ExposureSpec[];
  /** Observe only between these times (ms since the epoch). */
  readonly window?: { readonly start: number; readonly end: number };
  /** Overrides the site's limits for this request (degrees). */
  readonly minAltitudeDeg?: number;
  readonly moonSeparationDeg?: number;
  /** When the request was made (for an alert: when the event happened), ms since the epoch. */
  readonly createdAt: number;
  /** The alert it follows up (its ivorn), for alert requests. */
  readonly alertIvorn?: string;
  readonly state: RequestState;
}

/** A request placed in the night: when the telescope observes it. */
export interface PlannedBlock {
  readonly id: string;
  readonly requestId: string;
  readonly kind: RequestKind;
  readonly targetName: string;
  readonly target: Equatorial;
  readonly priority: number;
  /** ms since the epoch; `start` includes no overhead, the slew and setup come before it. */
  readonly start: number;
  readonly end: number;
  /** At the block's start. */
  readonly altitudeDeg: number;
  readonly airmass: number;
}
