/** What a task's handler gets besides its arguments. */
export interface TaskContext {
  readonly taskId: string;
  readonly name: string;
  /** 1 for the first run, 2 for the first retry, … */
  readonly attempt: number;
  /** Aborted when the task is revoked while it runs, or when its worker loses it or stops. */
  readonly signal: AbortSignal;
  /** Records progress (0–100, optional note), readable by the caller through the result handle. */
  updateProgress(pct: number, note?: string): Promise<void>;
}
