import type { ExposureSpec } from '../../scheduler/request.js';
import type { ObserveClasses } from '../../settings/alert-keys.js';
import type { ObservatorySettings } from '../../settings/observatory-settings.js';
import type { Notice } from '../notice.js';

/** What the alert manager observes, from `[alert_manager]` (docs/alerts.md). */
export interface AlertPolicy {
  readonly observeTest: boolean;
  readonly maxAgeS: number;
  /** Positions less precise than this are recorded, not observed. */
  readonly maxErrorDeg: number;
  readonly classes: ObserveClasses;
  readonly priority: number;
  readonly exposures: readonly ExposureSpec[];
  readonly windowH: number;
}

/** The error limit when `max_error_deg` is not set: this many fields of view. */
export const FIELDS_PER_ERROR_LIMIT = 3;

/** The policy of these settings. */
export function alertPolicy(settings: ObservatorySettings): AlertPolicy {
  const s = settings.alert_manager;
  return {
    observeTest: s.observe_test,
    maxAgeS: s.max_age_s,
    maxErrorDeg: s.max_error_deg ?? FIELDS_PER_ERROR_LIMIT * settings.observatory.field_of_view_deg,
    classes: s.observe_classes,
    priority: s.priority,
    exposures: s.exposures,
    windowH: s.window_h,
  };
}

/**
 * Whether a notice's class is one observed: its mission's list (by mission name, case aside), else
 * the default list; `*` takes every class. A notice without a class is not held back by it.
 */
export function classObserved(
  notice: Pick<Notice, 'mission' | 'classification'>,
  classes: ObserveClasses,
): boolean {
  const c = notice.classification?.class;
  if (c === undefined) return true;
  const list =
    (notice.mission === undefined ? undefined : classes.byMission[notice.mission.toUpperCase()]) ??
    classes.any;
  return list.includes('*') || list.includes(c);
}
