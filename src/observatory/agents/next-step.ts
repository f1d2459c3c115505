import { utcText } from '../clock/utc-text.js';
import type { PlannedBlock } from '../scheduler/request.js';

/** What the majordome knows when it decides (everything in observatory ms). */
export interface StepInput {
  readonly now: number;
  /** The plan's blocks that may still be started: not ended, not held back, not started, still open. */
  readonly blocks: readonly PlannedBlock[];
  /** When each block must be started (its start less the slew before it), same order. */
  readonly due: readonly number[];
  /** The block being observed, if any. */
  readonly running: PlannedBlock | undefined;
  /** The operator's Pause, if any. */
  readonly paused: { readonly since: number; readonly reason?: string } | undefined;
  /** Whether an alert's block may stop a running one (`[majordome] preempt`). */
  readonly preempt: boolean;
  /** Nothing to observe for longer than this: park and close (`[majordome] close_gap_s`). */
  readonly gapMs: number;
}

/** What to do now. */
export type Step =
  | { readonly kind: 'preempt'; readonly block: PlannedBlock }
  | { readonly kind: 'start'; readonly block: PlannedBlock }
  | {
      readonly kind: 'wait';
      /** Decide again then (undefined: when something happens). */
      readonly until: number | undefined;
      /** The next block that will be started, if any. */
      readonly next: { readonly block: PlannedBlock; readonly at: number } | undefined;
      /** Park and close meanwhile: nothing will be observed for longer than the gap. */
      readonly close: boolean;
      readonly why: string;
    };

/**
 * The majordome's decision, apart from messages and timers (the safety rule is applied before:
 * this is only asked when it is safe). Preempts a running block for an alert block that outranks
 * it; otherwise starts the first block due; otherwise waits for the next, closing meanwhile when
 * that is more than the gap away. A Pause starts nothing, and closes once it has lasted the gap.
 */
export function nextStep(input: StepInput): Step {
  const { now, blocks, due, running } = input;
  const iso = (t: number) => utcText(t, now);
  const dueNow = blocks.filter((_, i) => (due[i] as number) <= now);
  if (running !== undefined) {
    const outranking = input.paused
      ? undefined
      : dueNow.find(
          (b) => b.kind === 'alert' && b.priority > running.priority && b.requestId !== running.requestId,
        );
    if (outranking !== undefined && input.preempt) return { kind: 'preempt', block: outranking };
    const nextAlert = blocks.findIndex((b, i) => b.kind === 'alert' && (due[i] as number) > now);
    return {
      kind: 'wait',
      until: nextAlert >= 0 ? due[nextAlert] : undefined,
      next: undefined,
      close: false,
      why: `observing ${running.targetName}`,
    };
  }
  if (input.paused !== undefined) {
    const closeAt = input.paused.since + input.gapMs;
    const reason = input.paused.reason;
    const by = reason === undefined || reason === 'operator' ? '' : ` (${reason})`;
    return {
      kind: 'wait',
      until: closeAt > now ? closeAt : undefined,
      next: undefined,
      close: closeAt <= now,
      why: `paused by the operator at ${iso(input.paused.since)}${by}${closeAt <= now ? '' : `; closing at ${iso(closeAt)} unless resumed`}`,
    };
  }
  const first = dueNow[0];
  if (first !== undefined) return { kind: 'start', block: first };
  const i = blocks.findIndex((_, k) => (due[k] as number) > now);
  if (i < 0) {
    return {
      kind: 'wait',
      until: undefined,
      next: undefined,
      close: true,
      why: 'nothing left to observe in the plan',
    };
  }
  const block = blocks[i] as PlannedBlock;
  const at = due[i] as number;
  const close = at - now > input.gapMs;
  return {
    kind: 'wait',
    until: at,
    next: { block, at },
    close,
    why: `next: ${block.targetName} at ${iso(at)}${close ? ' (closed until then)' : ''}`,
  };
}
