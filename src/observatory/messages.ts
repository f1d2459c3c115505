/**
 * The messages the observatory's agents send each other, in the seed's style (plain sentences,
 * e.g. "Observation finished"). Payloads are JSON objects described next to each name.
 */
export const Msg = {
  /** → alert_manager: `{ xml, drill?, source?, file? }`; replies `{ outcome, reason, ivorn, requestId?, summary }`. */
  VOEVENT: 'VOEvent',
  /** alert_manager → scheduler: `{ ivorn, requestId }`, a new or updated alert request. */
  NEW_ALERT: 'New alert',
  /** alert_manager → scheduler: `{ ivorn, cancelled: requestIds }`. */
  ALERT_RETRACTED: 'Alert retracted',
  /** monitoring → scheduler, majordome: `{ reading }`. */
  BAD_WEATHER: 'Bad weather',
  GOOD_WEATHER: 'Good weather',
  /** observation_manager → scheduler, majordome: `{ observationId, requestId, blockId, images }`. */
  OBS_FINISHED: 'Observation finished',
  /** observation_manager → scheduler, majordome: `{ observationId, requestId, blockId, reason, aborted }`. */
  OBS_FAILED: 'Observation failed',
  /** → scheduler: plan again now (operator, majordome after a restart). */
  REPLAN: 'Replan',
  /** scheduler → majordome: `{ version }`, the plan in the database changed. */
  PLAN_UPDATED: 'Plan updated',
  /** majordome → observation_manager: `{ block }`; replies `{ observationId }` once started. */
  START_OBSERVATION: 'Start observation',
  /** majordome → observation_manager: `{ reason }`; replies `{ aborted: observationId | null }`. */
  ABORT_OBSERVATION: 'Abort observation',
  /** → observation_manager: abort what runs and close the dome: `{ reason }`. */
  CLOSE_DOME: 'Close dome',
  /** → majordome (operator): stop starting blocks / start again. */
  PAUSE: 'Pause',
  RESUME: 'Resume',
  /** observation_manager → analyzer: `{ imageId }`. */
  NEW_IMAGE: 'New image',
} as const;
