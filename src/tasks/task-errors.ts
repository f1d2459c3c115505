import type { TaskError, TaskState } from './task-record.js';

/** Why `AsyncResult.get()` did not return a result. */
export class TaskResultError extends Error {
  override readonly name: string = 'TaskResultError';
  constructor(
    message: string,
    readonly taskId: string,
    readonly state: TaskState | 'TIMEOUT' | 'UNKNOWN',
  ) {
    super(message);
  }
}

/** The task ended in FAILURE; `remote` is its error as the worker recorded it (message and stack). */
export class TaskFailedError extends TaskResultError {
  override readonly name = 'TaskFailedError';
  constructor(
    taskId: string,
    readonly remote: TaskError,
  ) {
    super(`task ${taskId} failed: ${remote.message}`, taskId, 'FAILURE');
  }
}
